//===- rulec.cpp - The rulec command line ---------------------------------===//
//
// A thin driver: flags in, library calls, text out.
//
//   rulec check [--emit=ast|ir|llvm|asm] RULES...   parse, compile, dump a stage
//   rulec run RULES... --events FILE...             alerts as JSON lines on stdout
//   rulec run --pack PACK.so --events FILE...       the same with a compiled pack
//   rulec compile RULES... -o PACK.so|PACK.o|PACK.s  an ahead-of-time pack
//   rulec test RULES...                             each rule's own Tests, natively
//
// Exit codes (docs/cli.md): 0 success; 1 a rule was rejected or a test failed;
// 2 bad usage or unreadable input; 3 `run` finished but some events were invalid.
//
//===----------------------------------------------------------------------===//
#include "AlertJson.h"
#include "Codegen.h"
#include "Diagnostics.h"
#include "EventTime.h"
#include "EventEvaluator.h"
#include "Frontend.h"
#include "IR.h"
#include "IRJson.h"
#include "Jit.h"
#include "JsonDocuments.h"
#include "JsonString.h"
#include "LineReader.h"
#include "Aot.h"
#include "MatchDescription.h"
#include "PackLoader.h"
#include "Scanner.h"
#include "StateFile.h"

#include <CLI/CLI.hpp>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <llvm/TargetParser/Host.h>
#include <sys/stat.h>
#include <unistd.h>
#include <functional>
#include <map>
#include <sstream>
#include <iostream>

namespace {

using namespace rulec;

enum ExitCode { kOk = 0, kRuleErrors = 1, kUsage = 2, kBadEvents = 3 };

/// The --sigma-config file, if one was given (kept for the pack's lifetime).
sigma::Config sigmaConfig;
std::string sigmaConfigPath;

/// Parses and lowers the rules; prints diagnostics. Returns false when no
/// pack can be built (nothing compiled, or an error under --strict).
bool loadRules(const std::vector<std::string> &paths, FrontendOptions options, bool strict, Frontend &fe,
               DiagnosticEngine &diags, std::ostream &diagOut = std::cerr) {
  if (!sigmaConfigPath.empty()) {
    std::ifstream in(sigmaConfigPath);
    std::stringstream text;
    text << in.rdbuf();
    if (!in || !sigma::Config::load(text.str(), sigmaConfigPath, sigmaConfig, diags)) {
      if (!in)
        diags.error(DiagCode::FileUnreadable, {std::make_shared<const std::string>(sigmaConfigPath), 0, 0},
                    "cannot read the Sigma configuration '" + sigmaConfigPath + "'");
      diags.print(std::cerr);
      return false;
    }
    options.sigmaConfig = &sigmaConfig;
  }
  std::vector<std::string> files = collectRuleFiles(paths, diags);
  fe = runFrontend(files, options, diags);
  diags.print(diagOut);
  if (diags.hasErrors() && strict)
    return false;
  return true;
}

int runCheck(const std::vector<std::string> &paths, const std::string &emit, bool strict) {
  DiagnosticEngine diags;
  Frontend fe;
  if (!loadRules(paths, FrontendOptions{true}, strict, fe, diags))
    return kRuleErrors;

  if (emit == "ast") {
    for (const auto &rule : fe.rules)
      panther::dumpAst(*rule, std::cout);
    for (const auto &query : fe.queries) {
      std::cout << "Query \"" << query->id << "\" file=" << *query->loc.file << "\n";
      kql::dumpQuery(*query->query, std::cout);
    }
    for (const auto &rule : fe.sigmaRules)
      sigma::dumpRule(*rule, std::cout);
    for (const auto &c : fe.sigmaCorrelations)
      sigma::dumpCorrelation(*c, std::cout);
  } else if (emit == "ir") {
    ir::print(fe.pack, std::cout);
  } else if (emit == "json") {
    ir::printJson(fe.pack, std::cout);
  } else if (emit == "llvm" || emit == "asm") {
    llvm::LLVMContext ctx;
    std::unique_ptr<llvm::Module> module = buildOptimizedModule(fe.pack, ctx);
    if (emit == "llvm") {
      llvm::outs() << *module;
    } else {
      auto tm = codegen::createHostTargetMachine();
      codegen::emitAssembly(*module, *tm, llvm::outs());
    }
    llvm::outs().flush();
  } else {
    // Without --emit, check compiles to native code too, so that it catches
    // everything `run` would.
    std::string error;
    if (!JitPack::compile(fe.pack, error)) {
      std::cerr << "rulec: error: native compilation failed: " << error << "\n";
      return kRuleErrors;
    }
    std::cerr << "rulec: " << fe.files << " files, " << fe.compiled << " rules compiled, "
              << fe.rejected << " rejected";
    if (fe.kqlFiles)
      std::cerr << " (KQL queries: " << fe.kqlFiles << " read, " << fe.kqlParsed << " parsed, " << fe.kqlCompiled
                << " compiled)";
    if (fe.sigmaFiles)
      std::cerr << " (Sigma rules: " << fe.sigmaFiles << " read, " << fe.sigmaCompiled << " compiled)";
    if (fe.sigmaCorrelationsRead)
      std::cerr << " (Sigma correlations: " << fe.sigmaCorrelationsRead << " read, " << fe.sigmaCorrelationsCompiled
                << " compiled)";
    std::cerr << "\n";
  }
  return diags.hasErrors() ? kRuleErrors : kOk;
}

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
  uint64_t killAfter = 0;     ///< testing: SIGKILL itself after this many input lines
  std::string cache;          ///< --cache DIR: compiled packs of earlier runs
  std::string lateness;       ///< --allowed-lateness, e.g. 5m
};

/// Where `run` writes its JSON lines: stdout, or --output FILE, whose length
/// the saved state records so that a restart cuts what the crash left
/// unrecorded (exactly-once output, docs/runtime.md).
class OutputStream {
public:
  bool open(const std::string &path, uint64_t keep, std::string &error) {
    if (path.empty())
      return true;
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0 || ::ftruncate(fd_, static_cast<off_t>(keep)) != 0 || ::lseek(fd_, static_cast<off_t>(keep), SEEK_SET) < 0) {
      error = "cannot write '" + path + "': " + std::strerror(errno);
      return false;
    }
    offset_ = keep;
    return true;
  }
  void line(const std::string &json) {
    buffer_ += json;
    buffer_ += '\n';
    if (buffer_.size() > (1 << 16))
      flush();
  }
  void flush() {
    for (size_t done = 0; done < buffer_.size();) {
      ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break; // stdout closed: nothing more to say
      done += static_cast<size_t>(n);
    }
    offset_ += buffer_.size();
    buffer_.clear();
  }
  /// Flushed and on disk: what a checkpoint records.
  uint64_t sync() {
    flush();
    if (fd_ != STDOUT_FILENO)
      ::fsync(fd_);
    return offset_;
  }
  ~OutputStream() {
    flush();
    if (fd_ != STDOUT_FILENO)
      ::close(fd_);
  }

private:
  int fd_ = STDOUT_FILENO;
  uint64_t offset_ = 0;
  std::string buffer_;
};

/// The events of one input, read once (stdin cannot be read twice, and batch
/// mode over let-table sets needs two passes), with the line each starts on.
struct EventInput {
  struct Event {
    std::string text; ///< empty for a line over the event size limit
    uint64_t size;    ///< the event's bytes (the whole line's when over the limit)
    uint64_t line;
    bool oversized;
  };
  std::string source;
  std::vector<Event> events;
};

/// "30s", "5m", "2h", "1d" as nanoseconds.
bool parseDuration(const std::string &text, int64_t &nanos) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])))
    ++digits;
  if (digits == 0 || digits > 9 || digits + 1 != text.size())
    return false;
  const int64_t n = std::stoll(text.substr(0, digits));
  switch (text.back()) {
  case 's': nanos = n * kNanosPerSecond; return true;
  case 'm': nanos = n * kNanosPerMinute; return true;
  case 'h': nanos = n * 60 * kNanosPerMinute; return true;
  case 'd': nanos = n * 24 * 60 * kNanosPerMinute; return true;
  default: return false;
  }
}

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// --cache DIR: the pack of these rule files (same bytes, Sigma
/// configuration, rulec ABI and host CPU) as an earlier run compiled it — an
/// AOT pack for the host's CPU, loaded in milliseconds — or compiled now and
/// kept there, with the diagnostics its rules gave, which a cached run shows
/// again.
int loadCachedPack(const RunFlags &flags, std::unique_ptr<LoadedPack> &loaded, bool &ruleErrors, bool &compiled) {
  compiled = false;
  DiagnosticEngine pathErrors;
  const std::vector<std::string> files = collectRuleFiles(flags.rules, pathErrors);
  if (pathErrors.hasErrors()) {
    pathErrors.print(std::cerr);
    return kRuleErrors;
  }
  const std::string key =
      hashSources(files, (sigmaConfigPath.empty() ? "" : readFile(sigmaConfigPath)) + "\ncpu:" +
                             llvm::sys::getHostCPUName().str() + "\nabi:" + std::to_string(RULEC_ABI_VERSION));
  const std::string base = flags.cache + "/" + key;
  std::string error;
  if (std::ifstream diag(base + ".diag"); diag) {
    std::string first;
    std::getline(diag, first);
    loaded = LoadedPack::open(base + ".so", error);
    if (loaded) {
      ruleErrors = first == "errors";
      // Not `cerr << diag.rdbuf()`: with nothing left to copy (no diagnostics)
      // that sets cerr's failbit, and the run's own messages were lost.
      std::stringstream rest;
      rest << diag.rdbuf();
      std::cerr << rest.str();
      return kOk;
    }
    // A damaged cache entry is compiled again.
  }
  DiagnosticEngine diags;
  Frontend fe;
  std::ostringstream text;
  const bool ok = loadRules(flags.rules, FrontendOptions{false}, flags.strict, fe, diags, text);
  std::cerr << text.str();
  if (!ok)
    return kRuleErrors;
  if (fe.compiled == 0) {
    std::cerr << "rulec: error: no rule to run\n";
    return kRuleErrors;
  }
  compiled = true;
  ::mkdir(flags.cache.c_str(), 0755);
  AotOptions options;
  options.kind = AotOptions::Kind::SharedObject;
  options.output = base + ".so.tmp" + std::to_string(::getpid());
  options.cpu = "native";
  std::ofstream diag(base + ".diag.tmp" + std::to_string(::getpid()));
  diag << (diags.hasErrors() ? "errors" : "clean") << "\n" << text.str();
  diag.close();
  // Renamed into place complete, so that concurrent runs never load half a file.
  if (!writeAotPack(fe.pack, key, options, error) || ::rename(options.output.c_str(), (base + ".so").c_str()) != 0 ||
      !diag || ::rename((base + ".diag.tmp" + std::to_string(::getpid())).c_str(), (base + ".diag").c_str()) != 0) {
    std::cerr << "rulec: error: cannot write the cache in '" << flags.cache << "': " << error << "\n";
    return kUsage;
  }
  loaded = LoadedPack::open(base + ".so", error);
  if (!loaded) {
    std::cerr << "rulec: error: " << error << "\n";
    return kUsage;
  }
  ruleErrors = diags.hasErrors();
  return kOk;
}

int runRun(const RunFlags &flags) {
  const Clock::time_point started = Clock::now();
  if (flags.rules.empty() == flags.pack.empty()) {
    std::cerr << "rulec: error: run takes rule files or --pack, one of the two\n";
    return kUsage;
  }
  std::string error;
  std::unique_ptr<JitPack> jit;
  std::unique_ptr<LoadedPack> loaded;
  bool cachedRuleErrors = false;
  bool compiledForCache = false; // --cache missed: compiled now
  DiagnosticEngine diags;
  Clock::time_point parsed = started, compiled = started; // the JIT's phases, for --timing
  if (!flags.pack.empty()) {
    loaded = LoadedPack::open(flags.pack, error);
    if (!loaded) {
      std::cerr << "rulec: error: " << error << "\n";
      return kUsage;
    }
  } else if (!flags.cache.empty()) {
    const int status = loadCachedPack(flags, loaded, cachedRuleErrors, compiledForCache);
    if (status != kOk)
      return status;
  } else {
    Frontend fe;
    if (!loadRules(flags.rules, FrontendOptions{false}, flags.strict, fe, diags))
      return kRuleErrors;
    if (fe.compiled == 0) {
      std::cerr << "rulec: error: no rule to run\n";
      return kRuleErrors;
    }
    parsed = Clock::now();
    jit = JitPack::compile(fe.pack, error);
    compiled = Clock::now();
    if (!jit) {
      std::cerr << "rulec: error: native compilation failed: " << error << "\n";
      return kRuleErrors;
    }
  }
  const PackInfo &info = jit ? jit->info() : loaded->info();
  const NativePack native = jit ? NativePack{jit->eval(), jit->severity(), jit->column()} : loaded->native();
  if (!flags.logType.empty() && info.logTypeIndex(flags.logType) == RULEC_NO_LOG_TYPE)
    std::cerr << "rulec: warning: no rule reads log type '" << flags.logType << "'\n";

  uint64_t bytes = 0; // event bytes read, newlines included
  ScanOptions options{flags.logType, flags.timeField, flags.mode == "stream", std::nullopt};
  options.literalMemo = !flags.noLiteralMemo;
  if (!flags.now.empty()) {
    int64_t now;
    if (!parseTimestamp(flags.now, now)) {
      std::cerr << "rulec: error: --now '" << flags.now << "' is not a time like 2024-01-01T00:00:00Z\n";
      return kUsage;
    }
    options.now = now;
  }
  if (!flags.lateness.empty() && !parseDuration(flags.lateness, options.allowedLateness)) {
    std::cerr << "rulec: error: --allowed-lateness '" << flags.lateness << "' is not a duration like 30s, 5m, 1h\n";
    return kUsage;
  }
  OutputStream out;
  Scanner scanner(
      info, native, options, [&](const Alert &a) { out.line(alertToJson(a, info.rules[a.rule])); },
      [&](const RuleInfo &rule, const std::string &row) { out.line(rowToJson(rule, row)); },
      [&](const CorrelationAlert &a) { out.line(correlationAlertToJson(a, info.correlations[a.correlation])); },
      std::cerr);
  scanner.setMaxGroups(flags.maxGroups);
  // The scanner holds the evaluation context (literal indexes, regexes): its
  // construction is part of loading the pack.
  const Clock::time_point ready = Clock::now();

  // Saved state: resume after the events it covers (same inputs), or go on
  // with new inputs; the output is cut back to what the state covers.
  StateHeader state;
  state.inputs = flags.events;
  uint64_t skip = 0;
  if (!flags.state.empty()) {
    bool found = false;
    if (!scanner.canSaveState(error) || (flags.mode != "stream" && !info.sets.empty() &&
                                         (error = "--state needs --mode stream with KQL let-tables", true))) {
      std::cerr << "rulec: error: " << error << "\n";
      return kUsage;
    }
    StateHeader saved;
    if (!loadStateFile(flags.state, info, saved, scanner, found, error)) {
      std::cerr << "rulec: error: " << error << "\n";
      return kUsage;
    }
    if (found && saved.inputs == flags.events)
      skip = saved.eventsConsumed;
    if (found && !flags.output.empty())
      state.outputOffset = saved.outputOffset;
  }
  if (!out.open(flags.output, state.outputOffset, error)) {
    std::cerr << "rulec: error: " << error << "\n";
    return kUsage;
  }
  uint64_t consumed = 0;
  auto checkpoint = [&] {
    if (flags.state.empty())
      return true;
    state.outputOffset = out.sync();
    state.eventsConsumed = consumed;
    if (saveStateFile(flags.state, info, state, scanner, error))
      return true;
    std::cerr << "rulec: error: " << error << "\n";
    return false;
  };
  bool stateFailed = false;
  // One input line: skipped when a saved state covers it; checkpoints.
  // `padded`: LineReader's lines, parsed in place.
  auto feed = [&](std::string_view event, uint64_t size, bool oversized, bool padded, const std::string &source,
                  uint64_t line) {
    if (++consumed <= skip)
      return;
    bytes += size + 1;
    if (oversized)
      scanner.feedOversized(size, source, line);
    else
      scanner.feed(event, source, line, padded);
    if (!flags.state.empty() && consumed % flags.checkpointEvery == 0)
      stateFailed |= !checkpoint();
    if (flags.killAfter && consumed == flags.killAfter)
      ::raise(SIGKILL); // a crash at a known point, for the restart test
  };
  // A blank line over the size limit is still a blank line, not an event.
  auto isOversized = [](const LineReader::Line &l) { return l.oversized() && !l.blank; };

  // Streams are read as they come unless batch mode needs a first pass.
  const bool twoPasses = scanner.needsTwoPasses();
  std::vector<EventInput> buffered;
  bool unreadable = false;
  auto readFailed = [&](const std::string &source, const std::string &why) {
    std::cerr << "rulec: error: cannot read events file '" << source << "': " << why << "\n";
    unreadable = true;
  };
  // A source's events: its lines, or (--events-format json) its documents.
  auto readEvents = [&](int fd, const std::string &source, std::vector<EventInput::Event> &events) {
    if (flags.format == "ndjson") {
      LineReader reader(fd, EventEvaluator::kMaxEventBytes);
      uint64_t lineNo = 0;
      for (LineReader::Line l; reader.next(l);)
        events.push_back({std::string(l.text), l.size, ++lineNo, isOversized(l)});
      if (!reader.error().empty())
        readFailed(source, reader.error());
      return;
    }
    std::string text;
    char chunk[1 << 16];
    for (ssize_t n; (n = ::read(fd, chunk, sizeof chunk)) != 0;) {
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0) {
        readFailed(source, std::strerror(errno));
        break;
      }
      text.append(chunk, static_cast<size_t>(n));
    }
    for (const JsonDocument &doc : splitJsonDocuments(text))
      events.push_back({std::string(doc.text), doc.text.size(), doc.line, false});
  };
  auto forEachInput = [&](const std::function<void(const std::string &, int fd)> &use) {
    for (const std::string &path : flags.events) {
      if (path == "-") {
        use("<stdin>", STDIN_FILENO);
        continue;
      }
      const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) {
        std::cerr << "rulec: error: cannot read events file '" << path << "'\n";
        unreadable = true;
        continue;
      }
      use(path, fd);
      ::close(fd);
    }
  };
  if (twoPasses || flags.format == "json") {
    forEachInput([&](const std::string &source, int fd) {
      buffered.push_back({source, {}});
      readEvents(fd, source, buffered.back().events);
    });
    const auto phases = twoPasses ? std::vector<Scanner::Phase>{Scanner::Phase::BuildSets, Scanner::Phase::Output}
                                  : std::vector<Scanner::Phase>{Scanner::Phase::All};
    for (auto phase : phases) {
      scanner.setPhase(phase);
      for (const EventInput &input : buffered)
        for (const EventInput::Event &e : input.events) {
          if (phase == phases.back())
            feed(e.text, e.size, e.oversized, false, input.source, e.line);
          else if (!e.oversized) // the set pass is silent
            scanner.feed(e.text, input.source, e.line);
        }
    }
  } else {
    forEachInput([&](const std::string &source, int fd) {
      LineReader reader(fd, EventEvaluator::kMaxEventBytes);
      uint64_t lineNo = 0;
      for (LineReader::Line l; reader.next(l);)
        feed(l.text, l.size, isOversized(l), true, source, ++lineNo);
      if (!reader.error().empty())
        readFailed(source, reader.error());
    });
  }
  if (!flags.keepOpen)
    scanner.finish();
  stateFailed |= !checkpoint();
  out.flush();
  if (!flags.matchCounts.empty()) {
    std::ofstream out(flags.matchCounts);
    std::string json = "[";
    for (size_t r = 0; r < info.rules.size(); ++r) {
      json += r ? ",\n{\"id\":" : "{\"id\":";
      appendJsonString(json, info.rules[r].id);
      json += ",\"matches\":" + std::to_string(scanner.stats().ruleMatches[r]) + "}";
    }
    out << json << "]\n";
    if (!out) {
      std::cerr << "rulec: error: cannot write '" << flags.matchCounts << "'\n";
      return kUsage;
    }
  }
  if (flags.timing) {
    const double load = seconds(started, ready), scan = seconds(ready, Clock::now());
    const uint64_t events = scanner.stats().lines;
    std::cerr << "rulec: timing: " << (jit || compiledForCache ? "compile " : "load ") << load << " s, scan " << scan
              << " s: " << static_cast<uint64_t>(events / scan) << " events/s, " << bytes / scan / 1e6 << " MB/s\n";
    if (jit)
      std::cerr << "rulec: timing: compile = frontend " << seconds(started, parsed) << " s + native code "
                << seconds(parsed, compiled) << " s + runtime context " << seconds(compiled, ready) << " s\n";
    const LiteralMatcher::Counts &c = scanner.literalCounts();
    if (c.scans)
      std::cerr << "rulec: prefilter: " << static_cast<double>(c.candidates) / c.scans << " of " << info.rules.size()
                << " rules ran per event\n";
    const LiteralMemo &memo = scanner.literalMemo();
    if (memo.lookups())
      std::cerr << "rulec: literal memo: " << 100.0 * static_cast<double>(memo.hits()) / memo.lookups() << "% of "
                << memo.lookups() << " field values looked up were matched before\n";
  }

  const ScanStats &s = scanner.stats();
  std::cerr << "rulec: " << s.lines << " events read, " << s.invalid << " invalid, " << s.matches
            << " matches, " << s.alerts << " alerts";
  if (s.rows)
    std::cerr << ", " << s.rows << " rows";
  if (s.signals)
    std::cerr << ", " << s.signals << " signals";
  if (s.correlations)
    std::cerr << ", " << s.correlations << " correlation alerts";
  if (s.ungrouped)
    std::cerr << ", " << s.ungrouped << " correlation inputs without group-by value";
  if (s.noLogType)
    std::cerr << ", " << s.noLogType << " without log type";
  if (s.noTime)
    std::cerr << ", " << s.noTime << " without event time";
  if (s.evicted)
    std::cerr << ", " << s.evicted << " windows closed early (--max-groups)";
  std::cerr << "\n";
  if (unreadable || stateFailed)
    return kUsage;
  if (diags.hasErrors() || cachedRuleErrors)
    return kRuleErrors;
  return s.invalid ? kBadEvents : kOk;
}

/// " (2 unsupported, 1 unknown-condition)": the first error code of each
/// rejected file, counted; empty when nothing was rejected.
std::string rejectionReasons(const DiagnosticEngine &diags) {
  std::map<std::string, DiagCode> firstError;
  for (const Diagnostic &d : diags.diagnostics())
    if (d.severity == Severity::Error)
      firstError.emplace(d.loc.file ? *d.loc.file : "", d.code);
  std::map<std::string, unsigned> counts;
  for (const auto &[file, code] : firstError)
    ++counts[diagCodeName(code)];
  std::string out;
  for (const auto &[code, n] : counts)
    out += (out.empty() ? " (" : ", ") + std::to_string(n) + " " + code;
  return out.empty() ? out : out + ")";
}

/// Checks a matching test's ExpectedTitle / ExpectedDedup / ExpectedSeverity
/// against what an alert of this event would carry; returns the mismatch.
std::string checkRendering(const panther::RuleTest &test, const RuleInfo &rule, uint32_t index,
                           const EventEvaluator &event, bool &ok) {
  std::string detail;
  auto check = [&](const char *what, const std::optional<std::string> &want, const std::string &got) {
    if (!want || *want == got)
      return;
    ok = false;
    detail += std::string(detail.empty() ? ": " : "; ") + what + " expected \"" + *want + "\", got \"" + got + "\"";
  };
  if (test.expectedTitle)
    check("title", test.expectedTitle, alertTitle(rule, event));
  if (test.expectedDedup)
    check("dedup", test.expectedDedup, dedupString(rule, event));
  if (test.expectedSeverity)
    check("severity", test.expectedSeverity, event.severity(rule, index));
  return detail.empty() ? detail : detail + " (" + test.loc.str() + ")";
}

/// Runs every rule's Tests through the JIT-compiled pack, printing lines in
/// panther_analysis_tool's shape.
int runTest(const std::vector<std::string> &paths) {
  DiagnosticEngine diags;
  Frontend fe;
  loadRules(paths, FrontendOptions{true}, false, fe, diags);
  std::string error;
  std::unique_ptr<JitPack> pack = JitPack::compile(fe.pack, error);
  if (!pack) {
    std::cerr << "rulec: error: native compilation failed: " << error << "\n";
    return kRuleErrors;
  }
  EventEvaluator evaluator(pack->info(), NativePack{pack->eval(), pack->severity(), pack->column()});
  unsigned passed = 0, failed = 0, tested = 0;
  for (uint32_t r = 0; r < fe.astOf.size(); ++r) {
    if (!fe.astOf[r])
      continue; // KQL queries carry no Tests
    const panther::Rule &rule = *fe.astOf[r];
    ++tested;
    std::cout << rule.id << "\n";
    const uint32_t ruleLogType = fe.pack.rules[r].info.logTypes.front();
    for (const panther::RuleTest &test : rule.tests) {
      // A test's LogType picks the log type; a type no rule reads runs nothing.
      const uint32_t logType =
          test.logType.empty() ? ruleLogType : pack->info().logTypeIndex(test.logType);
      bool ok;
      std::string detail;
      if (!evaluator.load(test.logJson, error)) {
        ok = false;
        detail = ": the Log is not a JSON object: " + error;
      } else {
        const auto &matched = evaluator.evaluate(logType);
        const bool result = std::find(matched.begin(), matched.end(), r) != matched.end();
        ok = result == test.expectedResult;
        if (!ok)
          detail = std::string(": expected ") + (test.expectedResult ? "true" : "false") +
                   ", got " + (result ? "true" : "false") + " (" + test.loc.str() + ")";
        else if (result)
          detail = checkRendering(test, pack->info().rules[r], r, evaluator, ok);
      }
      (ok ? passed : failed)++;
      std::cout << "\t[" << (ok ? "PASS" : "FAIL") << "] " << test.name << detail << "\n";
    }
    if (rule.tests.empty())
      std::cout << "\t(no tests)\n";
  }
  std::cout << "\n" << tested << " rules tested, " << fe.rejected << " rejected"
            << rejectionReasons(diags) << "\n";
  std::cout << passed << " passed, " << failed << " failed\n";
  return (failed || diags.hasErrors()) ? kRuleErrors : kOk;
}

struct CompileFlags {
  std::vector<std::string> rules;
  std::string output;
  std::string emit; ///< shared, object, asm; empty: from the output's extension
  std::string target;
  std::string cpu;
  bool strict = false;
};

int runCompile(const CompileFlags &flags) {
  AotOptions options;
  options.output = flags.output;
  options.triple = flags.target;
  options.cpu = flags.cpu;
  const auto endsWith = [&](const char *ext) {
    const std::string e = ext;
    return flags.output.size() >= e.size() && flags.output.compare(flags.output.size() - e.size(), e.size(), e) == 0;
  };
  const std::string emit = !flags.emit.empty() ? flags.emit
                           : endsWith(".o")    ? "object"
                           : endsWith(".s")    ? "asm"
                                               : "shared";
  options.kind = emit == "object" ? AotOptions::Kind::Object
                 : emit == "asm"  ? AotOptions::Kind::Assembly
                                  : AotOptions::Kind::SharedObject;
  DiagnosticEngine diags;
  Frontend fe;
  if (!loadRules(flags.rules, FrontendOptions{false}, flags.strict, fe, diags))
    return kRuleErrors;
  if (fe.compiled == 0) {
    std::cerr << "rulec: error: no rule to compile\n";
    return kRuleErrors;
  }
  std::string configText;
  if (!sigmaConfigPath.empty()) {
    std::ifstream in(sigmaConfigPath);
    std::stringstream text;
    text << in.rdbuf();
    configText = text.str();
  }
  std::string error;
  if (!writeAotPack(fe.pack, hashSources(collectRuleFiles(flags.rules, diags), configText), options, error)) {
    std::cerr << "rulec: error: " << error << "\n";
    return kUsage;
  }
  std::cerr << "rulec: " << fe.compiled << " rules compiled into " << flags.output << ", " << fe.rejected
            << " rejected\n";
  return diags.hasErrors() ? kRuleErrors : kOk;
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"rulec: compiles detection rules to native code and runs them on events"};
  app.require_subcommand(1);
  app.add_option("--sigma-config", sigmaConfigPath,
                 "Sigma logsource and field mapping (YAML; default: the built-in Windows one)");

  std::vector<std::string> checkRules;
  std::string emit;
  bool checkStrict = false;
  CLI::App *check = app.add_subcommand("check", "parse and compile rules; --emit dumps a stage");
  check->add_option("rules", checkRules, "rule files or directories")->required();
  check->add_option("--emit", emit, "print a stage instead: ast, ir, json (the IR), llvm, asm")
      ->check(CLI::IsMember({"ast", "ir", "json", "llvm", "asm"}));
  check->add_flag("--strict", checkStrict, "stop at the first rule with an error");

  RunFlags runFlags;
  CLI::App *run = app.add_subcommand("run", "run rules over JSON-lines events, print alerts");
  run->add_option("rules", runFlags.rules, "rule files or directories");
  run->add_option("--pack", runFlags.pack, "a pack from `rulec compile` instead of rule files");
  run->add_option("--cache", runFlags.cache,
                  "keep the compiled pack in DIR: a later run over the same rule files loads it instead of compiling");
  run->add_option("--events", runFlags.events, "JSON-lines event files ('-' for stdin)")
      ->required();
  run->add_option("--log-type", runFlags.logType,
                  "log type of events that have no p_log_type field");
  run->add_option("--time-field", runFlags.timeField,
                  "dotted path of the event time field (default: per log type)");
  run->add_flag("--strict", runFlags.strict, "refuse to run if any rule has an error");
  run->add_option("--mode", runFlags.mode,
                  "KQL let-tables: batch (sets built from all input first) or stream (filled as events arrive)")
      ->check(CLI::IsMember({"batch", "stream"}));
  run->add_option("--events-format", runFlags.format,
                  "ndjson (one JSON object per line) or json (concatenated, possibly pretty-printed documents)")
      ->check(CLI::IsMember({"ndjson", "json"}));
  run->add_flag("--timing", runFlags.timing, "print load and scan times and throughput on stderr");
  run->add_flag("--no-literal-memo", runFlags.noLiteralMemo,
                "match every field value against the literal sets anew, even one seen before (for measurements)");
  run->add_option("--state", runFlags.state,
                  "keep the stream's state (windows, correlations, sets) in FILE: a restart resumes it");
  run->add_option("--output", runFlags.output, "write alerts and rows to FILE instead of stdout (exactly once with --state)");
  run->add_option("--checkpoint-every", runFlags.checkpointEvery, "with --state: save it every N events (default 1000)")
      ->check(CLI::PositiveNumber);
  run->add_flag("--keep-open", runFlags.keepOpen,
                "at the end of input keep windows open (in --state) for the next run instead of closing them");
  run->add_option("--max-groups", runFlags.maxGroups,
                  "at most N open dedup windows and N correlation groups; more close the oldest early (counted)");
  run->add_option("--allowed-lateness", runFlags.lateness,
                  "keep windows open this long (30s, 5m, 1h) after the newest event time passes them, for late events");
  run->add_option("--kill-after", runFlags.killAfter, "testing: SIGKILL rulec after N input lines")->group("");
  run->add_option("--match-counts", runFlags.matchCounts,
                  "write each pack rule's matches to this file: a JSON array of {id, matches}, in rule order");
  run->add_option("--now", runFlags.now, "the queries' now() for ago(), e.g. 2024-01-01T00:00:00Z (default: the clock)");

  CompileFlags compileFlags;
  CLI::App *compile = app.add_subcommand("compile", "compile rules ahead of time into a pack (.so, .o or .s)");
  compile->add_option("rules", compileFlags.rules, "rule files or directories")->required();
  compile->add_option("-o,--output", compileFlags.output, "the pack: PACK.so (shared object), PACK.o, PACK.s")
      ->required();
  compile->add_option("--emit", compileFlags.emit, "shared, object or asm (default: from the output's extension)")
      ->check(CLI::IsMember({"shared", "object", "asm"}));
  compile->add_option("--target", compileFlags.target, "target triple, as LLVM spells it (default: the host's)");
  compile->add_option("--mcpu", compileFlags.cpu, "target CPU, as LLVM spells it, or native (default: generic)");
  compile->add_flag("--strict", compileFlags.strict, "refuse to compile if any rule has an error");

  std::vector<std::string> testRules;
  CLI::App *test = app.add_subcommand("test", "run each rule's Tests through the compiled code");
  test->add_option("rules", testRules, "rule files or directories")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    int code = app.exit(e);
    return code == 0 ? kOk : kUsage;
  }
  if (*check)
    return runCheck(checkRules, emit, checkStrict);
  if (*run)
    return runRun(runFlags);
  if (*compile)
    return runCompile(compileFlags);
  return runTest(testRules);
}
