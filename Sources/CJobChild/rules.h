// The rules' entry point for the job child (job_child.c), not for Swift:
// the run-time rules put in force. Internal to CJobChild.
#ifndef PG_RULES_H
#define PG_RULES_H

#include "CJobChild.h"

/* Called with the index of a rule (in `rules`) broken at run time, once
   per rule. */
typedef void (*pg_rule_hit_fn)(int rule_index, void *ctx);
/* In a job child, after the harness's last compile and before the
   candidate's module runs: the rules then also apply to what the
   candidate's code compiles (compile, eval, exec of text or of a tree) and
   calls (the forbidden builtins and builtin methods, however reached;
   getattr with a computed forbidden name; slice() with a step). Only for
   exercises with rules. 0, or -1 with an exception (the child must not run
   the candidate then: hooks may be half in). */
int pg_rules_runtime_install(PyObject *rules, pg_rule_hit_fn on_hit, void *ctx);

#endif
