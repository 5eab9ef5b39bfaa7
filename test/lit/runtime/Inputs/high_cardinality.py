"""Feeds N events, each with its own dedup key, through `rulec run
--max-groups` and reports the summary and rulec's peak memory.

usage: high_cardinality.py RULEC RULE N MAX_GROUPS
"""
import resource
import subprocess
import sys
import tempfile

rulec, rule, n, bound = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
# Output to files: a pipe nobody reads while we write would fill and block rulec.
out, err_file = tempfile.TemporaryFile(), tempfile.TemporaryFile()
proc = subprocess.Popen([rulec, "run", rule, "--events", "-", "--log-type", "App", "--max-groups", bound],
                        stdin=subprocess.PIPE, stdout=out, stderr=err_file)
# Keys repeat once, 2 events apart, so that windows reach the threshold of 2
# only when the bound keeps them open long enough.
chunk = []
for i in range(n):
    key = i // 2 if i % 4 < 2 else i
    chunk.append('{"p_event_time":"2024-06-01T00:00:00Z","action":"x","key":"k%d"}\n' % key)
    if len(chunk) == 10000:
        proc.stdin.write("".join(chunk).encode())
        chunk = []
proc.stdin.write("".join(chunk).encode())
proc.stdin.close()
proc.wait()
out.seek(0)
err_file.seek(0)
alerts = sum(1 for _ in out)
err = err_file.read().decode()
peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(err.strip().splitlines()[-1])
print("alerts: %d" % alerts)
print("peak memory %.0f MB" % peak_mb, file=sys.stderr)
print("peak memory under 100 MB: %s" % (peak_mb < 100))
