#!/usr/bin/env python3
"""The benchmark of issue 7: rulec against the engines a user would pick instead, in one run.

    python3 bench/run.py              # the full run (about 10-15 minutes on 2 cores); writes bench/RESULTS.md
    python3 bench/run.py --quick      # a smoke run on small files; writes WORK/RESULTS-quick.md
    python3 bench/run.py --events N   # N process_creation events (default 100,000; the others scale)

Steps (bench/README.md says more):
 1. The peers' self-test (peers/selftest.py): crafted edge-case events through rulec and every
    peer, event by event. Any difference stops the run.
 2. Seeded events (gen_events.py --seed 1): process_creation, netskope, signin.
 3. Per pack: rulec's IR (check --emit=json); rulec JIT (`run --timing`), rulec AOT (`compile`,
    then `run --pack --timing`), the limit (rulec-parse-only) on the same file; each peer
    (Python, node, jq, SQLite) generated from the IR and run on the file or on a prefix of it.
    Every peer's per-rule match counts must equal rulec's on the same events, else the run fails
    with the differences (and RESULTS.md is not written). kql-sentinel's peer is its queries
    written by hand in SQL (peers/sql-sentinel): SQLite's rows must equal rulec's, query by query.
 4. Compile time: JIT of the first 100 / 1,000 / 3,000 SigmaHQ rules (sorted paths), AOT load
    time, peak memory (/usr/bin/time %M).
Every measured process runs on core 0 (taskset -c 0). The binaries are copied first, so that a
rebuild during the run changes nothing.
"""

import argparse
import datetime
from sqlite3 import sqlite_version
import json
import os
import pathlib
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

BENCH = pathlib.Path(__file__).resolve().parent
REPO = BENCH.parent
CORPUS = (REPO.parent / "shared" / "corpus").resolve()
SIGMA_PROC = CORPUS / "sigma" / "rules" / "windows" / "process_creation"
sys.path.insert(0, str(BENCH))

from peers import irpack, jqpeer, jspeer, pypeer, rowcompare, sqlpeer  # noqa: E402

PIN = ["taskset", "-c", "0"]
FULL_EVENTS = 100_000  # process_creation events of the full run; other sizes scale with --events
# The 1-rule pack: 23 substrings on CommandLine, tested on every event (no Image pre-filter).
ONE_RULE = "proc_creation_win_hktl_mimikatz_command_line.yml"
PEERS = ["python", "node", "jq", "sqlite"]


def log(msg):
    print(msg, flush=True)


# ------------------------------------------------------------------------------------ helpers


def run_measured(cmd, stdout=subprocess.DEVNULL, check=True, env=None, pin=None):
    """Runs cmd pinned to core 0 (or `pin`) under /usr/bin/time. Returns (wall s, peak RSS MB, stderr)."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        full = ["/usr/bin/time", "-f", "%M", "-o", rss.name, *(pin or PIN), *cmd]
        start = time.perf_counter()
        p = subprocess.run(full, stdout=stdout, stderr=subprocess.PIPE, text=True, env=env)
        wall = time.perf_counter() - start
        rss.seek(0)
        lines = [l for l in rss.read().split() if l.isdigit()]
    if check and p.returncode not in (0,):
        raise RuntimeError(f"command failed ({p.returncode}): {' '.join(map(str, cmd))}\n{p.stderr[-3000:]}")
    return wall, (int(lines[-1]) / 1024 if lines else float("nan")), p.stderr


TIMING = re.compile(r"rulec: timing: (compile|load) ([0-9.e+-]+) s, scan ([0-9.e+-]+) s")
MEMO = re.compile(r"rulec: literal memo: ([0-9.e+-]+)% of (\d+) field values")
PARSE_ONLY = re.compile(r"(\d+) events, \d+ objects, (\d+) bytes(?: of EVTX)?, ([0-9.e+-]+) s")
SAMPLES = CORPUS / "evtx-samples"
REAL_REPEAT = 10  # the real logs, read this many times (5,231 records each time)


def file_stats(path):
    n = 0
    with open(path, "rb") as f:
        for line in f:
            n += 1
    return n, os.path.getsize(path)


class LoadMonitor(threading.Thread):
    """Samples /proc/loadavg and how busy core 1 is (the benchmark runs on core 0)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.samples = []
        self.stop = threading.Event()

    @staticmethod
    def cpu1():
        for line in open("/proc/stat"):
            if line.startswith("cpu1 "):
                v = list(map(int, line.split()[1:]))
                idle = v[3] + v[4]
                return sum(v) - idle, sum(v)
        return 0, 0

    def run(self):
        busy0, total0 = self.cpu1()
        while not self.stop.wait(3):
            busy, total = self.cpu1()
            frac = (busy - busy0) / (total - total0) if total > total0 else 0.0
            busy0, total0 = busy, total
            load1 = float(open("/proc/loadavg").read().split()[0])
            self.samples.append((load1, frac))


# ------------------------------------------------------------------------------------ the run


class Bench:
    def __init__(self, args):
        self.args = args
        self.work = pathlib.Path(args.work).resolve()
        self.work.mkdir(parents=True, exist_ok=True)
        self.scale = args.events / FULL_EVENTS
        self.reps = 1 if args.quick else 3
        self.failures = []
        self.rows = {}       # pack -> list of row dicts
        self.packinfo = {}   # pack -> dict
        self.prefixes = {}
        self.counts_cache = {}

    # -------------------------------------------------------------- setup
    def snapshot_binaries(self):
        bindir = self.work / "bin"
        bindir.mkdir(exist_ok=True)
        for name in ("rulec", "rulec-compiler", "rulec-parse-only"):
            src = REPO / "build" / "bin" / name
            if not src.exists():
                sys.exit(f"bench/run.py: {src} is missing: build first (cmake --build build -j2)")
            shutil.copy2(src, bindir / name)
        self.rulec = str(bindir / "rulec")
        self.parse_only_bin = str(bindir / "rulec-parse-only")

    def generate_events(self, kinds):
        sizes = {"process_creation": self.args.events, "netskope": 10 * self.args.events,
                 "signin": 2 * self.args.events, "sentinel": 3 * self.args.events}
        self.events = {}
        for kind, n in sizes.items():
            if kind not in kinds:
                continue
            path = self.work / f"{kind}-{n}.jsonl"
            if not path.exists():
                start = time.perf_counter()
                subprocess.run([sys.executable, str(BENCH / "gen_events.py"), "--kind", kind, "--count", str(n),
                                "--seed", "1", "--out", str(path) + ".tmp"], check=True)
                os.replace(str(path) + ".tmp", path)
                log(f"  generated {n:,} {kind} events ({os.path.getsize(path) / 1e6:,.0f} MB) in "
                    f"{time.perf_counter() - start:.1f} s")
            self.events[kind] = path

    def prefix(self, kind, n):
        """The first n events of the kind's file (the file itself when n is all of it)."""
        full = self.events[kind]
        total = self.file_info(full)[0]
        if n >= total:
            return full
        key = (kind, n)
        if key not in self.prefixes:
            path = self.work / f"{kind}-first-{n}.jsonl"
            with open(full, "rb") as src, open(path, "wb") as dst:
                for i, line in enumerate(src):
                    if i == n:
                        break
                    dst.write(line)
            self.prefixes[key] = path
        return self.prefixes[key]

    def file_info(self, path):
        if not hasattr(self, "_finfo"):
            self._finfo = {}
        if path not in self._finfo:
            self._finfo[path] = file_stats(path)
        return self._finfo[path]

    def packs(self):
        s = lambda n: max(100, int(round(n * self.scale)))  # noqa: E731
        proc_files = sorted(SIGMA_PROC.glob("*.yml"))
        netskope = [REPO / "rules" / "netskope"] + [
            p for p in sorted((CORPUS / "panther").glob("Netskope.*.yml"))
            if p.name != "Netskope.UnauthorizedAPICalls.yml"]  # same RuleID as rules/netskope's seed rule
        return [
            dict(name="sigma-1", title=f"Sigma, 1 rule ({ONE_RULE}: 23 CommandLine substrings)",
                 rules=[SIGMA_PROC / ONE_RULE], kind="process_creation", log_type="WinEventLog",
                 peers={"python": s(100_000), "node": s(100_000), "jq": s(20_000), "sqlite": s(20_000)}),
            dict(name="sigma-100", title="Sigma, 100 rules (the first 100 process_creation files, sorted)",
                 rules=proc_files[:100], kind="process_creation", log_type="WinEventLog",
                 peers={"python": s(20_000), "node": s(50_000), "jq": s(3_000), "sqlite": s(5_000)}),
            dict(name="sigma-1183", title=f"Sigma, all {len(proc_files):,} process_creation rules",
                 rules=[SIGMA_PROC], kind="process_creation", log_type="WinEventLog",
                 peers={"python": s(4_000), "node": s(10_000), "jq": s(1_000), "sqlite": s(2_000)}),
            dict(name="netskope", title="Panther Netskope rules (rules/netskope + the corpus's Netskope.Audit rules)",
                 rules=netskope, kind="netskope", log_type="Netskope.Audit",
                 peers={"python": s(1_000_000), "node": s(1_000_000), "jq": s(100_000), "sqlite": s(200_000)}),
            dict(name="kql-signin", title="KQL: bench/queries (9 SigninLogs queries) on signin events",
                 rules=[BENCH / "queries"], kind="signin", log_type=None,
                 peers={"python": s(20_000), "node": s(20_000), "jq": s(2_000), "sqlite": s(2_000)}),
            # The IR peers cannot run joins and unions: its peer is the same queries written by
            # hand in SQL (peers/sql-sentinel), on the whole file, compared row by row.
            dict(name="kql-sentinel", title=f"KQL: bench/queries-sentinel ({len(list((BENCH / 'queries-sentinel').glob('*.kql')))} "
                 "Sentinel-style queries: joins, unions, summarize) on SecurityEvent, SigninLogs and CommonSecurityLog",
                 rules=[BENCH / "queries-sentinel"], kind="sentinel", log_type=None, peers={},
                 sql=BENCH / "peers" / "sql-sentinel"),
        ]

    # -------------------------------------------------------------- rulec
    def rulec_run(self, rule_args, events, log_type, counts_out=None, pack_so=None, extra=(), pin=None,
                  stdout=subprocess.DEVNULL):
        cmd = [self.rulec, "run"]
        cmd += ["--pack", str(pack_so)] if pack_so else list(map(str, rule_args))
        files = events if isinstance(events, list) else [events]
        cmd += ["--events", *map(str, files), "--timing", *extra]
        if log_type:
            cmd += ["--log-type", log_type]
        if counts_out:
            cmd += ["--match-counts", str(counts_out)]
        wall, rss, err = run_measured(cmd, check=False, pin=pin, stdout=stdout)
        m = TIMING.search(err)
        if not m:
            raise RuntimeError(f"no timing line from rulec: {' '.join(cmd)}\n{err[-3000:]}")
        memo = MEMO.search(err)
        return dict(setup=float(m.group(2)), scan=float(m.group(3)), rss=rss, wall=wall,
                    memo=float(memo.group(1)) if memo else None)

    def parse_only(self, path, extra=()):
        """One run of rulec-parse-only on the file or files (the limit)."""
        files = path if isinstance(path, list) else [path]
        p = subprocess.run([*PIN, self.parse_only_bin, *extra, *map(str, files)], capture_output=True, text=True,
                           check=True)
        m = PARSE_ONLY.search(p.stdout)
        return dict(events=int(m.group(1)), bytes=int(m.group(2)), scan=float(m.group(3)))

    def rulec_counts(self, pack, events):
        """rulec's per-rule matches on a prefix (AOT pack: no compile time)."""
        key = (pack["name"], str(events))
        if key not in self.counts_cache:
            out = self.work / f"counts-{pack['name']}-{pathlib.Path(events).stem}.json"
            self.rulec_run(None, events, pack["log_type"], counts_out=out, pack_so=pack["so"])
            self.counts_cache[key] = [(c["id"], c["matches"]) for c in json.load(open(out))]
        return self.counts_cache[key]

    # -------------------------------------------------------------- peers
    def run_peer(self, peer, pack, ir, events):
        """Generates and runs one peer. Returns a row dict (with counts) or raises irpack.Refused."""
        name = pack["name"]
        default = pack["log_type"] or ""
        out = self.work / f"{peer}-{name}.out.json"
        n, nbytes = self.file_info(events)
        if peer == "python":
            mod = self.work / f"peer_{name.replace('-', '_')}.py"
            start = time.perf_counter()
            mod.write_text(pypeer.generate(ir))
            gen = time.perf_counter() - start
            wall, rss, _ = run_measured([sys.executable, str(BENCH / "peers" / "pyrun.py"), str(mod), str(events),
                                         default, str(out)])
            res = json.load(open(out))
            return dict(counts=res["counts"], scan=res["seconds"], setup=wall - res["seconds"], rss=rss, gen=gen)
        if peer == "node":
            prog = self.work / f"peer-{name}.js"
            start = time.perf_counter()
            prog.write_text(jspeer.generate(ir))
            gen = time.perf_counter() - start
            wall, rss, _ = run_measured(["node", "--max-old-space-size=4096", str(prog), str(events), default, str(out)])
            res = json.load(open(out))
            return dict(counts=res["counts"], scan=res["seconds"], setup=wall - res["seconds"], rss=rss, gen=gen)
        if peer == "jq":
            prog = self.work / f"peer-{name}.jq"
            start = time.perf_counter()
            prog.write_text(jqpeer.generate(ir))
            gen = time.perf_counter() - start
            matches = self.work / f"jq-{name}.matches"
            base = ["jq", "-R", "-r", "--arg", "default", default, "-f", str(prog)]
            compile_only, _, _ = run_measured(base + ["/dev/null"])
            with open(matches, "w") as f:
                wall, rss, _ = run_measured(base + [str(events)], stdout=f)
            counts = [0] * len(ir["rules"])
            with open(matches) as f:
                for line in f:
                    counts[int(line)] += 1
            return dict(counts=counts, scan=max(wall - compile_only, 1e-9), setup=compile_only, rss=rss, gen=gen)
        if peer == "sqlite":
            script = self.work / f"peer-{name}.sql.json"
            start = time.perf_counter()
            view, queries = sqlpeer.generate(ir, default)
            script.write_text(json.dumps([view, queries]))
            gen = time.perf_counter() - start
            wall, rss, _ = run_measured([sys.executable, str(BENCH / "peers" / "sqlrun.py"), str(script), str(events),
                                         str(out)])
            res = json.load(open(out))
            return dict(counts=res["counts"], scan=res["seconds"], setup=wall - res["seconds"], rss=rss, gen=gen,
                        load=res["load_seconds"])
        raise ValueError(peer)

    # -------------------------------------------------------------- one pack
    def bench_pack(self, pack):
        name = pack["name"]
        log(f"== {name}: {pack['title']}")
        events = self.events[pack["kind"]]
        n, nbytes = self.file_info(events)
        ir = irpack.emit_json(self.rulec, [str(r) for r in pack["rules"]])
        info = dict(title=pack["title"], rules=len(ir["rules"]), events=n, bytes=nbytes, kind=pack["kind"],
                    ops=irpack.ops_used(ir))
        self.packinfo[name] = info
        rows = []

        # AOT compile
        so = self.work / f"pack-{name}.so"
        cmd = [self.rulec, "compile", *map(str, pack["rules"]), "-o", str(so)]
        wall, rss, _ = run_measured(cmd)
        pack["so"] = so
        info["aot_compile"] = wall
        info["aot_compile_rss"] = rss

        # rulec JIT, AOT, AOT without the literal memo, and the limit, in
        # interleaved rounds: the VMs this runs on change speed for tens of
        # seconds at a time (the same binary 1.5x slower), so each engine's
        # best run must come from the same stretches as the others'.
        counts_jit = self.work / f"counts-{name}-jit.json"
        aot_counts = self.work / f"counts-{name}-aot.json"
        # The same AOT pack matching every field value anew (--no-literal-memo):
        # what the literal memo (runtime/matching/LiteralMemo.h) is worth on these events.
        fresh_counts = self.work / f"counts-{name}-fresh.json"
        engines = {
            "jit": lambda: self.rulec_run(pack["rules"], events, pack["log_type"], counts_out=counts_jit),
            "aot": lambda: self.rulec_run(None, events, pack["log_type"], counts_out=aot_counts, pack_so=so),
            "fresh": lambda: self.rulec_run(None, events, pack["log_type"], counts_out=fresh_counts, pack_so=so,
                                            extra=["--no-literal-memo"]),
            "limit": lambda: self.parse_only(events),
        }
        runs = {k: [] for k in engines}
        for _ in range(max(self.reps, 3)):
            for k, fn in engines.items():
                if not runs[k] or runs[k][-1]["scan"] < 5:  # one run when a scan takes over 5 s
                    runs[k].append(fn())
        best = {k: min(v, key=lambda r: r["scan"]) for k, v in runs.items()}
        jit, aot, fresh, lim = best["jit"], best["aot"], best["fresh"], best["limit"]
        jit_runs, aot_runs = runs["jit"], runs["aot"]
        rulec_counts = [(c["id"], c["matches"]) for c in json.load(open(counts_jit))]
        aot_agrees = rulec_counts == [(c["id"], c["matches"]) for c in json.load(open(aot_counts))]
        if not aot_agrees:
            self.failures.append(f"{name}: rulec JIT and AOT disagree on match counts")
        fresh_agrees = rulec_counts == [(c["id"], c["matches"]) for c in json.load(open(fresh_counts))]
        if not fresh_agrees:
            self.failures.append(f"{name}: rulec with and without the literal memo disagree on match counts")
        info["memo"] = aot["memo"]
        self.counts_cache[(name, str(events))] = rulec_counts
        info["matches"] = sum(c for _, c in rulec_counts)
        info["jit_compile"] = min(r["setup"] for r in jit_runs)
        info["aot_load"] = min(r["setup"] for r in aot_runs)
        info["jit_rss"] = max(r["rss"] for r in jit_runs)
        info["aot_rss"] = max(r["rss"] for r in aot_runs)
        rows.append(dict(engine="parse-only (limit)", events=n, bytes=nbytes, scan=lim["scan"], setup=None, rss=None,
                         agree="-"))
        rows.append(dict(engine="rulec JIT", events=n, bytes=nbytes, scan=jit["scan"], setup=jit["setup"],
                         rss=info["jit_rss"], agree="reference"))
        rows.append(dict(engine="rulec AOT", events=n, bytes=nbytes, scan=aot["scan"], setup=aot["setup"],
                         rss=info["aot_rss"], agree="yes" if aot_agrees else "NO"))
        rows.append(dict(engine="rulec AOT, no literal memo", events=n, bytes=nbytes, scan=fresh["scan"],
                         setup=fresh["setup"], rss=fresh["rss"], agree="yes" if fresh_agrees else "NO"))
        log(f"  rulec: {len(ir['rules'])} rules, {info['matches']:,} matches on {n:,} events; JIT compile "
            f"{info['jit_compile']:.2f} s, scan {jit['scan']:.2f} s; AOT compile {wall:.1f} s, load "
            f"{info['aot_load'] * 1000:.1f} ms, scan {aot['scan']:.2f} s; parse-only {lim['scan']:.2f} s")

        if "sql" in pack and (not self.args.peers or "sqlite" in self.args.peers):
            rows += self.sql_peer(pack, events)
        for peer in PEERS:
            if self.args.peers and peer not in self.args.peers or peer not in pack["peers"]:
                continue
            want = pack["peers"][peer]
            pev = self.prefix(pack["kind"], want)
            pn, pbytes = self.file_info(pev)
            try:
                res = self.run_peer(peer, pack, ir, pev)
            except irpack.Refused as e:
                rows.append(dict(engine=peer, refused=str(e)))
                log(f"  {peer}: refused: {e}")
                continue
            expect = self.rulec_counts(pack, pev)
            got = res["counts"]
            diffs = [(rid, c, g) for (rid, c), g in zip(expect, got) if c != g]
            if len(got) != len(expect):
                diffs.append(("<rule count>", len(expect), len(got)))
            agree = "yes" if not diffs else f"NO ({len(diffs)} rules)"
            if diffs:
                lines = [f"{peer} disagrees with rulec on pack {name} ({pn:,} events of {pev.name}):"]
                lines += [f"    {rid}: rulec {c}, {peer} {g}" for rid, c, g in diffs[:50]]
                if len(diffs) > 50:
                    lines.append(f"    ... and {len(diffs) - 50} more rules")
                self.failures.append("\n".join(lines))
            rows.append(dict(engine=peer, events=pn, bytes=pbytes, scan=res["scan"], setup=res["setup"], rss=res["rss"],
                             agree=agree, matches=sum(got), load=res.get("load")))
            log(f"  {peer}: {pn:,} events, scan {res['scan']:.2f} s ({pn / res['scan']:,.0f} events/s), "
                f"setup {res['setup']:.2f} s, {sum(got):,} matches, agrees with rulec: {agree}")
        self.rows[name] = rows

    def sql_peer(self, pack, events):
        """A KQL pack's hand-written SQL (peers/sqlsentinel.py) over the whole file. Its rows must equal
        those rulec's AOT pack prints, query by query (peers/rowcompare.py), else the run stops there."""
        name = pack["name"]
        n, nbytes = self.file_info(events)
        printed = self.work / f"rows-{name}.jsonl"
        with open(printed, "w") as f:
            self.rulec_run(None, events, pack["log_type"], pack_so=pack["so"], stdout=f)
        out = self.work / f"sqlite-{name}.out.json"
        wall, rss, _ = run_measured([sys.executable, str(BENCH / "peers" / "sqlsentinel.py"), str(pack["sql"]),
                                     str(events), str(out)])
        res = json.load(open(out))
        mine = rowcompare.rulec_rows(printed)
        names = sorted(p.stem for r in pack["rules"] for p in pathlib.Path(r).glob("*.kql"))
        problems = [f"{q}: no SQL for this query in {pack['sql']}" for q in names if q not in res["queries"]]
        problems += [f"{q}: SQL for a query the pack lacks" for q in res["queries"] if q not in names]
        per_query = []
        for q in names:
            if q in res["queries"]:
                sql = res["queries"][q]
                msg = rowcompare.compare(q, mine.get(q, []), sql["columns"], sql["rows"])
                if msg:
                    problems.append(msg)
                per_query.append((q, len(mine.get(q, [])), len(sql["rows"]), sql["seconds"], msg is None))
        if problems:
            text = "\n".join(problems)
            (self.work / "DISAGREEMENTS.txt").write_text(text + "\n")
            print(text, file=sys.stderr)
            sys.exit(f"bench/run.py: FAILED: SQLite's rows differ from rulec's for pack {name} (above; also in "
                     f"{self.work / 'DISAGREEMENTS.txt'}); nothing written")
        self.packinfo[name]["per_query"] = per_query
        log(f"  sqlite: {n:,} events, load {res['load_seconds']:.2f} s, queries {res['query_seconds']:.2f} s; "
            f"rows of all {len(per_query)} queries equal rulec's ({sum(r[1] for r in per_query):,} rows)")
        agree = f"yes ({sum(r[1] for r in per_query):,} rows of {len(per_query)} queries)"
        return [dict(engine="sqlite (load + queries)", events=n, bytes=nbytes, scan=res["seconds"],
                     setup=wall - res["seconds"], rss=rss, agree=agree, load=res["load_seconds"]),
                dict(engine="sqlite, queries only (tables already loaded)", events=n, bytes=nbytes,
                     scan=res["query_seconds"], setup=None, rss=None, agree=agree)]

    # -------------------------------------------------------------- real logs
    def bench_real_logs(self):
        """The whole SigmaHQ pack over real attack logs (issues 18 and 19): their JSON renderings read
        REAL_REPEAT times, and the .evtx files themselves as many times; rulec on one core (JIT, AOT,
        AOT without the literal memo) and on two threads, parse-only, and libevtx's XML rendering for
        scale. Every rulec row must give the same per-rule match counts."""
        name = "sigma-all-real"
        repeat = 2 if self.args.quick else REAL_REPEAT
        jsonl = sorted(SAMPLES.rglob("*.jsonl"))
        evtx = sorted(SAMPLES.rglob("*.evtx"))
        if not jsonl:
            log(f"== {name}: skipped ({SAMPLES} is missing)")
            return
        rules = CORPUS / "sigma" / "rules"
        log(f"== {name}: all SigmaHQ rules over {SAMPLES.name} ({len(evtx)} logs), read {repeat} times")
        events = self.work / f"evtx-samples-x{repeat}.jsonl"
        with open(events, "wb") as out:
            for _ in range(repeat):
                for f in jsonl:
                    out.write(f.read_bytes())
        evtx_files = evtx * repeat
        n, nbytes = self.file_info(events)
        evtx_bytes = sum(f.stat().st_size for f in evtx_files)
        so = self.work / f"pack-{name}.so"
        wall, rss, _ = run_measured([self.rulec, "compile", str(rules), "-o", str(so)])
        info = dict(title=f"all {sum(1 for _ in rules.rglob('*.yml')):,} SigmaHQ rules (every logsource) over "
                    f"{SAMPLES.name}: {len(evtx)} real attack logs, {n // repeat:,} records, read {repeat} times",
                    events=n, bytes=nbytes, kind="real Windows logs", aot_compile=wall, aot_compile_rss=rss,
                    evtx_bytes=evtx_bytes, ops={})
        counts = {k: self.work / f"counts-{name}-{k}.json" for k in ("jit", "aot", "fresh", "two", "evtx", "evtx2")}
        two = ["taskset", "-c", "0,1"]
        engines = {
            "jit": lambda: self.rulec_run([rules], events, None, counts_out=counts["jit"], extra=["--threads", "1"]),
            "aot": lambda: self.rulec_run(None, events, None, counts_out=counts["aot"], pack_so=so,
                                          extra=["--threads", "1"]),
            "fresh": lambda: self.rulec_run(None, events, None, counts_out=counts["fresh"], pack_so=so,
                                            extra=["--threads", "1", "--no-literal-memo"]),
            "two": lambda: self.rulec_run(None, events, None, counts_out=counts["two"], pack_so=so,
                                          extra=["--threads", "2"], pin=two),
            "limit": lambda: self.parse_only(events),
            "evtx": lambda: self.rulec_run(None, evtx_files, None, counts_out=counts["evtx"], pack_so=so,
                                           extra=["--threads", "1"]),
            "evtx2": lambda: self.rulec_run(None, evtx_files, None, counts_out=counts["evtx2"], pack_so=so,
                                            extra=["--threads", "2"], pin=two),
            "evtx-limit": lambda: self.parse_only(evtx_files),
        }
        runs = {k: [] for k in engines}
        for _ in range(max(self.reps, 3)):
            for k, fn in engines.items():
                runs[k].append(fn())
        runs["libevtx"] = [self.parse_only(evtx, extra=["--libevtx"])]
        best = {k: min(v, key=lambda r: r["scan"]) for k, v in runs.items()}
        reference = [(c["id"], c["matches"]) for c in json.load(open(counts["jit"]))]
        agree = {}
        for k in ("aot", "fresh", "two", "evtx", "evtx2"):
            agree[k] = reference == [(c["id"], c["matches"]) for c in json.load(open(counts[k]))]
            if not agree[k]:
                self.failures.append(f"{name}: rulec {k} and JIT disagree on per-rule match counts")
        info["matches"] = sum(c for _, c in reference)
        info["rules"] = len(reference)
        info["memo"] = best["aot"]["memo"]
        info["jit_compile"] = best["jit"]["setup"]
        info["aot_load"] = best["aot"]["setup"]
        info["jit_rss"] = max(r["rss"] for r in runs["jit"])
        info["aot_rss"] = max(r["rss"] for r in runs["aot"])
        self.packinfo[name] = info
        yes = lambda k: "yes" if agree[k] else "NO"  # noqa: E731
        lim = best["limit"]
        rows = [
            dict(engine="parse-only (limit)", events=n, bytes=nbytes, scan=lim["scan"], setup=None, rss=None, agree="-"),
            dict(engine="rulec JIT", events=n, bytes=nbytes, scan=best["jit"]["scan"], setup=best["jit"]["setup"],
                 rss=info["jit_rss"], agree="reference"),
            dict(engine="rulec AOT", events=n, bytes=nbytes, scan=best["aot"]["scan"], setup=best["aot"]["setup"],
                 rss=info["aot_rss"], agree=yes("aot")),
            dict(engine="rulec AOT, no literal memo", events=n, bytes=nbytes, scan=best["fresh"]["scan"],
                 setup=best["fresh"]["setup"], rss=best["fresh"]["rss"], agree=yes("fresh")),
            dict(engine="rulec AOT, 2 threads (2 cores)", events=n, bytes=nbytes, scan=best["two"]["scan"],
                 setup=best["two"]["setup"], rss=best["two"]["rss"], agree=yes("two")),
        ]
        self.rows[name] = rows
        ev = evtx_bytes
        evtx_rows = [
            dict(engine="parse-only EVTX (decode to JSON + parse: the limit)", events=best["evtx-limit"]["events"],
                 bytes=ev, scan=best["evtx-limit"]["scan"], setup=None, rss=None, agree="-"),
            dict(engine="rulec AOT on .evtx", events=n, bytes=ev, scan=best["evtx"]["scan"],
                 setup=best["evtx"]["setup"], rss=best["evtx"]["rss"], agree=yes("evtx")),
            dict(engine="rulec AOT on .evtx, 2 threads (2 cores)", events=n, bytes=ev, scan=best["evtx2"]["scan"],
                 setup=best["evtx2"]["setup"], rss=best["evtx2"]["rss"], agree=yes("evtx2")),
            dict(engine="libevtx's XML rendering, no JSON, no rules (for scale; the files once)",
                 events=best["libevtx"]["events"], bytes=best["libevtx"]["bytes"], scan=best["libevtx"]["scan"],
                 setup=None, rss=None, agree="-"),
        ]
        self.evtx_rows = evtx_rows
        log(f"  {info['matches']:,} matches; JSON: parse-only {lim['scan']:.3f} s, AOT {best['aot']['scan']:.3f} s, "
            f"no memo {best['fresh']['scan']:.3f} s, 2 threads {best['two']['scan']:.3f} s; EVTX: parse-only "
            f"{best['evtx-limit']['scan']:.3f} s, AOT {best['evtx']['scan']:.3f} s, 2 threads "
            f"{best['evtx2']['scan']:.3f} s")

    # -------------------------------------------------------------- compile time
    def compile_times(self):
        sizes = [100, 300] if self.args.quick else [100, 1000, 3000]
        files = sorted(p for p in (CORPUS / "sigma" / "rules").rglob("*.yml"))
        tiny = self.prefix("process_creation", 10)
        # Best of 3 interleaved rounds, as the scans (bench_pack).
        best = {}
        for _ in range(1 if self.args.quick else 3):
            for n in sizes:
                r = self.rulec_run(files[:n], tiny, "WinEventLog")
                if n not in best or r["setup"] < best[n]["setup"]:
                    best[n] = r
        out = []
        for n in sizes:
            r = best[n]
            out.append(dict(rules=n, jit=r["setup"], rss=r["rss"]))
            log(f"  JIT compile of the first {n:,} SigmaHQ rules: {r['setup']:.2f} s, peak RSS {r['rss']:,.0f} MB")
        self.compile = out
        self.corpus_files = len(files)
        # A second start with the object cache (`run --cache DIR`): the first
        # run compiles the largest set and keeps the pack; the next ones load it.
        # Wall time of the whole process (what a user waits for) and rulec's
        # own load figure (from main's start: no dynamic loading of libraries).
        cache = self.work / "cache"
        shutil.rmtree(cache, ignore_errors=True)
        chosen = files[:sizes[-1]]
        first = self.rulec_run(chosen, tiny, "WinEventLog", extra=["--cache", str(cache)])
        starts = [self.rulec_run(chosen, tiny, "WinEventLog", extra=["--cache", str(cache)]) for _ in range(3)]
        best = min(starts, key=lambda r: r["wall"])
        self.cache_first = dict(rules=sizes[-1], wall=first["wall"], rss=first["rss"])
        self.cache_start = dict(rules=sizes[-1], wall=best["wall"], load=best["setup"], rss=best["rss"])
        log(f"  first start with the cache ({sizes[-1]:,} rules, compiles the pack): {first['wall']:.2f} s wall")
        log(f"  second start with the cache ({sizes[-1]:,} rules): {best['wall'] * 1000:.0f} ms wall, "
            f"load {best['setup'] * 1000:.0f} ms")

    # -------------------------------------------------------------- report
    def machine(self):
        def cmd(c):
            try:
                return subprocess.run(c, capture_output=True, text=True, shell=True).stdout.strip()
            except OSError:
                return "?"
        model = cmd("lscpu | sed -n 's/^Model name: *//p'")
        cpus = cmd("nproc")
        cache = (REPO / "build" / "CMakeCache.txt").read_text(errors="replace")
        cxx = re.search(r"CMAKE_CXX_COMPILER:FILEPATH=(.*)", cache)
        btype = re.search(r"CMAKE_BUILD_TYPE:STRING=(.*)", cache)
        hyper = cmd("lscpu | sed -n 's/^Hypervisor vendor: *//p'")
        return [
            ("CPU", f"{model}, {cpus} cores" + (f" ({hyper} virtual machine)" if hyper else "")),
            ("memory", cmd("free -g | awk '/Mem:/ {print $2 \" GB\"}'")),
            ("kernel", cmd("uname -r")),
            ("OS", cmd(". /etc/os-release && echo $PRETTY_NAME")),
            ("rulec built with", f"{cmd((cxx.group(1) if cxx else 'c++') + ' --version | head -1')}, "
             f"CMAKE_BUILD_TYPE={(btype.group(1) if btype and btype.group(1) else 'RelWithDebInfo (the default)')}; "
             f"LLVM {cmd('llvm-config-19 --version')} (JIT and AOT)"),
            ("peers", f"Python {platform.python_version()} (sqlite3 module: SQLite {sqlite_version}), "
             f"node {cmd('node --version')}, {cmd('jq --version')}"),
            ("git", cmd(f"git -C {REPO} rev-parse --short HEAD") + (" + local changes" if cmd(
                f"git -C {REPO} status --porcelain --untracked-files=no") else "")),
        ]

    def report(self, started, finished, monitor):
        L = []
        a = self.args
        L.append("# rulec benchmark results (issues 7, 18, 19)")
        L.append("")
        L.append(f"Written by `python3 bench/run.py{' --quick' if a.quick else ''}"
                 f"{'' if a.events == FULL_EVENTS or a.quick else f' --events {a.events}'}` "
                 f"on {started:%Y-%m-%d %H:%M} UTC ({(finished - started).total_seconds() / 60:.1f} min). "
                 "How it works and what each peer is: [README.md](README.md).")
        L.append("")
        L.append("## Machine")
        L.append("")
        L.append("| | |")
        L.append("|---|---|")
        for k, v in self.machine():
            L.append(f"| {k} | {v} |")
        loads = [s[0] for s in monitor.samples] or [0.0]
        busy = [s[1] for s in monitor.samples] or [0.0]
        L.append(f"| load during the run | 1-min load average {min(loads):.2f}-{max(loads):.2f} (mean "
                 f"{sum(loads) / len(loads):.2f}); core 1 busy {100 * sum(busy) / len(busy):.0f}% on average "
                 f"(max {100 * max(busy):.0f}%) |")
        L.append("")
        if max(loads) > 1.0:
            L.append(f"**Note:** the load average went above 1 during the run (up to {max(loads):.2f}; the "
                     "benchmark itself accounts for 1): these figures come from a run with another job on the "
                     "second core. Every measured process was pinned to core 0 (`taskset -c 0`), but the two "
                     "cores share caches and memory bandwidth, so single-core figures may be somewhat low.")
            L.append("")
        L.append("Single core: every measured process runs under `taskset -c 0`. events/s and MB/s are over "
                 "each engine's scan time: reading, parsing and matching, without compiling the rules "
                 "(rulec JIT: LLVM; rulec AOT: loading the pack; Python: importing the generated module; "
                 "node: starting; jq: compiling its filter; for SQLite the time includes loading the events "
                 "into the database). rulec and the limit: the best of "
                 f"{max(self.reps, 3)} interleaved rounds (JIT, AOT, AOT without the literal memo, parse-only, "
                 "in turn: these VMs change speed for tens of seconds at a time; one run when a scan takes over "
                 "5 s); JIT compile times also best of 3 rounds; peers: one run. Slow peers run on the first N events of the same file, "
                 "and their per-rule match counts are checked against rulec's on those same N events.")
        L.append("")
        for name, rows in self.rows.items():
            info = self.packinfo[name]
            L.append(f"## {name}: {info['title']}")
            L.append("")
            L.append(f"{info['rules']:,} rule{'s' if info['rules'] != 1 else ''}; {info['events']:,} {info['kind']} events "
                     f"({info['bytes'] / 1e6:,.0f} MB, {info['bytes'] / info['events']:,.0f} bytes/event); "
                     f"rulec finds {info['matches']:,} matches. "
                     + (f"Literal memo: {info['memo']:.1f}% of the field values rulec matched against literal sets "
                        "had been matched before (`rulec run --timing`; the no-memo row matches every value anew). "
                        if info.get('memo') is not None else "")
                     + ("Ops in the pack: "
                        + ", ".join(f"`{op}` {n:,}" for op, n in sorted(info["ops"].items(), key=lambda x: -x[1]))
                        + "." if info["ops"] else ""))
            L.append("")
            L += self.table(rows)
            L.append("")
            if info.get("per_query"):
                L.append("Rows per query: rulec's (the AOT pack's output) and SQLite's on the same file, equal after "
                         "normalizing (README.md, \"The kql-sentinel pack\"); SQLite's query time on the loaded tables:")
                L.append("")
                L.append("| query | rows (rulec) | rows (SQLite) | SQLite query s | agrees |")
                L.append("|---|---:|---:|---:|---|")
                for q, mine, theirs, secs, ok in info["per_query"]:
                    L.append(f"| `{q}` | {mine:,} | {theirs:,} | {secs:.3f} | {'yes' if ok else '**NO**'} |")
                L.append("")
            if name == "sigma-all-real" and getattr(self, "evtx_rows", None):
                L.append("The same logs read as .evtx files (runtime/events/EvtxReader.h), with the same rules; MB/s "
                         "of EVTX input (files are mostly empty chunk space: the records' data is about a quarter "
                         "of it); the % column is against parse-only EVTX:")
                L.append("")
                L += self.table(self.evtx_rows, lim_name="parse-only EVTX", ref_name="rulec AOT on .evtx")
                L.append("")
        L.append("## Compile time, load time, memory")
        L.append("")
        L.append("| what | time | peak RSS |")
        L.append("|---|---|---|")
        for c in getattr(self, "compile", []):
            L.append(f"| JIT: first {c['rules']:,} of the {self.corpus_files:,} SigmaHQ rules (sorted paths), "
                     f"`rulec run --timing` compile figure | {c['jit']:.2f} s | {c['rss']:,.0f} MB |")
        if getattr(self, "cache_first", None):
            c = self.cache_first
            L.append(f"| first start with the object cache (`rulec run --cache DIR`, first {c['rules']:,} rules, "
                     f"empty DIR: compiles the AOT pack as the JIT compiles, and keeps it): whole process, wall | "
                     f"{c['wall']:.2f} s | {c['rss']:,.0f} MB |")
        if getattr(self, "cache_start", None):
            c = self.cache_start
            L.append(f"| second start with the object cache (`rulec run --cache DIR`, first {c['rules']:,} rules, "
                     f"after a run that filled it): whole process, wall / rulec's load figure | "
                     f"{c['wall'] * 1000:.0f} ms / {c['load'] * 1000:.0f} ms | {c['rss']:,.0f} MB |")
        for name, info in self.packinfo.items():
            L.append(f"| {name}: JIT compile ({info['rules']:,} rule{'s' if info['rules'] != 1 else ''}) | {info['jit_compile']:.2f} s | "
                     f"{info['jit_rss']:,.0f} MB (whole run) |")
            L.append(f"| {name}: AOT `rulec compile -o pack.so` | {info['aot_compile']:.1f} s | "
                     f"{info['aot_compile_rss']:,.0f} MB |")
            L.append(f"| {name}: AOT pack load (`run --pack --timing` load figure) | {info['aot_load'] * 1000:.1f} ms | "
                     f"{info['aot_rss']:,.0f} MB (whole run) |")
        L.append("")
        L.append("## Targets")
        L.append("")
        L.append("| target | measured | |")
        L.append("|---|---|---|")
        for t, m, ok in self.targets():
            L.append(f"| {t} | {m} | {'met' if ok else '**missed**'} |")
        L.append("")
        return "\n".join(L)

    def rate(self, row):
        return row["events"] / row["scan"]

    def table(self, rows, lim_name="parse-only", ref_name="rulec JIT"):
        lim = next(r for r in rows if r["engine"].startswith(lim_name))
        jit = next(r for r in rows if r["engine"] == ref_name)
        out = [f"| engine | events | scan s | events/s | MB/s | % of {lim_name} | {ref_name} vs this | setup s | "
               "peak RSS | agrees with rulec |",
               "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
        for r in rows:
            if "refused" in r:
                out.append(f"| {r['engine']} | refused: {r['refused']} | | | | | | | | |")
                continue
            rate = self.rate(r)
            ratio = "" if r is jit or r is lim else f"{self.rate(jit) / rate:,.1f}×"
            setup = "" if r["setup"] is None else f"{r['setup']:.3f}" if r["setup"] < 1 else f"{r['setup']:.1f}"
            if r.get("load") is not None:
                setup += f" (load {r['load']:.1f} s incl. in scan)"
            rss = "" if r["rss"] is None else f"{r['rss']:,.0f} MB"
            out.append(f"| {r['engine']} | {r['events']:,} | {r['scan']:.2f} | {rate:,.0f} | "
                       f"{r['bytes'] / r['scan'] / 1e6:,.1f} | {100 * rate / self.rate(lim):.1f}% | {ratio} | "
                       f"{setup} | {rss} | {r['agree']} |")
        return out

    def targets(self):
        out = []

        def row(pack, engine):
            return next((r for r in self.rows.get(pack, []) if r["engine"] == engine and "refused" not in r), None)

        def pct(pack, engine):
            r, lim = row(pack, engine), row(pack, "parse-only (limit)")
            return 100 * self.rate(r) / self.rate(lim)

        big = "sigma-1183"
        for engine in ("rulec JIT", "rulec AOT"):
            if "sigma-1" in self.rows:
                p = pct("sigma-1", engine)
                out.append((f"1 rule ≥ 70% of parse-only ({engine})", f"{p:.1f}%", p >= 70))
        for engine in ("rulec JIT", "rulec AOT"):
            if big in self.rows:
                p = pct(big, engine)
                out.append((f"1,000+ rules ({self.packinfo[big]['rules']:,}) ≥ 25% of parse-only ({engine})",
                            f"{p:.1f}%", p >= 25))
        for peer, goal in (("python", 30), ("node", 5)):
            r = row(big, peer)
            if r:
                x = self.rate(row(big, "rulec JIT")) / self.rate(r)
                out.append((f"≥ {goal}× the {peer} peer on the 1,000+-rule pack", f"{x:,.1f}×", x >= goal))
        big_jit = [c for c in getattr(self, "compile", []) if c["rules"] >= 3000]
        if big_jit:
            out.append(("JIT of 3,000 rules < 2 s", f"{big_jit[0]['jit']:.1f} s", big_jit[0]["jit"] < 2))
        if getattr(self, "cache_start", None):
            c = self.cache_start
            out.append((f"second start with the object cache < 100 ms ({c['rules']:,} rules, whole process)",
                        f"{c['wall'] * 1000:.0f} ms (load {c['load'] * 1000:.0f} ms)", c["wall"] < 0.1))
        real = "sigma-all-real"
        if real in self.rows:
            for engine in ("rulec AOT", "rulec AOT, no literal memo"):
                p = pct(real, engine)
                out.append((f"whole SigmaHQ pack on real logs ≥ 30% of parse-only, one core ({engine})", f"{p:.1f}%",
                            p >= 30))
            x = self.rate(row(real, "rulec AOT, 2 threads (2 cores)")) / self.rate(row(real, "rulec AOT"))
            out.append(("2 threads ≥ 1.7× one (whole SigmaHQ pack, real logs)", f"{x:.2f}×", x >= 1.7))
        if big in self.packinfo:
            ms = self.packinfo[big]["aot_load"] * 1000
            out.append((f"AOT pack load < 10 ms ({self.packinfo[big]['rules']:,}-rule pack)", f"{ms:.1f} ms", ms < 10))
        return out


def merge_sections(results, text, b, started, finished, monitor):
    """Puts the `## PACK:` sections of a partial run's report into RESULTS.md, replacing the same
    packs' sections (or adding them before the compile-time section), each with a note saying where
    its figures come from: the other sections stay those of the earlier run."""
    old = re.split(r"(?m)^(?=## )", results.read_text())
    new = {part.split(":", 1)[0][3:]: part for part in re.split(r"(?m)^(?=## )", text)[1:]}
    loads = [x[0] for x in monitor.samples] or [0.0]
    git = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                         text=True).stdout.strip()
    for name in b.rows:
        info = b.packinfo[name]
        head, rest = new[name].split("\n", 1)
        note = (f"*From a later run of this pack alone: `python3 bench/run.py {' '.join(sys.argv[1:])}` on "
                f"{started:%Y-%m-%d %H:%M} UTC ({(finished - started).total_seconds() / 60:.1f} min), git {git}, "
                f"same machine; 1-min load average {min(loads):.2f}-{max(loads):.2f} (the benchmark accounts for 1). "
                f"JIT compile {info['jit_compile']:.2f} s; AOT `rulec compile` {info['aot_compile']:.1f} s "
                f"({info['aot_compile_rss']:,.0f} MB), pack load {info['aot_load'] * 1000:.1f} ms. The other "
                f"sections come from the run named at the top.*\n")
        section = f"{head}\n\n{note}{rest}"
        at = next((i for i, part in enumerate(old) if part.startswith(f"## {name}:")), None)
        if at is None:
            at = next((i for i, part in enumerate(old) if part.startswith("## Compile time")), len(old))
            old.insert(at, section)
        else:
            old[at] = section
    results.write_text("".join(old))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small smoke run (5,000 process_creation events)")
    ap.add_argument("--events", type=int, help=f"process_creation events (default {FULL_EVENTS:,}; "
                    "netskope 10x, signin 2x; peers' prefixes scale too)")
    ap.add_argument("--work", help="work folder (default: $TMPDIR/rulec-bench[-quick])")
    ap.add_argument("--out", help="results file (default bench/RESULTS.md; with --quick WORK/RESULTS-quick.md)")
    ap.add_argument("--peers", nargs="*", choices=PEERS, help="only these peers")
    ap.add_argument("--packs", nargs="*", help="only these packs (sigma-1 sigma-100 sigma-1183 netskope kql-signin "
                    "kql-sentinel sigma-all-real); writing bench/RESULTS.md, only their sections are replaced")
    ap.add_argument("--skip-selftest", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the event files in the work folder")
    args = ap.parse_args()
    if args.events is None:
        args.events = 5_000 if args.quick else FULL_EVENTS
    tmp = pathlib.Path(tempfile.gettempdir())
    args.work = args.work or str(tmp / ("rulec-bench-quick" if args.quick else "rulec-bench"))
    out = pathlib.Path(args.out) if args.out else (pathlib.Path(args.work) / "RESULTS-quick.md" if args.quick
                                                    else BENCH / "RESULTS.md")
    started = datetime.datetime.now(datetime.timezone.utc)
    monitor = LoadMonitor()
    monitor.start()
    b = Bench(args)
    b.snapshot_binaries()
    log(f"bench/run.py: work folder {b.work}")
    if not args.skip_selftest:
        log("== peers self-test (crafted edge cases, event by event)")
        r = subprocess.run([sys.executable, "-m", "peers.selftest", b.rulec, str(b.work / "selftest")], cwd=BENCH)
        if r.returncode:
            sys.exit("bench/run.py: FAILED: a peer disagrees with rulec in the self-test (above)")
    log("== events")
    packs = [p for p in b.packs() if not args.packs or p["name"] in args.packs]
    # A run of some packs only (--packs) skips the compile-time section and, writing bench/RESULTS.md,
    # replaces only those packs' sections there.
    partial = bool(args.packs)
    b.generate_events({p["kind"] for p in packs} | (set() if partial else {"process_creation"}))
    for pack in packs:
        b.bench_pack(pack)
    if not args.packs or "sigma-all-real" in args.packs:
        b.bench_real_logs()
    if not partial:
        log("== compile time")
        b.compile_times()
    monitor.stop.set()
    finished = datetime.datetime.now(datetime.timezone.utc)
    if b.failures:
        text = "\n\n".join(b.failures)
        (b.work / "DISAGREEMENTS.txt").write_text(text + "\n")
        print("\n" + text, file=sys.stderr)
        sys.exit(f"bench/run.py: FAILED: {len(b.failures)} disagreement(s) with rulec (above; also in "
                 f"{b.work / 'DISAGREEMENTS.txt'}); {out} not written")
    text = b.report(started, finished, monitor)
    print()
    print(text)
    if partial and out == BENCH / "RESULTS.md" and out.exists():
        (b.work / "RESULTS-partial.md").write_text(text)
        merge_sections(out, text, b, started, finished, monitor)
        log(f"bench/run.py: wrote the sections of {', '.join(b.rows)} into {out} (the whole report of this run: "
            f"{b.work / 'RESULTS-partial.md'})")
    else:
        out.write_text(text)
        log(f"bench/run.py: wrote {out}")
    if not args.keep:
        for p in b.work.glob("*.jsonl"):
            p.unlink()


if __name__ == "__main__":
    main()
