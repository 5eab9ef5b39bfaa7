#!/usr/bin/env python3
"""Self-test of the peers: crafted events through rulec and every peer, compared event by event.

    python3 -m peers.selftest RULEC [WORKDIR]      (from bench/; bench/run.py runs it first)

The rules in selftest/ exercise what is easy to get wrong: Sigma's loose keys (case, spaces),
field alternatives and wildcards, typed equality (1 / 1.0 / true / "1"), null and missing
fields under `not`, or-element on lists, keywords in nested values (not keys; numbers and
booleans as text), field
references, RE2 regexes whose meaning differs in other engines (`$` before a final newline,
ASCII `\\b` and `\\w`, case folding of ß / ſ / K, `(?m)`, `(?s)`), Panther's case-insensitive keys,
`[N]` / `[-1]`, list Contains, element predicates, ASCII-only IEquals. Each event is one line
with its own "eid"; rulec's matches come from its output (Sigma rows carry the event; the
Panther rule's title names the eid, so every match is its own alert) and each peer prints
"LINE RULE" per match. Any difference is printed and the exit code is 1.
"""
import json
import pathlib
import subprocess
import sys
import tempfile

from . import irpack, jqpeer, jspeer, pypeer, sqlpeer

HERE = pathlib.Path(__file__).resolve().parent
RULES = HERE / "selftest"


def sysmon(data=None, system=None, **extra):
    ev = {"Event": {"System": {"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 1, **(system or {})},
                    "EventData": {"Image": "C:\\Windows\\System32\\cmd.exe", "ParentImage": "C:\\x\\explorer.exe",
                                  **(data or {})}}}
    ev.update(extra)
    return ev


def panther(**fields):
    return {"p_log_type": "SelfTest.Log", **fields}


def events():
    """The crafted events; "eid" is added (the line number)."""
    E = []
    # Sigma rule 1: endswith / contains / startswith / not null
    E += [sysmon({"CommandLine": "cmd /c whoami"}),
          sysmon({"Image": "C:\\WINDOWS\\SYSTEM32\\CMD.EXE", "CommandLine": "CMD /C PING 1.2.3.4"}),
          sysmon({"CommandLine": "cmd /c whoami", "ParentImage": None}),           # null -> filtered
          {"Event": {"System": {"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 1},
                     "EventData": {"Image": "x\\cmd.exe", "CommandLine": "whoami"}}},  # ParentImage missing
          sysmon({"command line": "cmd /c WHOAMI"}),                                  # loose key: spaces, case
          sysmon({"CommandLine": "nothing", "Command Line": "whoami"}),              # exact key wins
          sysmon({"commandline": "x", "COMMAND LINE": "whoami"}),                     # first loose key wins
          sysmon({"CommandLine": ["a", "cmd /c whoami"]}),                           # or-element
          sysmon({"CommandLine": [["whoami"]]}),                                      # nested list: no
          sysmon({"CommandLine": "whoami"}, {"EventID": "1"}),                        # "1" == "1"
          sysmon({"CommandLine": "whoami"}, {"EventID": 1.0}),                        # 1.0 == 1
          sysmon({"CommandLine": "whoami"}, {"EventID": True}),                       # True == 1
          sysmon({"CommandLine": "whoami"}, {"EventID": {"#text": "1"}}),             # EventID.#text
          sysmon({"CommandLine": "whoami"}, {"EventID": 2}),
          sysmon({"CommandLine": "whoami"}, {"EventID": [2, 1]}),                     # list EventID
          sysmon({"User": "NT AUTHORITY\\SYSTEM", "CommandLine": "x"}),
          sysmon({"User": "nt authorityx", "CommandLine": "x"}),
          {"Event": {"System": {"EventID": 1}, "UserData": {"Op": {"Channel": "Microsoft-Windows-Sysmon/Operational"}},
                     "EventData": {"Image": "c:\\cmd.exe", "ParentImage": "p", "CommandLine": "whoami"}}},  # wildcard
          {"Event": {"System": {"EventID": 1}, "UserData": [{"X": 1}, {"channel": "microsoft-windows-sysmon/operational"}],
                     "EventData": {"Image": "c:\\cmd.exe", "ParentImage": "p", "CommandLine": "whoami"}}},
          {"Event": {"System": {"EventID": 1}, "UserData": {"A": {"Channel": "x"}, "B": {"Channel": "Microsoft-Windows-Sysmon/Operational"}},
                     "EventData": {"Image": "c:\\cmd.exe", "ParentImage": "p", "CommandLine": "whoami"}}},  # first wins
          {"Event": {"System": {"EventID": 1}, "UserData": {"A": {"Channel": "Microsoft-Windows-Sysmon/Operational"}, "B": {"Channel": "x"}},
                     "EventData": {"Image": "c:\\cmd.exe", "ParentImage": "p", "CommandLine": "whoami"}}},
          {"Event": {"System": {"EventID": 1, "Channel": "x"}, "UserData": {"A": {"Channel": "Microsoft-Windows-Sysmon/Operational"}},
                     "EventData": {"Image": "c:\\cmd.exe", "ParentImage": "p", "CommandLine": "whoami"}}},  # alternative order
          "",                                                                            # blank line: not an event
          "{not json",                                                                   # invalid: skipped
          "[1, 2]",                                                                      # not an object: skipped
          {"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 1, "Image": "c:\\cmd.exe",
           "ParentImage": "p", "CommandLine": "/c ping"},                                           # flat event
          {"EVENT": {"system": {"channel": "Microsoft-Windows-Sysmon/Operational", "event id": 1},
                     "Event Data": {"IMAGE": "c:\\cmd.exe", "Parent Image": "p", "Command Line": "whoami"}}}]
    # Sigma rule 2: regexes
    E += [sysmon({"CommandLine": "powershell -enc SQBFAFgAKAA="}),
          sysmon({"CommandLine": "powershell -ENC SQBFAFgAKAA=\n"}),     # RE2 $ is not before a final \n
          sysmon({"CommandLine": "powershell -e sqbfafgakaa="}),
          sysmon({"CommandLine": "C:\\Windows\\abc\\x.exe"}),
          sysmon({"CommandLine": "C:\\Windows\\a\nb\\x.exe"}),           # . does not match \n
          sysmon({"CommandLine": "xC:\\Windows\\abc\\x.exe"}),           # ^ anchors
          sysmon({"Description": "a Kelvin b"}),
          sysmon({"Description": "éKx"}),                                # RE2 \b is ASCII: boundary before K
          sysmon({"Description": "\u212aelvin"}),                         # Kelvin sign: not K without (?i)
          sysmon({"Description": "xKé"}),                                # \w is ASCII: K then é: \b after K
          sysmon({"Description": "STRASSE"}),                            # (?i)ß does not fold to ss
          sysmon({"Description": "STRA\u1e9eE"}),                         # capital sharp s folds to ß
          sysmon({"Description": "STOP"}),                               # (?i)ſ folds with s, S
          sysmon({"Description": "\u017ftop"}),
          sysmon({"Product": "line1\nline2\nline3"}),
          sysmon({"Product": "line1\nline2\r\nline3"}),
          sysmon({"Product": "first\nsecond"}),
          sysmon({"Product": "firstXsecond"}),
          sysmon({"Company": "Привет"}),
          sysmon({"Company": "ABCD1"}),
          sysmon({"Company": "abcd1"}),
          sysmon({"Company": "é"}),
          sysmon({"Company": ["x", "ÄÖ"]})]
    # Sigma rule 3: lists, numbers, keywords
    E += [sysmon({"Tags": ["user", "Admins"]}),
          sysmon({"Tags": "sysadmin"}),
          sysmon({"Tags": [["admin"]]}),
          sysmon({"Tags": [{"t": "admin"}]}),
          sysmon({"IntegrityLevel": 16384}),
          sysmon({"IntegrityLevel": "16384"}),
          sysmon({"IntegrityLevel": 16384.0}),
          sysmon({"IntegrityLevel": 16384.5}),
          sysmon({"Extra": ["x", {"y": "Running MIMIKATZ now"}]}),
          sysmon({"mimikatz": 1}),                                       # keys are not searched
          sysmon({"Extra": "SEKURLSA::logonpasswords"}),
          sysmon({"Extra": "sekurlsa:"}),
          sysmon({"Extra": 4711}), sysmon({"Extra": 147110}), sysmon({"Extra": 4711.5}),  # numbers as text
          sysmon({"Flag": True}), sysmon({"Flag": False}), sysmon({"Extra": None}),
          sysmon({"Extra": "LSA-Secrets DUMP"}), sysmon({"Extra": ["lsa", "dump"]}),     # regex keyword
          sysmon({"4711": "key"})]
    # Sigma rule 4: field references, exists, cased, gt
    E += [sysmon({"User": "bob", "ParentUser": "BOB"}),
          sysmon({"User": "bob", "ParentUser": "bobby"}),
          sysmon({"User": "bob"}),
          sysmon({"LogonId": None, "Hashes": "MD5=AB,SHA256=CD"}),
          sysmon({"LogonId": "0x3e7", "Hashes": "md5=ab"}),
          sysmon({"Hashes": "MD5=AB"}),
          sysmon({"TerminalSessionId": 3}),
          sysmon({"TerminalSessionId": "3"}),
          sysmon({"TerminalSessionId": 2}),
          sysmon({"TerminalSessionId": True}),
          sysmon({"TerminalSessionId": [1, 5]})]
    # Panther rule
    E += [panther(data={"values": [403, "POST", "/x", "trid=abc"]}),
          panther(data={"values": ["403"]}),
          panther(data={"values": [403.0]}),
          panther(data={"values": [404, "TRID=1"]}),
          panther(data={"values": []}),
          panther(DATA={"Values": [403]}),
          panther(data={"values": {"0": 403}}),
          panther(flag=True), panther(flag=1), panther(flag="true"), panther(flag=1.0),
          panther(size=11), panther(size=10.5), panther(size="11"), panther(size=True),
          panther(tags=["a", "Root"]), panther(tags="xROOTx"), panther(tags=[["root"]]), panther(tags=["rooted"]),
          panther(note=None, user="ALİCE"), panther(note="", user="alİce"), panther(note=[], user="alice"),
          panther(note={}, user="ALİCE"), panther(note="x", user="ALİCE"), panther(user="ALİCE"),
          panther(items=[{"name": "x", "count": 2}]),
          panther(items=[{"name": "x"}, {"count": 1}]),
          panther(items=[{"NAME": "x", "count": 1.5}]),
          panther(items=[{"name": "x", "count": "1"}]),
          panther(items={"name": "x", "count": 1}),
          {"p_log_type": 5, "flag": True},                                # not a string: default log type
          {"p_log_type": "Other", "flag": True}]
    return E


def rulec_matches(rulec, rules, path, pack):
    """{(line, rule index)} from rulec's output."""
    index = {r["id"]: i for i, r in enumerate(pack["rules"])}
    out = subprocess.run([rulec, "run", *map(str, rules), "--events", str(path), "--log-type", "WinEventLog"],
                         capture_output=True, text=True)
    if out.returncode not in (0, 3):  # 3: some lines were not JSON objects (the self-test has such lines)
        raise RuntimeError(f"rulec run failed ({out.returncode}): {out.stderr[-2000:]}")
    got = set()
    for line in out.stdout.splitlines():
        o = json.loads(line)
        if "row" in o:
            got.add((o["row"]["eid"], index[o["rule_id"]]))
        else:
            for ev in o["events"]:
                got.add((int(ev.rsplit(":", 1)[1]), index[o["rule_id"]]))
    return got


def main():
    rulec = sys.argv[1]
    work = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="rulec-selftest-"))
    work.mkdir(parents=True, exist_ok=True)
    rules = sorted(RULES.glob("*.yml"))
    evs = events()
    path = work / "selftest.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for n, ev in enumerate(evs, 1):
            f.write((ev if isinstance(ev, str) else json.dumps({**ev, "eid": n}, ensure_ascii=False)) + "\n")
    pack = irpack.emit_json(rulec, [str(r) for r in rules])
    expect = rulec_matches(rulec, rules, path, pack)
    results = {}

    mod = work / "selftest_peer.py"
    mod.write_text(pypeer.generate(pack))
    det = work / "py.detail"
    subprocess.run([sys.executable, str(HERE / "pyrun.py"), str(mod), str(path), "WinEventLog", str(work / "py.json"),
                    str(det)], check=True)
    results["python"] = {tuple(map(int, l.split())) for l in det.read_text().splitlines()}

    js = work / "selftest_peer.js"
    js.write_text(jspeer.generate(pack))
    det = work / "js.detail"
    subprocess.run(["node", str(js), str(path), "WinEventLog", str(work / "js.json"), str(det)], check=True)
    results["node"] = {tuple(map(int, l.split())) for l in det.read_text().splitlines()}

    jqf = work / "selftest_peer.jq"
    jqf.write_text(jqpeer.generate(pack, detail=True))
    out = subprocess.run(["jq", "-R", "-r", "--arg", "default", "WinEventLog", "-f", str(jqf), str(path)],
                         capture_output=True, text=True, check=True)
    results["jq"] = {tuple(map(int, l.split())) for l in out.stdout.splitlines()}

    detail = []
    sqlpeer.run(sqlpeer.generate(pack, "WinEventLog"), str(path), detail)
    results["sqlite"] = set(detail)

    ok = True
    ids = [r["id"] for r in pack["rules"]]
    print(f"peers self-test: {len(evs)} events, {len(ids)} rules, rulec matches {len(expect)} (event, rule) pairs")
    for peer, got in results.items():
        if got == expect:
            print(f"  {peer}: agrees")
            continue
        ok = False
        print(f"  {peer}: DISAGREES")
        for ln, r in sorted(expect - got):
            print(f"    line {ln}: rulec matches {ids[r]}, {peer} does not: {json.dumps(evs[ln - 1], ensure_ascii=False)}")
        for ln, r in sorted(got - expect):
            print(f"    line {ln}: {peer} matches {ids[r]}, rulec does not: {json.dumps(evs[ln - 1], ensure_ascii=False)}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
