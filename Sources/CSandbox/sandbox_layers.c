// The sandbox layers (docs/sandbox.md). The worker enters
// its namespaces once, before Python starts; each job child then applies
// no_new_privs, Landlock, seccomp and drops its capabilities. Every layer
// records whether it is active and, when not, why: nothing is skipped
// silently (docs/sandbox.md).
//
// This file: the table of layers, what each says, and the ones that hold
// in every job child by construction.
#include "sandbox_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pg_layer layers[PG_LAYER_COUNT];
static const char *const layer_names[PG_LAYER_COUNT] = {
    [PG_LAYER_USERNS] = "userns",
    [PG_LAYER_PIDNS] = "pidns",
    [PG_LAYER_NETNS] = "netns",
    [PG_LAYER_MOUNTNS] = "mountns",
    [PG_LAYER_IPCNS] = "ipcns",
    [PG_LAYER_UTSNS] = "utsns",
    [PG_LAYER_SCRATCH] = "scratch",
    [PG_LAYER_LANDLOCK] = "landlock",
    [PG_LAYER_NO_NEW_PRIVS] = "no_new_privs",
    [PG_LAYER_SECCOMP] = "seccomp",
    [PG_LAYER_CAPABILITIES] = "drop-capabilities",
    [PG_LAYER_RLIMITS] = "rlimits",
    [PG_LAYER_FDS] = "closed-descriptors",
    [PG_LAYER_ENV] = "scrubbed-environment",
    [PG_LAYER_PGRP] = "process-group",
    [PG_LAYER_PROCESS] = "process-per-exercise",
    [PG_LAYER_WALL] = "wall-clock-kill",
    [PG_LAYER_MEMORY_SCRUB] = "scrubbed-memory",
    [PG_LAYER_ZYGOTE] = "zygote-per-exercise",
    [PG_LAYER_SCRATCH_RESET] = "scratch-reset",
    [PG_LAYER_CHANNEL_GUARD] = "channel-guard",
    [PG_LAYER_OTHERS_GUARD] = "others-untouchable",
    [PG_LAYER_NO_NATIVE_CODE] = "no-native-code",
    [PG_LAYER_READ_ONLY_LIBRARY] = "read-only-library",
    [PG_LAYER_NO_MADE_CODE] = "no-made-code",
    [PG_LAYER_FROZEN_OUT_OF_REACH] = "frozen-out-of-reach",
};

void pg_set_layer(int i, int active, const char *fmt, ...) {
    layers[i].name = layer_names[i];
    layers[i].active = active;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(layers[i].detail, sizeof layers[i].detail, fmt, ap);
    va_end(ap);
}

const pg_layer *pg_sandbox_layer(int i) { return i >= 0 && i < PG_LAYER_COUNT ? &layers[i] : NULL; }

int pg_layer_active(int layer) { return layers[layer].active; }

/* PYGRADE_SANDBOX_DISABLE=landlock,netns,... leaves those layers out, to
   see how a machine without them behaves (tests, doctor); a layer left out
   is reported missing like any other. */
int pg_layer_disabled(int layer) {
    const char *list = getenv("PYGRADE_SANDBOX_DISABLE");
    if (!list) return 0;
    size_t n = strlen(layer_names[layer]);
    for (const char *p = list; (p = strstr(p, layer_names[layer])); p += n)
        if ((p == list || p[-1] == ',') && (p[n] == 0 || p[n] == ',')) {
            pg_set_layer(layer, 0, "disabled by PYGRADE_SANDBOX_DISABLE");
            return 1;
        }
    return 0;
}

void pg_sandbox_note_child_layers(void) {
    pg_set_layer(PG_LAYER_NO_NEW_PRIVS, 1, "set in every job child");
    pg_set_layer(PG_LAYER_CAPABILITIES, 1, "every capability dropped in every job child");
    pg_set_layer(PG_LAYER_RLIMITS, 1, "CPU (hard = soft + 1), address space, file size, open files, core = 0");
    pg_set_layer(PG_LAYER_FDS, 1, "a job child keeps stdin (/dev/null), its output pipe and its result socket only");
    pg_set_layer(PG_LAYER_ENV, 1, "a job child has an empty environment");
    pg_set_layer(PG_LAYER_PGRP, 1, "a job child leads its own process group, killed whole");
    pg_set_layer(PG_LAYER_PROCESS, 1, "a fresh process per exercise, forked from the worker");
    pg_set_layer(PG_LAYER_WALL, 1,
                 "the worker kills a job past its wall-clock limit, and stops an exercise past its wall budget");
    pg_set_layer(PG_LAYER_ZYGOTE, 1,
                 "each exercise's inputs are built in a zygote of their own, which forks that exercise's job children: a "
                 "child holds no other exercise's inputs; compile children hold none");
    if (pg_scratch_path[0])
        pg_set_layer(PG_LAYER_SCRATCH_RESET, 1, "%s",
                     pg_scratch_is_mount ? "a job that left anything in scratch is followed by a fresh tmpfs; a scratch that "
                                     "is not empty stops the worker"
                                   : "scratch is emptied after every job and checked; a scratch that is not empty stops "
                                     "the worker");
    else
        pg_set_layer(PG_LAYER_SCRATCH_RESET, 0, "no scratch folder");
    // Decided here, in the worker: a job child's environment is empty.
    if (!pg_layer_disabled(PG_LAYER_NO_MADE_CODE))
        pg_set_layer(PG_LAYER_NO_MADE_CODE, 1,
                     "no code object made from values or bytes runs in a job child: types.CodeType, code.replace and "
                     "marshal of code are refused, the standard library's own .pyc aside (code_guard.c)");
    if (!pg_layer_disabled(PG_LAYER_FROZEN_OUT_OF_REACH))
        pg_set_layer(PG_LAYER_FROZEN_OUT_OF_REACH, 1,
                     "gc.unfreeze is a no-op in every child: the inputs a zygote froze, later tests' too, stay out of "
                     "the collector's reach (gc_guard.c)");
}
