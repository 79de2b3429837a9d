#!/usr/bin/env bash
# The grading service against `pygrade batch`, in one run (not a test):
#   a. one corpus graded by `pygrade batch --jobs 2`, then by
#      `pygrade serve --workers 2` (every file POSTed by 4 clients, every
#      verdict long-polled): wall and CPU per submission, side by side, and
#      whether both gave each file the same verdict, score and statuses;
#   b. submit-to-verdict latency (p50, p99) of a one-exercise submission,
#      with 1 client for 10 s, then 4 clients for 30 s, closed loops on
#      loopback, against `serve --workers 2`;
#   c. the corpus queued on PostgreSQL (a throw-away cluster on loopback),
#      an API-only `serve --workers 0`, graded by one `pygrade work --jobs 1`
#      and then by two: the throughput ratio.
#
#   bench/service.sh [N]     (N candidates, default 100; needs postgresql)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100}
EXERCISE=${EXERCISE:-anagrams}

bash scripts/setup.sh
work=$(mktemp -d /tmp/pygrade-bench-service.XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    [ -n "${PGDATA_DIR:-}" ] && $as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" stop -m immediate >/dev/null 2>&1 || true
    rm -rf "$work"
    sleep 0.5 # the last processes of a group stopped just now
    for g in "${cg_groups[@]}" "$cg_root"/pygrade-bench-$$-*; do [ -d "$g" ] && rmdir "$g" 2>/dev/null || true; done
}
trap cleanup EXIT
swift build -c release >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
PG=$PWD/.build/release/pygrade
CLIENT="python3 bench/service_client.py"
export PYGRADE_CACHE=$work/cache
python3 bench/corpus.py Fixtures "$work/corpus" "$N" >&2
"$PG" grade Fixtures/correct.py >/dev/null 2>&1 || true # expected results, once

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# start_serve NAME ARGS...: starts `pygrade serve` on a free port, sets
# $base, $serve_pid and $ready_s (seconds from launch to ready), and
# returns once /readyz answers 200.
start_serve() {
    local name=$1 port t0
    shift
    port=$(free_port)
    t0=$(date +%s.%N)
    local group
    group=$(cg_new "$name")
    [ -n "$group" ] && cg_groups+=("$group")
    serve_group=$group
    (
        [ -n "$group" ] && echo $BASHPID >"$group/cgroup.procs"
        exec "$PG" serve --listen "127.0.0.1:$port" --data "$work/$name" "$@" >"$work/$name.log" 2>&1
    ) &
    serve_pid=$!
    pids+=("$serve_pid")
    base=http://127.0.0.1:$port
    for _ in $(seq 600); do
        if curl -sf "$base/readyz" >/dev/null 2>&1; then
            ready_s=$(python3 -c "import sys; print(round($(date +%s.%N) - $t0, 2))")
            return 0
        fi
        kill -0 "$serve_pid" 2>/dev/null || { cat "$work/$name.log"; exit 1; }
        sleep 0.1
    done
    echo "serve $name was not ready in 60 s" >&2
    cat "$work/$name.log" >&2
    exit 1
}
stop() { kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# CPU of a whole process tree, the same way for batch and the service: a
# control group of its own counts every descendant's CPU, also that of
# processes no one waits for (a worker is PID 1 of its own PID namespace:
# its zygotes and their job children end with it unreaped, so
# /usr/bin/time's figure for batch misses them). cgroup v1's cpuacct or a
# v2 child group; without either, CPU is read from /proc and /usr/bin/time
# as before, and the comparison says so.
cg_root=""
if [ -w /sys/fs/cgroup/cpuacct ]; then cg_root=/sys/fs/cgroup/cpuacct
elif [ -w /sys/fs/cgroup/cgroup.procs ] && grep -qw cpu /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then cg_root=/sys/fs/cgroup
fi
cg_new() { # NAME: creates the group, prints its folder (empty without one)
    [ -n "$cg_root" ] || return 0
    local d=$cg_root/pygrade-bench-$$-$1
    mkdir "$d" && echo "$d"
}
cg_seconds() { # FOLDER: CPU seconds of everything that ran in it
    if [ -f "$1/cpuacct.usage" ]; then python3 -c "print(int(open('$1/cpuacct.usage').read()) / 1e9)"
    else python3 -c "print(int(dict(l.split() for l in open('$1/cpu.stat'))['usage_usec']) / 1e6)"; fi
}
cg_groups=()

# a. batch and service on the same corpus.
batch_group=$(cg_new batch)
[ -n "$batch_group" ] && cg_groups+=("$batch_group")
(
    [ -n "$batch_group" ] && echo $BASHPID >"$batch_group/cgroup.procs"
    exec /usr/bin/time -f "%e %U %S" -o "$work/batch.time" "$PG" batch "$work/corpus" --jobs 2 --out "$work/batch.jsonl" >/dev/null 2>&1
) || true
start_serve a --workers 2
ready_a=$ready_s
tree_cpu() { if [ -n "$serve_group" ]; then cg_seconds "$serve_group"; else $CLIENT cpu "$serve_pid"; fi; }
cpu_idle=$(tree_cpu) # start-up: the workers, their inputs
a=$($CLIENT submit-all "$base" "$work/corpus" "$work/service.jsonl" 4)
cpu_after=$(tree_cpu)
stop "$serve_pid"
same=$($CLIENT compare "$work/batch.jsonl" "$work/service.jsonl")

# b. latency of a one-exercise submission.
start_serve b --workers 2
lat1=$($CLIENT latency "$base" Fixtures/correct.py "$EXERCISE" 1 10)
lat4=$($CLIENT latency "$base" Fixtures/correct.py "$EXERCISE" 4 30)
stop "$serve_pid"

# c. one and two `work` processes on PostgreSQL.
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_pg=""
pgdir=$work/pg
mkdir -p "$pgdir"
if [ "$(id -u)" -eq 0 ]; then # initdb refuses root: the cluster is the postgres user's
    chmod 711 "$work"
    chown postgres "$pgdir"
    as_pg="runuser -u postgres --"
fi
echo benchpw | $as_pg tee "$pgdir/pw" >/dev/null
$as_pg "$PGBIN/initdb" -D "$pgdir/data" -U pygrade --pwfile="$pgdir/pw" --auth=scram-sha-256 >"$work/initdb.log" 2>&1 ||
    { cat "$work/initdb.log"; exit 1; }
pgport=$(free_port)
PGDATA_DIR=$pgdir/data
pg_group=$(cg_new postgres)
(
    [ -n "$pg_group" ] && echo $BASHPID >"$pg_group/cgroup.procs"
    exec $as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -w -l "$pgdir/log" \
        -o "-c listen_addresses=127.0.0.1 -p $pgport -c unix_socket_directories=$pgdir -c fsync=off" start >/dev/null
)
queue=postgres://pygrade:benchpw@127.0.0.1:$pgport/postgres
start_serve c --workers 0 --queue "$queue"
# Becomes the command, in group $1: only in a subshell of its own (a
# background job, a command substitution), so that `$!` is the command
# itself and a TERM reaches it.
in_group() {
    local group=$1
    shift
    [ -n "$group" ] && echo $BASHPID >"$group/cgroup.procs"
    exec "$@"
}
throughput() { # JOBS... : one `work --jobs 1` per argument; the corpus queued first
    local batch wpids=() out groups=() watcher api0 pg0
    batch=$($CLIENT enqueue "$base" "$work/corpus")
    [ -n "$serve_group" ] && api0=$(cg_seconds "$serve_group") && pg0=$(cg_seconds "$pg_group")
    for i in "$@"; do
        groups+=("$(cg_new "work$#-$i")")
        in_group "${groups[-1]}" "$PG" work --queue "$queue" --jobs 1 >"$work/work$i.log" 2>&1 &
        wpids+=($!)
        pids+=($!)
    done
    watcher=$(cg_new "watch$#")
    out=$(in_group "$watcher" $CLIENT watch "$base" "$batch")
    # Where the CPU of the run went, by group (read before the work
    # processes stop: their leftovers end with them).
    if [ -n "$serve_group" ]; then
        local w=0
        for g in "${groups[@]}"; do w=$(python3 -c "print($w + $(cg_seconds "$g"))"); done
        python3 -c "print('work processes %.1f s, API node %.1f s, PostgreSQL %.1f s, watching client %.1f s' % ($w, $(cg_seconds "$serve_group") - $api0, $(cg_seconds "$pg_group") - $pg0, $(cg_seconds "$watcher")))" >"$work/split$#"
    fi
    for p in "${wpids[@]}"; do stop "$p"; done
    echo "$out"
}
c1=$(throughput 1)
c2=$(throughput 1 2)
stop "$serve_pid"
split1=$(cat "$work/split1" 2>/dev/null || echo "not measured (no control group)")
split2=$(cat "$work/split2" 2>/dev/null || echo "not measured (no control group)")

read -r bwall bu bs < <(tail -1 "$work/batch.time")
bcpu=$(python3 -c "print($bu + $bs)")
cpu_how="/usr/bin/time for batch (misses the workers' unreaped zygotes and job children), /proc for the service"
if [ -n "$batch_group" ]; then
    bcpu=$(cg_seconds "$batch_group")
    cpu_how="each in a control group of its own ($(basename "$cg_root")): every process of the tree"
fi
python3 - "$N" "$bwall" "$bcpu" "$cpu_how" "$a" "$cpu_idle" "$cpu_after" "$same" "$lat1" "$lat4" "$c1" "$c2" "$EXERCISE" "$ready_a" "$split1" "$split2" <<'PY'
import json, sys
n, bwall, bcpu, cpu_how = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
a, idle, after, same, lat1, lat4, c1, c2 = (json.loads(x) for x in sys.argv[5:13])
ready = float(sys.argv[14])
print(f"## a. {n} candidates: `pygrade batch --jobs 2` and `pygrade serve --workers 2` (4 clients POST each file, long-poll)")
print()
print("| grader | wall | wall per submission | CPU per submission (start-up included) |")
print("|---|---|---|---|")
print(f"| batch --jobs 2 | {bwall:.1f} s | {bwall / n * 1000:.0f} ms | {bcpu / n * 1000:.0f} ms |")
print(f"| serve --workers 2, warm | {a['seconds']:.1f} s | {a['seconds'] / n * 1000:.0f} ms | |")
print(f"| serve --workers 2, start-up included | {ready + a['seconds']:.1f} s | {(ready + a['seconds']) / n * 1000:.0f} ms | {after / n * 1000:.0f} ms ({idle:.2f} s of it at start) |")
print()
print(f"service / batch per submission: wall {(ready + a['seconds']) / bwall:.2f}x (warm: {a['seconds'] / bwall:.2f}x), "
      f"CPU {after / bcpu:.2f}x (goal: at most 1.10x; CPU measured {cpu_how}); "
      f"failed jobs: {a['failed']}; same verdict, score and statuses: {same['compared'] - len(same['differ'])}/{same['compared']}"
      + (f" (differ: {', '.join(same['differ'])})" if same["differ"] else "")
      + (f" (missing: {', '.join(same['missing'])})" if same["missing"] else ""))
print()
print(f"## b. submit-to-verdict latency, Fixtures/correct.py graded on `{sys.argv[13]}` alone, serve --workers 2")
print()
print("| clients (closed loops) | verdicts | per second | p50 | p99 |")
print("|---|---|---|---|---|")
for r in (lat1, lat4):
    print(f"| {r['clients']} | {r['count']} | {r['per_s']} | {r['p50_ms']} ms | {r['p99_ms']} ms |")
print()
print(f"## c. {n} candidates queued on PostgreSQL, serve --workers 0, `pygrade work --jobs 1` processes")
print()
print("| work processes | to the last verdict (start-up included) | steady rate (5th to last verdict) |")
print("|---|---|---|")
for k, r in ((1, c1), (2, c2)):
    print(f"| {k} | {r['seconds']:.1f} s | {r['steady_per_s']} /s |")
print()
print(f"two against one: {c1['seconds'] / c2['seconds']:.2f}x to the last verdict, "
      f"{c2['steady_per_s'] / c1['steady_per_s']:.2f}x steady (goal: at least 1.8x); failed: {c1['failed']} and {c2['failed']}")
print()
print(f"CPU of the run with one `work`: {sys.argv[15]}; with two: {sys.argv[16]}")
PY
