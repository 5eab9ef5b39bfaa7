"""Kills `rulec run --state` with SIGKILL after every possible input line and
checkpoint interval, restarts it on the same input, and requires the output
of one uninterrupted run: no alert lost, none doubled.

usage: kill_restart.py RULEC WORKDIR -- RUN-ARGS...   (rules, --events, ...)
"""
import os
import subprocess
import sys

rulec, work = sys.argv[1], sys.argv[2]
args = sys.argv[sys.argv.index("--") + 1:]
# The event files: the arguments after --events up to the next option.
files = []
for a in args[args.index("--events") + 1:]:
    if a.startswith("--"):
        break
    files.append(a)
events = sum(1 for f in files for _ in open(f))


def run(output, state, *extra):
    cmd = [rulec, "run", *args, "--output", output, *extra]
    if state:
        cmd += ["--state", state]
    return subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


full = os.path.join(work, "full.jsonl")
assert run(full, None).returncode == 0
expected = open(full).read()
lines = expected.count("\n")
kills = 0
for every in (1, 3, 7):
    for kill in range(1, events + 1):
        out, state = os.path.join(work, "out.jsonl"), os.path.join(work, "state")
        for f in (out, state):
            if os.path.exists(f):
                os.remove(f)
        r = run(out, state, "--checkpoint-every", str(every), "--kill-after", str(kill))
        if r.returncode != -9:
            sys.exit(f"expected SIGKILL after line {kill}, got exit {r.returncode}: {r.stderr}")
        kills += 1
        r = run(out, state, "--checkpoint-every", str(every))
        if r.returncode != 0 or open(out).read() != expected:
            sys.exit(f"checkpoint every {every}, killed after line {kill}: output differs from one run\n"
                     f"--- one run\n{expected}--- killed and restarted\n{open(out).read()}{r.stderr}")
print(f"kill-restart: {kills} kills over {events} events, each restart gave the {lines} output lines of one run")
