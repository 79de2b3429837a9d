// The compile child: compiles a submission and checks the static rules of
// the exercises it is graded for, and nothing else. It is forked from the
// worker's base, which never builds a test input, and no candidate code
// runs in it: what it says (a syntax error's words, rule hits with their
// lines) holds nothing hidden and can be shown as it is. The job children
// that run the code load what it compiled.
#include "child_common.h"

#include <marshal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Sends the syntax error of a failed compile: SyntaxError, or ValueError for
   NUL bytes, or RecursionError and MemoryError for source too deeply nested
   for the compiler: all mean the submission does not compile. */
static void send_syntax_error(void) {
    char text[1024];
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    uint32_t line = 0;
    if (value && PyErr_GivenExceptionMatches(type, PyExc_SyntaxError)) {
        PyObject *ln = PyObject_GetAttrString(value, "lineno");
        if (ln && PyLong_Check(ln)) line = (uint32_t)PyLong_AsLong(ln);
        Py_XDECREF(ln);
        PyObject *msg = PyObject_GetAttrString(value, "msg");
        const char *m = msg && PyUnicode_Check(msg) ? PyUnicode_AsUTF8(msg) : NULL;
        snprintf(text, sizeof text, "%s: %s", ((PyTypeObject *)type)->tp_name, m ? m : "invalid syntax");
        Py_XDECREF(msg);
    } else {
        PyErr_Restore(type, value, tb);
        type = value = tb = NULL;
        pg_take_error(text, sizeof text);
    }
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    PyErr_Clear();
    uint8_t head[4];
    pg_put_u32(head, line);
    pg_send_frame(PG_FRAME_SYNTAX_ERROR, head, 4, text, strlen(text));
}

/* One RULE_HITS frame (u32 index of the rule set, then the encoded list of
   (id, line)), or RULE_FAILED with why. */
static void send_rule_hits(uint32_t index, PyObject *rules, PyObject *tree) {
    uint8_t head[4];
    pg_put_u32(head, index);
    PyObject *hits = pg_rule_hits(rules, tree);
    pg_buf buf = {0};
    buf.limit = 1 << 20;
    char why[128];
    if (hits && pg_encode(hits, &buf, why, sizeof why) == PG_ENC_OK) {
        pg_send_frame(PG_FRAME_RULE_HITS, head, 4, buf.data, buf.len);
    } else {
        char text[1024];
        if (!hits)
            pg_take_error(text, sizeof text);
        else
            snprintf(text, sizeof text, "rule checker returned %s", why);
        pg_send_frame(PG_FRAME_RULE_FAILED, head, 4, text, strlen(text));
    }
    pg_buf_free(&buf);
    Py_XDECREF(hits);
    PyErr_Clear();
}

/* Sends the names the module's own code binds with `def`, `async def` or
   `class` (at top level, or in a top-level `if`/`try`/...; not inside a
   function or class), in the order of the source, once each: one NAMES
   frame, the encoded list of them. They are read from the code objects
   among the module code's constants: statically, with no candidate code
   run and no input anywhere in this process, so a report can show them
   ("defines find_dupes"). A name the code makes up at run time
   (`globals()[name] = f`) is never among them. Lambdas and comprehensions
   (`<lambda>`, `<listcomp>`) are not names. */
static void send_defined_names(PyObject *code) {
    PyObject *consts = PyObject_GetAttrString(code, "co_consts");
    PyObject *names = PyList_New(0);
    PyObject *seen = PySet_New(NULL);
    if (consts && names && seen && PyTuple_Check(consts)) {
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(consts); i++) {
            PyObject *item = PyTuple_GET_ITEM(consts, i);
            if (!PyCode_Check(item)) continue;
            PyObject *name = ((PyCodeObject *)item)->co_name;
            if (!name || !PyUnicode_Check(name) || PyUnicode_GET_LENGTH(name) == 0) continue;
            if (PyUnicode_READ_CHAR(name, 0) == '<' || PySet_Contains(seen, name) != 0) continue;
            if (PySet_Add(seen, name) < 0 || PyList_Append(names, name) < 0) break;
        }
    }
    PyErr_Clear();
    pg_buf buf = {0};
    buf.limit = 1 << 20;
    char why[128];
    if (!names || pg_encode(names, &buf, why, sizeof why) != PG_ENC_OK) buf.len = 0;
    pg_send_frame(PG_FRAME_NAMES, NULL, 0, buf.data, buf.len);
    pg_buf_free(&buf);
    Py_XDECREF(seen);
    Py_XDECREF(names);
    Py_XDECREF(consts);
    PyErr_Clear();
}

static int compile_main(const pg_compile_job *job) {
    char why[256];
    pg_frames_use_secret(job->secret);
    if (pg_child_setup(job->result_fd, job->output_fd, &job->limits, why, sizeof why)) {
        pg_send_frame(PG_FRAME_SETUP_FAILED, NULL, 0, why, strlen(why));
        return PG_CHILD_EXIT_SETUP_FAILED;
    }
    PyObject *src = PyBytes_FromStringAndSize(job->source, (Py_ssize_t)job->source_len);
    if (!src) return PG_CHILD_EXIT_INTERNAL;
    // With rules to check, one parse serves both: the AST the rules read is
    // the one that gets compiled.
    Py_ssize_t sets = job->rule_sets ? PyTuple_GET_SIZE(job->rule_sets) : 0;
    PyObject *tree = NULL, *code = NULL;
    if (sets > 0) {
        tree = PyObject_CallFunction(job->compile, "Ossii", src, job->filename, "exec", PyCF_ONLY_AST, 1);
        if (tree) code = PyObject_CallFunction(job->compile, "Ossii", tree, job->filename, "exec", 0, 1);
    } else {
        code = PyObject_CallFunction(job->compile, "Ossii", src, job->filename, "exec", 0, 1);
    }
    Py_DECREF(src);
    if (!code) {
        send_syntax_error();
        Py_XDECREF(tree);
        return 0;
    }
    PyObject *bytes = PyMarshal_WriteObjectToString(code, Py_MARSHAL_VERSION);
    if (!bytes) {
        char text[1024];
        pg_take_error(text, sizeof text);
        pg_send_frame(PG_FRAME_SETUP_FAILED, NULL, 0, text, strlen(text));
        Py_DECREF(code);
        Py_XDECREF(tree);
        return PG_CHILD_EXIT_INTERNAL;
    }
    pg_send_frame(PG_FRAME_CODE, NULL, 0, PyBytes_AS_STRING(bytes), (size_t)PyBytes_GET_SIZE(bytes));
    Py_DECREF(bytes);
    send_defined_names(code);
    Py_DECREF(code);
    for (Py_ssize_t i = 0; i < sets; i++) send_rule_hits((uint32_t)i, PyTuple_GET_ITEM(job->rule_sets, i), tree);
    Py_XDECREF(tree);
    return 0;
}

pid_t pg_spawn_compile(const pg_compile_job *job) {
    pid_t pid = pg_fork_child();
    if (pid == 0) {
        int code = compile_main(job);
        fflush(NULL);
        _exit(code);
    }
    return pid;
}
