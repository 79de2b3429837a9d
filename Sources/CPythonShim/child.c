// Everything a job child does between fork() and _exit(), in C: after fork
// only the forking thread exists, so no Swift runtime code may run here.
#include "CPythonShim.h"
#include "CPygradeSupport.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define RESULT_FD 3

/* A frame: u32 little-endian length of (kind + head + body), kind, head, body.
   One writev, so that the worker wakes once per frame, not once per part. */
static int send_frame(uint8_t kind, const void *head, size_t headlen, const void *body, size_t bodylen) {
    uint32_t total = (uint32_t)(1 + headlen + bodylen);
    uint8_t pre[5] = {(uint8_t)total, (uint8_t)(total >> 8), (uint8_t)(total >> 16), (uint8_t)(total >> 24), kind};
    struct iovec parts[3] = {{pre, 5}, {(void *)head, headlen}, {(void *)body, bodylen}};
    size_t first = 0;
    while (first < 3) {
        if (parts[first].iov_len == 0) {
            first++;
            continue;
        }
        ssize_t w = writev(RESULT_FD, parts + first, (int)(3 - first));
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        // Skip what went out: whole parts, then the written front of one.
        size_t n = (size_t)w;
        while (first < 3 && n >= parts[first].iov_len) n -= parts[first++].iov_len;
        if (first < 3) {
            parts[first].iov_base = (uint8_t *)parts[first].iov_base + n;
            parts[first].iov_len -= n;
        }
    }
    return 0;
}

static void put_u32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

static int set_limit(int resource, rlim_t soft, rlim_t hard) {
    struct rlimit rl = {soft, hard};
    return setrlimit(resource, &rl);
}

static int child_setup(const pg_job *job, char *why, size_t whylen) {
    snprintf(why, whylen, "the job child could not set itself up");
    setpgid(0, 0);
    // Whatever the grader was started with (a test runner may ignore or
    // block signals), a file past RLIMIT_FSIZE and CPU past RLIMIT_CPU end
    // the job.
    signal(SIGXFSZ, SIG_DFL);
    signal(SIGXCPU, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    // Dies with the worker, whatever happens to the worker.
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) return -1;
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull < 0) return -1;
    if (dup2(devnull, 0) < 0 || dup2(job->output_fd, 1) < 0 || dup2(job->output_fd, 2) < 0 ||
        dup2(job->result_fd, RESULT_FD) < 0)
        return -1;
    // Before the descriptors go: the Landlock ruleset is one of them.
    if (pg_sandbox_apply_child(why, whylen)) return -1;
    // Every other descriptor (the worker's protocol pipes, other children's
    // pipes) goes: the candidate sees stdin, stdout, stderr and its result fd.
    if (syscall(SYS_close_range, RESULT_FD + 1, ~0U, 0) != 0) {
        for (int fd = RESULT_FD + 1; fd < 1024; fd++) close(fd);
    }
    // The worker's malloc overwrites freed memory (see WorkerClient); the
    // candidate's code need not pay for that.
    mallopt(M_PERTURB, 0);
    // Limits last: loading the filters above allocates memory (DMOJ's order).
    const pg_limits *l = &job->limits;
    if (set_limit(RLIMIT_CORE, 0, 0)) return -1;
    rlim_t cpu = (rlim_t)ceil(l->cpu_seconds > 0 ? l->cpu_seconds : 1);
    if (set_limit(RLIMIT_CPU, cpu, cpu + 1)) return -1;
    if (l->address_space && set_limit(RLIMIT_AS, l->address_space, l->address_space)) return -1;
    if (l->file_size && set_limit(RLIMIT_FSIZE, l->file_size, l->file_size)) return -1;
    if (l->open_files && set_limit(RLIMIT_NOFILE, l->open_files, l->open_files)) return -1;
    if (l->processes && set_limit(RLIMIT_NPROC, l->processes, l->processes)) return -1;
    return 0;
}

/* The status of the pending exception, and its text. Only builtin exception
   types are asked for their message: str() of a candidate's class is code
   the candidate wrote. */
static uint8_t take_exception(char *text, size_t textlen) {
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    uint8_t status = PG_ST_RUNTIME_ERROR;
    const char *name = "Exception";
    if (type && PyType_Check(type)) {
        PyTypeObject *t = (PyTypeObject *)type;
        name = t->tp_name;
        if (PyType_IsSubtype(t, (PyTypeObject *)PyExc_MemoryError)) status = PG_ST_MEMORY_LIMIT;
        if (!(t->tp_flags & Py_TPFLAGS_HEAPTYPE)) {
            PyErr_NormalizeException(&type, &value, &tb);
            PyObject *s = value ? PyObject_Str(value) : NULL;
            const char *m = s ? PyUnicode_AsUTF8(s) : NULL;
            if (m && *m)
                snprintf(text, textlen, "%s: %s", name, m);
            else
                snprintf(text, textlen, "%s", name);
            Py_XDECREF(s);
            PyErr_Clear();
        } else {
            snprintf(text, textlen, "%s", name);
        }
    } else {
        snprintf(text, textlen, "%s", name);
    }
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    PyErr_Clear();
    return status;
}

static void flush_output(const pg_job *job) {
    if (!job->flush) return;
    PyObject *r = PyObject_CallNoArgs(job->flush);
    Py_XDECREF(r);
    PyErr_Clear();
}

/* Waits until the worker has read everything this test printed, so that the
   output it captures for a test is that test's and not the next one's too
   (the worker drains output before it reads frames). */
static void wait_output_read(void) {
    int pending = 0;
    for (int i = 0; i < 20000 && ioctl(1, FIONREAD, &pending) == 0 && pending > 0; i++) usleep(50);
}

static int send_exception_frame(char kind, uint8_t status, const char *text) {
    return send_frame((uint8_t)kind, &status, 1, text, strlen(text));
}

/* A rule broken at run time (rules.c): a 'V' frame, its body the rule's
   index and nothing else (the candidate's code is running: no line). */
static void send_rule_hit(int rule_index, void *ctx) {
    (void)ctx;
    uint8_t index = (uint8_t)rule_index;
    send_frame('V', NULL, 0, &index, 1);
}

/* Returns the module dict (new reference) or NULL after sending its frame. */
static PyObject *compile_and_load(const pg_job *job) {
    char text[1024];
    PyObject *src = PyBytes_FromStringAndSize(job->source, (Py_ssize_t)job->source_len);
    if (!src) return NULL;
    // With rules to check, one parse serves both: the AST the rules read
    // is the one that gets compiled.
    PyObject *tree = NULL, *code = NULL;
    int checked_rules = job->rules && job->report_compile;
    if (job->code) {
        // The same source compiled by this candidate's previous child (for
        // another exercise): a third of the time, a third of the page faults.
        code = PyMarshal_ReadObjectFromString(job->code, (Py_ssize_t)job->code_len);
        if (!code || !PyCode_Check(code)) {
            Py_CLEAR(code);
            PyErr_Clear();
        }
    }
    if (checked_rules) {
        tree = PyObject_CallFunction(job->compile, "Ossii", src, job->filename, "exec", PyCF_ONLY_AST, 1);
        if (!tree) Py_CLEAR(code);  // reported below as the source's syntax error
        else if (!code) code = PyObject_CallFunction(job->compile, "Ossii", tree, job->filename, "exec", 0, 1);
    } else if (!code) {
        code = PyObject_CallFunction(job->compile, "Ossii", src, job->filename, "exec", 0, 1);
    }
    if (!code) {
        // SyntaxError, or ValueError for NUL bytes, or RecursionError and
        // MemoryError for source too deeply nested for the compiler: all mean
        // the submission does not compile.
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
        put_u32(head, line);
        send_frame('X', head, 4, text, strlen(text));
        Py_XDECREF(tree);
        Py_DECREF(src);
        return NULL;
    }
    if (job->send_code && job->report_compile) {
        // Before any candidate code runs, so that the worker can trust it.
        PyObject *bytes = PyMarshal_WriteObjectToString(code, Py_MARSHAL_VERSION);
        if (bytes) send_frame('K', NULL, 0, PyBytes_AS_STRING(bytes), (size_t)PyBytes_GET_SIZE(bytes));
        Py_XDECREF(bytes);
        PyErr_Clear();
    }
    // Run-time rules: from here on compile/eval/exec and the forbidden
    // builtins and methods report through send_rule_hit. After the last
    // compile of ours, before any candidate code runs.
    char runtime_failure[200] = "";
    if (job->rules && pg_rules_runtime_install(job->rules, send_rule_hit, NULL))
        pg_take_error(runtime_failure, sizeof runtime_failure);
    if (job->report_compile) {
        send_frame('C', NULL, 0, NULL, 0);
        if (job->rules) {
            // Rules read the AST before any candidate code has run, so what
            // they report is trustworthy.
            PyObject *hits = pg_rule_hits(job->rules, tree);
            pg_buf buf = {0};
            buf.limit = 1 << 20;
            char why[128];
            if (*runtime_failure) {
                snprintf(text, sizeof text, "run-time rules: %s", runtime_failure);
                send_frame('Q', NULL, 0, text, strlen(text));
            } else if (hits && pg_encode(hits, &buf, why, sizeof why) == PG_ENC_OK) {
                send_frame('R', NULL, 0, buf.data, buf.len);
            } else {
                if (!hits) pg_take_error(text, sizeof text);
                else snprintf(text, sizeof text, "rule checker returned %s", why);
                send_frame('Q', NULL, 0, text, strlen(text));
            }
            pg_buf_free(&buf);
            Py_XDECREF(hits);
            PyErr_Clear();
        }
    }
    Py_XDECREF(tree);
    Py_DECREF(src);
    if (*runtime_failure) {  // hooks may be half in: no candidate code runs
        Py_DECREF(code);
        return NULL;
    }

    PyObject *module = PyModule_New(job->module_name);
    if (!module) { Py_DECREF(code); return NULL; }
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
        uint8_t status = take_exception(text, sizeof text);
        flush_output(job);
        char said[1100];
        snprintf(said, sizeof said, "raised %s", text);
        send_exception_frame('E', status, said);
        Py_DECREF(dict);
        Py_DECREF(module);
        return NULL;
    }
    Py_DECREF(r);
    flush_output(job);
    Py_DECREF(module);
    return dict;
}

/* Digest of (args, kwargs) as the value stream encodes them; all zeros when
   they no longer encode (the candidate put a foreign object inside). */
int pg_args_digest(PyObject *args, PyObject *kwargs, size_t limit, uint8_t out[16]) {
    pg_hash128_ctx hash;
    pg_hash128_init(&hash);
    pg_buf buf = {0};
    buf.limit = limit;
    buf.sink = &hash;
    char why[128];
    PyObject *both = PyTuple_Pack(2, args, kwargs ? kwargs : Py_None);
    int rc = both ? pg_encode(both, &buf, why, sizeof why) : PG_ENC_NOMEM;
    if (rc == PG_ENC_OK) {
        pg_hash128_update(&hash, buf.data, buf.len);
        pg_hash128_final(&hash, out);
    } else {
        memset(out, 0, 16);
    }
    Py_XDECREF(both);
    pg_buf_free(&buf);
    PyErr_Clear();
    return rc;
}

static double cpu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU the harness itself spent on the current test (encoding, digests),
   so that reports charge the candidate only for the candidate's code. */
static double harness_cpu;

static uint32_t max_rss_kib(void) {
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? (uint32_t)ru.ru_maxrss : 0;
}

/* An 'r' frame: head = u32 index, u8 kind, u32 peak RSS (KiB), u32 harness
   CPU (microseconds), then the 16-byte argument digest when mutation is
   checked; body by kind. */
static int send_result(const pg_job *job, int index, uint8_t kind, const uint8_t *args_digest,
                       const void *body, size_t bodylen) {
    uint8_t head[13 + 16];
    size_t headlen = 13;
    put_u32(head, (uint32_t)index);
    head[4] = kind;
    put_u32(head + 5, max_rss_kib());
    put_u32(head + 9, (uint32_t)(harness_cpu * 1e6));
    if (job->check_mutation) {
        memcpy(head + 13, args_digest, 16);
        headlen += 16;
    }
    return send_frame('r', head, headlen, body, bodylen);
}

static int send_result_exception(const pg_job *job, int index, const uint8_t *args_digest, uint8_t status,
                                 const char *text) {
    size_t n = strlen(text);
    uint8_t *body = malloc(n + 1);
    if (!body) return send_result(job, index, PG_RES_EXCEPTION, args_digest, &status, 1);
    body[0] = status;
    memcpy(body + 1, text, n);
    int rc = send_result(job, index, PG_RES_EXCEPTION, args_digest, body, n + 1);
    free(body);
    return rc;
}

static int run_test(const pg_job *job, PyObject *entry, int index) {
    char text[1024];
    uint8_t args_digest[16] = {0};

    PyObject *test = PyList_GET_ITEM(job->tests, index);
    PyObject *probe = PyTuple_GET_ITEM(test, 0);
    PyObject *args = PyTuple_GET_ITEM(test, 1);
    PyObject *kwargs = PyTuple_GET_ITEM(test, 2);
    if (kwargs == Py_None) kwargs = NULL;

    PyObject *result;
    harness_cpu = 0;
    if (probe != Py_None) {
        Py_ssize_t n = PyTuple_GET_SIZE(args);
        PyObject *full = PyTuple_New(n + 1);
        if (!full) return -1;
        Py_INCREF(entry);
        PyTuple_SET_ITEM(full, 0, entry);
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *a = PyTuple_GET_ITEM(args, i);
            Py_INCREF(a);
            PyTuple_SET_ITEM(full, i + 1, a);
        }
        result = PyObject_Call(probe, full, kwargs);
        Py_DECREF(full);
    } else {
        result = PyObject_Call(entry, args, kwargs);
    }
    if (!result) {
        uint8_t status = take_exception(text, sizeof text);
        flush_output(job);
        wait_output_read();
        char said[1100];
        snprintf(said, sizeof said, "raised %s", text);
        double t0 = cpu_now();
        if (job->check_mutation) pg_args_digest(args, kwargs, job->result_limit, args_digest);
        harness_cpu += cpu_now() - t0;
        return send_result_exception(job, index, args_digest, status, said);
    }
    flush_output(job);
    wait_output_read();
    double t0 = cpu_now();
    // The worker compares this with the digest it took before the fork.
    if (job->check_mutation) pg_args_digest(args, kwargs, job->result_limit, args_digest);

    if (job->fresh_result && result != Py_None) {
        Py_ssize_t n = PyTuple_GET_SIZE(args);
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *a = PyTuple_GET_ITEM(args, i);
            if (result == a && (PyList_Check(a) || PyDict_Check(a) || PySet_Check(a))) {
                Py_DECREF(result);
                return send_result(job, index, PG_RES_ALIASED, args_digest, NULL, 0);
            }
        }
    }

    pg_buf buf = {0};
    buf.limit = job->result_limit;
    char why[256] = "";
    int rc = pg_encode(result, &buf, why, sizeof why);
    int sent;
    if (rc == PG_ENC_OK) {
        uint8_t digest[16];
        int digested = job->digest_ok && job->digest_ok[index] && buf.len > job->digest_threshold &&
                       pg_value_digest(buf.data, buf.len, digest) == PG_DIGEST_OK;
        harness_cpu += cpu_now() - t0;
        if (digested)
            sent = send_result(job, index, PG_RES_DIGEST, args_digest, digest, 16);
        else
            sent = send_result(job, index, PG_RES_VALUE, args_digest, buf.data, buf.len);
    } else if (rc == PG_ENC_NOT_PLAIN) {
        sent = send_result(job, index, PG_RES_NOT_PLAIN, args_digest, why, strlen(why));
    } else if (rc == PG_ENC_TOO_LARGE) {
        sent = send_result(job, index, PG_RES_TOO_LARGE, args_digest, NULL, 0);
    } else {
        sent = send_result_exception(job, index, args_digest, PG_ST_MEMORY_LIMIT,
                                     "raised MemoryError: no memory left to encode the result");
    }
    pg_buf_free(&buf);
    // Dropping the result may run a candidate __del__: after the frame is out.
    Py_DECREF(result);
    PyErr_Clear();
    return sent;
}

static int child_main(const pg_job *job) {
    char why[256];
    if (child_setup(job, why, sizeof why)) {
        send_frame('Z', NULL, 0, why, strlen(why));
        return 70;
    }
    PyObject *dict = compile_and_load(job);
    if (!dict) return 0;
    PyObject *entry = PyDict_GetItemString(dict, job->entry);
    if (!entry || !PyCallable_Check(entry)) {
        const char *m = entry ? "is not callable" : "is not defined";
        send_frame('M', NULL, 0, m, strlen(m));
        return 0;
    }
    Py_INCREF(entry);
    wait_output_read();
    send_frame('L', NULL, 0, NULL, 0);
    Py_ssize_t n = PyList_GET_SIZE(job->tests);
    for (Py_ssize_t i = job->start; i < n; i++)
        if (run_test(job, entry, (int)i)) return 71;
    send_frame('D', NULL, 0, NULL, 0);
    return 0;
}

/* The worker's stack below this frame may still hold bytes of an earlier
   job (a frame read, a message parsed): wiped before a child inherits it. */
__attribute__((noinline)) static void scrub_stack(void) {
    volatile uint8_t area[64 << 10];
    explicit_bzero((void *)area, sizeof area);
}

pid_t pg_spawn_job(const pg_job *job) {
    scrub_stack();
    fflush(NULL);
    PyOS_BeforeFork();
    pid_t pid = fork();
    if (pid == 0) {
        // Before Python's own after-fork hooks, which allocate too. A few
        // MiB: enough for loading and small tests, a bounded share of the
        // job's address space.
        (void)pg_fresh_arena_open(4 << 20);
        PyOS_AfterFork_Child();
        int code = child_main(job);
        flush_output(job);
        fflush(NULL);
        // _exit: no atexit handlers, no Python finalisation (which could run
        // candidate __del__ code after the verdict is out), no Swift.
        _exit(code);
    }
    int saved = errno;
    PyOS_AfterFork_Parent();
    errno = saved;
    return pid;
}

double pg_process_cpu_seconds(pid_t pid) {
    clockid_t clk;
    struct timespec ts;
    if (clock_getcpuclockid(pid, &clk) != 0 || clock_gettime(clk, &ts) != 0) return -1;
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int pg_collapse_heap(size_t min_bytes) {
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f) return -1;
    char line[512];
    int collapsed = 0;
    const uintptr_t huge = 2u << 20;
    while (fgets(line, sizeof line, f)) {
        uintptr_t lo, hi;
        char perms[8] = "";
        unsigned long offset;
        int consumed = 0;
        if (sscanf(line, "%lx-%lx %7s %lx %*s %*s%n", &lo, &hi, perms, &offset, &consumed) < 4) continue;
        // Anonymous (no path after the inode) or the heap, private, writable.
        const char *rest = line + consumed;
        while (*rest == ' ') rest++;
        int anonymous = *rest == '\n' || *rest == 0 || strncmp(rest, "[heap]", 6) == 0;
        if (!anonymous || perms[0] != 'r' || perms[1] != 'w' || perms[3] != 'p') continue;
        uintptr_t a = (lo + huge - 1) & ~(huge - 1), b = hi & ~(huge - 1);
        if (b <= a || b - a < min_bytes) continue;
        if (madvise((void *)a, b - a, MADV_HUGEPAGE) == 0 && madvise((void *)a, b - a, 25 /* MADV_COLLAPSE */) == 0)
            collapsed++;
    }
    fclose(f);
    return collapsed;
}

uint64_t pg_self_vm_bytes(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return 0;
    unsigned long pages = 0;
    if (fscanf(f, "%lu", &pages) != 1) pages = 0;
    fclose(f);
    return (uint64_t)pages * (uint64_t)sysconf(_SC_PAGESIZE);
}

int pg_worker_process_setup(void) {
    signal(SIGPIPE, SIG_IGN);
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) return -1;
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) return -1;
    return 0;
}
