// The CPython macros and globals Swift cannot import, as functions, and
// the embedded interpreter's start-up and error text.
#include "CJobChild.h"
#include <string.h>

PyObject *pg_none(void) { return Py_None; }
void pg_incref(PyObject *o) { Py_INCREF(o); }
void pg_decref(PyObject *o) { Py_DECREF(o); }
void pg_xdecref(PyObject *o) { Py_XDECREF(o); }
int pg_is_none(PyObject *o) { return o == Py_None; }

int pg_python_initialize(char *why, size_t whylen) {
    PyConfig config;
    PyConfig_InitIsolatedConfig(&config);
    config.site_import = 0;
    config.install_signal_handlers = 0;
    config.write_bytecode = 0;
    config.user_site_directory = 0;
    config.use_environment = 0;
    config.parse_argv = 0;
    config.buffered_stdio = 1;
    // What a candidate prints goes out as UTF-8, as python3 does on a UTF-8
    // machine, whatever the locale (the isolated config reads none): a
    // debug print of a Unicode argument must not raise. Lone surrogates and
    // the like are escaped, never an exception.
    PyStatus status = PyConfig_SetString(&config, &config.stdio_encoding, L"utf-8");
    if (!PyStatus_Exception(status)) status = PyConfig_SetString(&config, &config.stdio_errors, L"backslashreplace");
    if (!PyStatus_Exception(status)) status = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(status)) {
        snprintf(why, whylen, "%s: %s", status.func ? status.func : "Py_InitializeFromConfig",
                 status.err_msg ? status.err_msg : "failed");
        return -1;
    }
    return 0;
}

void pg_take_error(char *out, size_t outlen) {
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    const char *name = type ? ((PyTypeObject *)type)->tp_name : "Error";
    const char *msg = "";
    PyObject *s = value ? PyObject_Str(value) : NULL;
    if (s) msg = PyUnicode_AsUTF8(s);
    if (!msg) { PyErr_Clear(); msg = ""; }
    snprintf(out, outlen, "%s: %s", name, msg);
    Py_XDECREF(s);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    PyErr_Clear();
}
