// The resource limits the worker keeps steady: recorded once at start,
// compared before each job, and restored in every child before its own
// (sandbox_policy.c applies those).
#include "sandbox_internal.h"

#include <sys/resource.h>


static struct rlimit recorded[RLIM_NLIMITS];
static int has_record;

void pg_limits_record(void) {
    for (int r = 0; r < RLIM_NLIMITS; r++) getrlimit(r, &recorded[r]);
    has_record = 1;
}

int pg_limits_unchanged(void) {
    if (!has_record) return 1;
    for (int r = 0; r < RLIM_NLIMITS; r++) {
        struct rlimit now;
        if (getrlimit(r, &now) != 0 || now.rlim_cur != recorded[r].rlim_cur || now.rlim_max != recorded[r].rlim_max)
            return 0;
    }
    return 1;
}

/* In a child, before its own limits: every limit back to the recorded one,
   whatever a process of this worker may have set since. */
int pg_limits_restore(void) {
    if (!has_record) return 0;
    for (int r = 0; r < RLIM_NLIMITS; r++)
        if (setrlimit(r, &recorded[r]) != 0) return -1;
    return 0;
}
