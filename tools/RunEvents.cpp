//===- RunEvents.cpp ------------------------------------------------------===//
#include "RunEvents.h"

#include "output/AlertJson.h"
#include "events/EventTime.h"
#include "events/JsonDocuments.h"
#include "output/JsonString.h"
#include "events/LineReader.h"
#include "Scanner.h"
#include "state/StateFile.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace rulec::cli {

namespace {

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

} // namespace

double seconds(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::unique_ptr<LoadedPack> cachedPack(const RunFlags &flags, const std::string &key, bool &ruleErrors) {
  const std::string base = flags.cache + "/" + key;
  std::ifstream diag(base + ".diag");
  if (!diag)
    return nullptr;
  std::string first, error;
  std::getline(diag, first);
  std::unique_ptr<LoadedPack> loaded = LoadedPack::open(base + ".so", error);
  if (!loaded)
    return nullptr; // a damaged cache entry is compiled again
  ruleErrors = first == "errors";
  // Not `cerr << diag.rdbuf()`: with nothing left to copy (no diagnostics)
  // that sets cerr's failbit, and the run's own messages were lost.
  std::stringstream rest;
  rest << diag.rdbuf();
  std::cerr << rest.str();
  return loaded;
}

int runEvents(const RunFlags &flags, const ReadyPack &pack) {
  const PackInfo &info = pack.info;
  const NativePack native = pack.native;
  const Clock::time_point started = pack.started;
  std::string error;
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
    std::cerr << "rulec: timing: " << (pack.compiled ? "compile " : "load ") << load << " s, scan " << scan
              << " s: " << static_cast<uint64_t>(events / scan) << " events/s, " << bytes / scan / 1e6 << " MB/s\n";
    if (pack.jit)
      std::cerr << "rulec: timing: compile = frontend " << seconds(started, pack.parsed) << " s + native code "
                << seconds(pack.parsed, pack.compiledAt) << " s + runtime context " << seconds(pack.compiledAt, ready)
                << " s\n";
    if (pack.cached)
      std::cerr << "rulec: timing: load = rule files " << seconds(started, pack.parsed) << " s + pack "
                << seconds(pack.parsed, pack.compiledAt) << " s + runtime context " << seconds(pack.compiledAt, ready)
                << " s\n";
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
  // The rest only when it happened.
  const std::pair<uint64_t, const char *> others[] = {
      {s.rows, "rows"},
      {s.signals, "signals"},
      {s.correlations, "correlation alerts"},
      {s.ungrouped, "correlation inputs without group-by value"},
      {s.noLogType, "without log type"},
      {s.noTime, "without event time"},
      {s.evicted, "windows closed early (--max-groups)"}};
  for (const auto &[count, what] : others)
    if (count)
      std::cerr << ", " << count << " " << what;
  std::cerr << "\n";
  if (unreadable || stateFailed)
    return kUsage;
  if (pack.ruleErrors)
    return kRuleErrors;
  return s.invalid ? kBadEvents : kOk;
}


} // namespace rulec::cli
