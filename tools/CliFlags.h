//===- CliFlags.h - The rulec command line, parsed ------------------------===//
//
// Both rulec executables parse the same command line (tools/Launcher.cpp, the
// `rulec` users call, and tools/rulec.cpp, the compiler it runs when a
// command needs one), so the flags and their help are defined once, here.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace rulec::cli {

/// Exit codes (docs/cli.md): 0 success; 1 a rule was rejected or a test
/// failed; 2 bad usage or unreadable input; 3 `run` finished but some events
/// were invalid.
enum ExitCode { kOk = 0, kRuleErrors = 1, kUsage = 2, kBadEvents = 3, kLimit = 4 };

struct CheckFlags {
  std::vector<std::string> rules;
  std::string emit;
  bool strict = false;
};

struct RunFlags {
  std::vector<std::string> rules;
  std::string pack;
  std::vector<std::string> events;
  std::string logType;
  std::string timeField;
  std::string mode = "batch";
  std::string format = "ndjson";
  std::string now;
  bool strict = false;
  bool timing = false;
  bool noLiteralMemo = false; ///< --no-literal-memo: match every field value anew
  std::string matchCounts;
  std::string state;          ///< --state FILE
  std::string output;         ///< --output FILE (default stdout)
  uint64_t checkpointEvery = 1000;
  bool keepOpen = false;
  size_t maxGroups = 0;
  uint64_t maxOperatorMiB = 256; ///< --max-operator-memory: stream mode, per KQL join
  uint64_t killAfter = 0;     ///< testing: SIGKILL itself after this many input lines
  std::string cache;          ///< --cache DIR: compiled packs of earlier runs
  std::string lateness;       ///< --allowed-lateness, e.g. 5m
  unsigned threads = 0;       ///< --threads; 0: the cores of the affinity mask (files), 1 (stdin)
  unsigned profileRules = 0;  ///< --profile-rules N: the N rules that took longest, on stderr
  bool rowsOnly = false;      ///< rows as their bare JSON objects (`rulec query`, --rows-only)
  bool noReplay = false;      ///< --no-replay: scheduled Sentinel rules print rows as hunting queries do
  std::string replayStart;    ///< --replay-start: the first run of every scheduled rule
};

struct CompileFlags {
  std::vector<std::string> rules;
  std::string output;
  std::string emit; ///< shared, object, asm; empty: from the output's extension
  std::string target;
  std::string cpu;
  bool strict = false;
};

struct Flags {
  std::string sigmaConfig; ///< --sigma-config FILE
  CheckFlags check;
  RunFlags run;
  CompileFlags compile;
  std::vector<std::string> testRules;
  std::string queryFile; ///< `rulec query FILE`
};

enum class Command { Check, Run, Compile, Test };

/// Parses the command line into `flags` and `command`; false, with the exit
/// code, when it asked for help or was wrong (CLI11 has printed it).
bool parse(int argc, char **argv, Flags &flags, Command &command, int &exitCode);

} // namespace rulec::cli
