//===- CliFlags.cpp -------------------------------------------------------===//
#include "CliFlags.h"

namespace rulec::cli {

namespace {

struct Commands {
  CLI::App *check, *run, *compile, *test, *query;
};

/// Defines rulec's options on `app`, parsed into `flags`.
Commands define(CLI::App &app, Flags &flags) {
  app.require_subcommand(1);
  app.add_option("--sigma-config", flags.sigmaConfig,
                 "Sigma logsource and field mapping (YAML; default: the built-in Windows one)");

  CLI::App *check = app.add_subcommand("check", "parse and compile rules; --emit dumps a stage");
  check->add_option("rules", flags.check.rules, "rule files or directories")->required();
  check->add_option("--emit", flags.check.emit, "print a stage instead: ast, ir, json (the IR), llvm, asm")
      ->check(CLI::IsMember({"ast", "ir", "json", "llvm", "asm"}));
  check->add_flag("--strict", flags.check.strict, "stop at the first rule with an error");

  CLI::App *run = app.add_subcommand("run", "run rules over JSON-lines events, print alerts");
  run->add_option("rules", flags.run.rules, "rule files or directories");
  run->add_option("--pack", flags.run.pack, "a pack from `rulec compile` instead of rule files");
  run->add_option("--cache", flags.run.cache,
                  "keep the compiled pack in DIR: a later run over the same rule files loads it instead of compiling");
  run->add_option("--events", flags.run.events,
                  "event files: JSON lines ('-' for stdin), Windows event logs (.evtx, told by their header), or "
                  "folders of them (recursively: .evtx, .json, .jsonl and .ndjson files)")
      ->required();
  run->add_flag("--rows-only", flags.run.rowsOnly, "print each KQL result row as its bare JSON object (as `rulec query` does)");
  run->add_option("--log-type", flags.run.logType,
                  "log type of events that have no p_log_type or Type field and no shape the pack recognises "
                  "(Sigma's Windows events need none)");
  run->add_option("--threads", flags.run.threads,
                  "threads that evaluate events, each with its own context; the same alerts and rows as one "
                  "(default: the cores this process may use, for files; 1 for stdin)");
  run->add_option("--time-field", flags.run.timeField,
                  "dotted path of the event time field (default: per log type)");
  run->add_flag("--strict", flags.run.strict, "refuse to run if any rule has an error");
  run->add_option("--mode", flags.run.mode,
                  "KQL: batch (a query sees its whole input) or stream (let-table sets and joins as events arrive)")
      ->check(CLI::IsMember({"batch", "stream"}));
  run->add_option("--events-format", flags.run.format,
                  "ndjson (one JSON object per line) or json (concatenated, possibly pretty-printed documents)")
      ->check(CLI::IsMember({"ndjson", "json"}));
  run->add_flag("--timing", flags.run.timing, "print load and scan times and throughput on stderr");
  run->add_option("--profile-rules", flags.run.profileRules,
                  "time each rule (its code and the helpers it calls) and print the N that took longest, with "
                  "their runs and matches, on stderr (docs/cli.md)");
  run->add_flag("--no-literal-memo", flags.run.noLiteralMemo,
                "match every field value against the literal sets anew, even one seen before (for measurements)");
  run->add_option("--state", flags.run.state,
                  "keep the stream's state (windows, correlations, sets) in FILE: a restart resumes it");
  run->add_option("--output", flags.run.output, "write alerts and rows to FILE instead of stdout (exactly once with --state)");
  run->add_option("--checkpoint-every", flags.run.checkpointEvery, "with --state: save it every N events (default 1000)")
      ->check(CLI::PositiveNumber);
  run->add_flag("--keep-open", flags.run.keepOpen,
                "at the end of input keep windows open (in --state) for the next run instead of closing them");
  run->add_option("--max-groups", flags.run.maxGroups,
                  "at most N open dedup windows and N correlation groups; more close the oldest early (counted)");
  run->add_option("--max-operator-memory", flags.run.maxOperatorMiB,
                  "stream mode: the MiB a KQL join keeps in its window (default 256); over it the run stops")
      ->check(CLI::PositiveNumber);
  run->add_option("--allowed-lateness", flags.run.lateness,
                  "keep windows open this long (30s, 5m, 1h) after the newest event time passes them, for late events");
  run->add_option("--kill-after", flags.run.killAfter, "testing: SIGKILL rulec after N input lines")->group("");
  run->add_option("--match-counts", flags.run.matchCounts,
                  "write each pack rule's matches to this file: a JSON array of {id, matches}, in rule order");
  run->add_flag("--no-replay", flags.run.noReplay,
                "scheduled Sentinel rules print their query's rows over the whole input, as hunting queries do, "
                "instead of replaying their runs as alerts (docs/sentinel.md)");
  run->add_option("--replay-start", flags.run.replayStart,
                  "the first run of each scheduled Sentinel rule, e.g. 2024-01-01T00:00:00Z (default: the first "
                  "multiple of its queryFrequency at or after its first event)");
  run->add_option("--now", flags.run.now, "the queries' now() for ago(), e.g. 2024-01-01T00:00:00Z (default: the clock)");

  CLI::App *compile = app.add_subcommand("compile", "compile rules ahead of time into a pack (.so, .o or .s)");
  compile->add_option("rules", flags.compile.rules, "rule files or directories")->required();
  compile->add_option("-o,--output", flags.compile.output, "the pack: PACK.so (shared object), PACK.o, PACK.s")
      ->required();
  compile->add_option("--emit", flags.compile.emit, "shared, object or asm (default: from the output's extension)")
      ->check(CLI::IsMember({"shared", "object", "asm"}));
  compile->add_option("--target", flags.compile.target, "target triple, as LLVM spells it (default: the host's)");
  compile->add_option("--mcpu", flags.compile.cpu, "target CPU, as LLVM spells it, or native (default: generic)");
  compile->add_flag("--strict", flags.compile.strict, "refuse to compile if any rule has an error");

  CLI::App *test = app.add_subcommand("test", "run each rule's Tests through the compiled code");
  test->add_option("rules", flags.testRules, "rule files or directories")->required();

  CLI::App *query = app.add_subcommand(
      "query", "run one KQL query that needs no events (datatable, print, range): its rows as JSON lines");
  query->add_option("file", flags.queryFile, "the query (.kql)")->required();
  query->add_option("--now", flags.run.now, "the query's now() for ago(), e.g. 2024-01-01T00:00:00Z (default: the clock)");

  return {check, run, compile, test, query};
}

} // namespace

bool parse(int argc, char **argv, Flags &flags, Command &command, int &exitCode) {
  CLI::App app{"rulec: compiles detection rules to native code and runs them on events"};
  const Commands commands = define(app, flags);
  try {
    app.parse(argc, argv);
    command = *commands.check ? Command::Check
              : *commands.run ? Command::Run
              : *commands.compile ? Command::Compile
              : *commands.query ? Command::Run
                                  : Command::Test;
    if (*commands.query) { // a run of one query over no events, printing bare rows
      flags.run.rules = {flags.queryFile};
      flags.run.rowsOnly = true;
      flags.run.threads = 1;
    }
    return true;
  } catch (const CLI::ParseError &e) {
    exitCode = app.exit(e) == 0 ? kOk : kUsage;
    return false;
  }
}

} // namespace rulec::cli
