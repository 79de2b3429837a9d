// Loading the submission in a job child: its compiled code run as the
// module, whose failure is the load's frame.
#include "job_child.h"

#include <marshal.h>
#include <string.h>

/* Returns the module dict (new reference) or NULL after sending its frame. */
PyObject *pg_job_load(const pg_job *job) {
    char text[1024];
    PyObject *code = PyMarshal_ReadObjectFromString(job->code, (Py_ssize_t)job->code_len);
    if (!code || !PyCode_Check(code)) {
        Py_XDECREF(code);
        PyErr_Clear();
        const char *why = "the compiled code does not load";
        pg_send_frame(PG_FRAME_SETUP_FAILED, NULL, 0, why, strlen(why));
        return NULL;
    }
    PyObject *module = PyModule_New(job->module_name);
    if (!module) {
        Py_DECREF(code);
        return NULL;
    }
    PyObject *dict = PyModule_GetDict(module);
    Py_INCREF(dict);
    PyObject *fname = PyUnicode_FromString(job->filename);
    PyDict_SetItemString(dict, "__file__", fname);
    Py_XDECREF(fname);
    PyDict_SetItemString(dict, "__builtins__", PyEval_GetBuiltins());
    PyObject *modules = PyImport_GetModuleDict();
    PyDict_SetItemString(modules, job->module_name, module);

    PyObject *r = PyEval_EvalCode(code, dict, dict);
    Py_DECREF(code);
    if (!r) {
        uint8_t status = pg_job_take_exception(text, sizeof text, job->full_text);
        pg_job_flush_output(job);
        pg_send_frame(PG_FRAME_LOAD_ERROR, &status, 1, text, strlen(text));
        Py_DECREF(dict);
        Py_DECREF(module);
        return NULL;
    }
    Py_DECREF(r);
    pg_job_flush_output(job);
    Py_DECREF(module);
    return dict;
}
