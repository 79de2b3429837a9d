"""The load side of bench/service.sh: a client of the grading service,
standard library only, one keep-alive connection per thread.

    python3 service_client.py submit-all BASE DIR OUT.jsonl [CLIENTS]
        POSTs every DIR/*.py, waits for every verdict (long-poll), writes the
        reports (one a line) and prints {"n", "seconds", "failed"}.
    python3 service_client.py enqueue BASE DIR
        POSTs DIR/*.py as one batch; prints the batch id.
    python3 service_client.py watch BASE BATCH_ID
        polls the batch every 0.1 s until nothing is queued or running;
        prints {"n", "seconds", "steady_per_s", "failed"}: seconds from the
        call to the last verdict, and the rate between the 5th and the last.
    python3 service_client.py latency BASE FILE EXERCISE CLIENTS SECONDS
        CLIENTS closed loops for SECONDS: submit FILE graded on EXERCISE
        alone, long-poll until its verdict; prints p50, p99 and the count.
    python3 service_client.py compare BATCH.jsonl SERVICE.jsonl
        verdict, score and exercise statuses of each file, by file name;
        prints {"compared", "differ": [names]}.
    python3 service_client.py cpu PID
        CPU seconds (user + system) of PID, its live descendants and what
        each of them reaped (a service's workers and their job children).
"""
import http.client
import json
import os
import socket
import statistics
import sys
import threading
import time
import urllib.parse


class Client:
    """One keep-alive connection; 429 and 503 are waited out (Retry-After)."""

    def __init__(self, base):
        url = urllib.parse.urlsplit(base)
        self.host, self.port = url.hostname, url.port or 80
        self.connection = None

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if data is not None else {}
        for attempt in range(100):
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
                    self.connection.connect()
                    # No Nagle: a request is one write, and its answer is awaited.
                    self.connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                payload = response.read()
            except (ConnectionError, http.client.HTTPException):
                self.connection = None  # the server closed a kept-alive connection: open another
                time.sleep(0.05)
                continue
            if response.status in (429, 503):
                time.sleep(float(response.getheader("Retry-After", "1")))
                continue
            if response.status >= 300:
                raise SystemExit(f"{method} {path}: {response.status} {payload[:300]!r}")
            return json.loads(payload)
        raise SystemExit(f"{method} {path}: no answer after 100 tries")

    def wait(self, sub_id):
        while True:
            doc = self.call("GET", f"/v1/submissions/{sub_id}?wait=60")
            if doc["state"] in ("done", "failed"):
                return doc


def sources(folder):
    names = sorted(n for n in os.listdir(folder) if n.endswith(".py"))
    return [(n, open(os.path.join(folder, n), encoding="utf-8").read()) for n in names]


def in_threads(count, work):
    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def submit_all(base, folder, out, clients=4):
    files = sources(folder)
    docs = [None] * len(files)
    start = time.monotonic()

    def work(k):
        client = Client(base)
        ids = [(i, client.call("POST", "/v1/submissions", {"source": s, "filename": n})["id"])
               for i, (n, s) in enumerate(files) if i % clients == k]
        for i, sub_id in ids:
            docs[i] = client.wait(sub_id)

    in_threads(clients, work)
    seconds = time.monotonic() - start
    with open(out, "w") as f:
        for doc in docs:
            if doc["state"] == "done":
                f.write(json.dumps(doc["report"]) + "\n")
    print(json.dumps({"n": len(files), "seconds": round(seconds, 3), "failed": sum(d["state"] != "done" for d in docs)}))


def enqueue(base, folder):
    subs = [{"source": s, "filename": n} for n, s in sources(folder)]
    print(Client(base).call("POST", "/v1/batches", {"submissions": subs})["id"])


def watch(base, batch_id):
    client, start, done_at = Client(base), time.monotonic(), []
    while True:
        doc = client.call("GET", f"/v1/batches/{batch_id}")
        counts, now = doc["counts"], time.monotonic() - start
        ended = counts.get("done", 0) + counts.get("failed", 0)
        done_at += [now] * (ended - len(done_at))
        if counts.get("queued", 0) + counts.get("running", 0) == 0:
            break
        time.sleep(0.1)
    n, k = len(done_at), min(5, len(done_at) - 1)
    steady = (n - 1 - k) / (done_at[-1] - done_at[k]) if n > k + 1 and done_at[-1] > done_at[k] else None
    print(json.dumps({"n": n, "seconds": round(done_at[-1], 3), "steady_per_s": steady and round(steady, 3),
                      "failed": counts.get("failed", 0)}))


def latency(base, path, exercise, clients, seconds):
    body = {"source": open(path, encoding="utf-8").read(), "filename": os.path.basename(path), "exercises": [exercise]}
    stop, samples, lock = time.monotonic() + seconds, [], threading.Lock()

    def work(_):
        client = Client(base)
        while time.monotonic() < stop:
            t = time.monotonic()
            doc = client.wait(client.call("POST", "/v1/submissions", body)["id"])
            if doc["state"] == "done":
                with lock:
                    samples.append(time.monotonic() - t)

    in_threads(clients, work)
    samples.sort()
    p99 = samples[min(len(samples) - 1, int(0.99 * len(samples)))]
    print(json.dumps({"clients": clients, "count": len(samples), "per_s": round(len(samples) / seconds, 2),
                      "p50_ms": round(statistics.median(samples) * 1000, 1), "p99_ms": round(p99 * 1000, 1)}))


def compare(batch_jsonl, service_jsonl):
    def key(report):
        return (report["verdict"], report["score"], [(e["id"], e["status"], e["score"]) for e in report["exercises"]])

    def load(path):
        rows = (json.loads(line) for line in open(path) if line.strip())
        return {os.path.basename(r["submission"]): key(r) for r in rows if r.get("schema") == "pygrade.report/1"}

    a, b = load(batch_jsonl), load(service_jsonl)
    print(json.dumps({"compared": len(a.keys() & b.keys()), "missing": sorted(a.keys() ^ b.keys()),
                      "differ": sorted(n for n in a.keys() & b.keys() if a[n] != b[n])}))


def cpu(pid):
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = open(f"/proc/{entry}/stat").read()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            parents[int(entry)] = (int(fields[1]), sum(int(x) for x in fields[11:15]))
    tree, total = {pid}, 0
    for _ in range(10):  # descendants, a level at a time
        tree |= {p for p, (parent, _) in parents.items() if parent in tree}
    total = sum(parents[p][1] for p in tree if p in parents)
    print(round(total / os.sysconf("SC_CLK_TCK"), 2))


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "submit-all":
        submit_all(args[0], args[1], args[2], *(int(a) for a in args[3:]))
    elif command == "enqueue":
        enqueue(*args)
    elif command == "watch":
        watch(*args)
    elif command == "latency":
        latency(args[0], args[1], args[2], int(args[3]), float(args[4]))
    elif command == "compare":
        compare(*args)
    elif command == "cpu":
        cpu(int(args[0]))
    else:
        raise SystemExit(__doc__)
