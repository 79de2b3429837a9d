#ifndef PYGRADE_CPYTHON_H
#define PYGRADE_CPYTHON_H
// pyconfig.h defines _XOPEN_SOURCE; pulling in features.h first keeps Glibc's
// fd_set and friends consistent with what Swift's Glibc module already saw.
#include <features.h>
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#endif
