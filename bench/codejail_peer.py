"""The process-per-exercise peer, the way CodeJail works: every (candidate,
exercise) pair runs in a fresh `python3 -I` process under rlimits, reading
its inputs and expected results from files prepared once.

    python3 codejail_peer.py prepare DATA_DIR
    python3 codejail_peer.py grade DATA_DIR CORPUS_DIR JOBS
    python3 codejail_peer.py one DATA_FILE CANDIDATE      (the jailed process)
"""
import concurrent.futures
import json
import os
import pickle
import resource
import subprocess
import sys

sys.setrecursionlimit(100000)
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cases  # noqa: E402


def prepare(data_dir):
    os.makedirs(data_dir, exist_ok=True)
    for ex in cases.exercises():
        definition, items = cases.load(ex)
        reference = cases.load_candidate(os.path.join(ex, "reference.py"), "reference")
        entry = getattr(reference, definition["entry"])
        wants = [cases.call(entry, probe, args, kwargs) for _, probe, args, kwargs in items]
        # Probes are functions: ship their names and reload them in the jail.
        plain = [(n, getattr(p, "__name__", None), a, k) for n, p, a, k in items]
        with open(os.path.join(data_dir, definition["id"] + ".pickle"), "wb") as f:
            pickle.dump((ex, definition, plain, wants), f, protocol=pickle.HIGHEST_PROTOCOL)


def one(data_file, candidate):
    with open(data_file, "rb") as f:
        ex, definition, plain, wants = pickle.load(f)
    probes = cases._module(os.path.join(ex, "probes.py"), "probes") if os.path.exists(os.path.join(ex, "probes.py")) else None
    module = cases.load_candidate(candidate)
    entry = getattr(module, definition["entry"], None) if module else None
    passed = 0
    for (name, probe_name, args, kwargs), want in zip(plain, wants):
        probe = getattr(probes, probe_name) if probe_name else None
        try:
            if entry is not None and cases.run_case(definition, entry, (name, probe, args, kwargs), want):
                passed += 1
        except BaseException:
            pass
    print(json.dumps({"exercise": definition["id"], "passed": passed, "tests": len(plain)}))


def _limits(cpu, mem):
    def apply():
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply


def grade(data_dir, corpus, jobs):
    datas = sorted(os.path.join(data_dir, f) for f in os.listdir(data_dir) if f.endswith(".pickle"))
    limits = {}
    for d in datas:
        with open(d, "rb") as f:
            _, definition, plain, _ = pickle.load(f)
        lim = definition.get("limits", {})
        limits[d] = (int(lim.get("time", 1) * len(plain)) + 2, (lim.get("memory", 256) + 200) << 20)
    jobs_list = [(d, os.path.join(corpus, c)) for c in sorted(os.listdir(corpus)) for d in datas]

    def run(job):
        d, cand = job
        cpu, mem = limits[d]
        try:
            subprocess.run([sys.executable, "-I", __file__, "one", d, cand], preexec_fn=_limits(cpu, mem),
                           capture_output=True, timeout=cpu * 2 + 5)
        except subprocess.TimeoutExpired:
            pass

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(run, jobs_list))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "prepare":
        prepare(sys.argv[2])
    elif cmd == "one":
        one(sys.argv[2], sys.argv[3])
    else:
        grade(sys.argv[2], sys.argv[3], int(sys.argv[4]))
