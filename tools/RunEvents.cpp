//===- RunEvents.cpp ------------------------------------------------------===//
#include "RunEvents.h"

#include "output/AlertJson.h"
#include "events/EventTime.h"
#include "events/JsonDocuments.h"
#include "output/JsonString.h"
#include "events/LineReader.h"
#include "EventInputs.h"
#include "Scanner.h"
#include "state/StateFile.h"
#include "state/TableOperators.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif
#include <deque>
#include <sched.h>
#include <simdjson.h>
#include <thread>
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

/// Events gathered for Scanner::feedBatch. JSON lines stay in the reader's
/// buffers, which the batch holds until it is cleared (no copy: the main
/// thread's copying was the serial part of a two-thread run); other events
/// (EVTX records, JSON documents) are copied into one buffer, each followed
/// by simdjson's padding (parsed in place).
class EventBatch {
public:
  void add(const EventInputs::Event &e) {
    if (sources_.empty() || sources_.back() != *e.source)
      sources_.push_back(*e.source);
    const std::string_view text = e.oversized ? std::string_view() : e.text;
    bytes_ += text.size();
    if (e.lines && e.padded) {
      if (e.lines->buffer() != lastHeld_) {
        held_.push_back(e.lines->hold());
        lastHeld_ = e.lines->buffer();
      }
      copiedAt_.push_back(kHeld);
      events_.push_back({text, &sources_.back(), e.position, e.oversized ? e.size : 0});
      return;
    }
    copiedAt_.push_back(copied_.size());
    events_.push_back({std::string_view(nullptr, text.size()), &sources_.back(), e.position, e.oversized ? e.size : 0});
    copied_.append(text);
    copied_.append(simdjson::SIMDJSON_PADDING, ' ');
  }
  bool full() const { return events_.size() >= kEvents || bytes_ >= kBytes; }
  /// The events, copied texts pointing into the buffer (which no longer grows).
  const std::vector<Scanner::BatchEvent> &events() {
    for (size_t i = 0; i < events_.size(); ++i)
      if (copiedAt_[i] != kHeld)
        events_[i].text = std::string_view(copied_.data() + copiedAt_[i], events_[i].text.size());
    return events_;
  }
  void clear() {
    copied_.clear();
    copiedAt_.clear();
    held_.clear();
    lastHeld_ = nullptr;
    bytes_ = 0;
    events_.clear();
    while (sources_.size() > 1)
      sources_.pop_front();
  }

private:
  /// A batch is a few milliseconds of work: threads wait for the slowest
  /// share at its end, and the main thread reads the next one meanwhile.
  static constexpr size_t kEvents = 1024, kBytes = size_t(16) << 20;
  static constexpr size_t kHeld = SIZE_MAX; ///< copiedAt_: the text is in a held buffer
  std::string copied_;
  std::vector<size_t> copiedAt_;
  std::vector<std::shared_ptr<const void>> held_; ///< the reader buffers the held texts are in
  const void *lastHeld_ = nullptr;
  size_t bytes_ = 0; ///< the events' texts, held or copied
  std::vector<Scanner::BatchEvent> events_;
  std::deque<std::string> sources_; ///< a deque: the events point at them
};

/// The cores this process may run on (its affinity mask: `taskset -c 0` is one).
unsigned availableCores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0)
    return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

/// The time-stamp counter EventEvaluator's profile counts in.
uint64_t ticks() {
#if defined(__x86_64__)
  return __rdtsc();
#else
  return static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
#endif
}

/// --profile-rules N: the N rules whose code took longest, with the shared
/// cost of literal matching, in seconds of the scan (the counter's ticks
/// over the scan's wall time give the rate).
void printProfile(const Scanner &scanner, const PackInfo &info, unsigned top, double scanSeconds, uint64_t scanTicks) {
  const RuleProfile p = scanner.profile();
  const double perTick = scanTicks ? scanSeconds / static_cast<double>(scanTicks) : 0;
  const uint64_t events = std::max<uint64_t>(1, scanner.stats().events);
  uint64_t ruleTicks = 0;
  std::vector<uint32_t> order;
  for (uint32_t r = 0; r < info.rules.size() && r < p.cycles.size(); ++r) {
    ruleTicks += p.cycles[r];
    if (p.runs[r])
      order.push_back(r);
  }
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return p.cycles[a] > p.cycles[b]; });
  std::fprintf(stderr,
               "rulec: profile: %.3f s of a %.3f s scan (%u thread%s) in rules, %.3f s in literal matching and the "
               "prefilter (%.2f us an event); the rest reads, parses and applies events\n",
               ruleTicks * perTick, scanSeconds, scanner.threads(), scanner.threads() > 1 ? "s, summed" : "",
               p.scanCycles * perTick, p.scanCycles * perTick / events * 1e6);
  std::fprintf(stderr, "rulec: profile: %9s %6s %9s %8s %8s  %s\n", "seconds", "share", "runs", "us/run", "matches",
               "rule");
  for (size_t i = 0; i < order.size() && i < top; ++i) {
    const uint32_t r = order[i];
    const double s = p.cycles[r] * perTick;
    std::fprintf(stderr, "rulec: profile: %9.4f %5.1f%% %9llu %8.3f %8llu  %s (%s)\n", s,
                 ruleTicks ? 100.0 * static_cast<double>(p.cycles[r]) / static_cast<double>(ruleTicks) : 0.0,
                 static_cast<unsigned long long>(p.runs[r]), s / static_cast<double>(p.runs[r]) * 1e6,
                 static_cast<unsigned long long>(scanner.stats().ruleMatches[r]), info.rules[r].id.c_str(),
                 info.rules[r].sourceFile.c_str());
  }
}

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

/// runEvents, but a stream operator over its memory limit throws.
static int scanEvents(const RunFlags &flags, const ReadyPack &pack) {
  const PackInfo &info = pack.info;
  const NativePack native = pack.native;
  const Clock::time_point started = pack.started;
  std::string error;
  if (!flags.logType.empty() && info.logTypeIndex(flags.logType) == RULEC_NO_LOG_TYPE)
    std::cerr << "rulec: warning: no rule reads log type '" << flags.logType << "'\n";

  uint64_t bytes = 0; // event bytes read, newlines included
  ScanOptions options{flags.logType, flags.timeField, flags.mode == "stream", std::nullopt};
  options.literalMemo = !flags.noLiteralMemo;
  options.operatorMaxBytes = flags.maxOperatorMiB << 20;
  if (!flags.now.empty()) {
    int64_t now;
    if (!parseTimestamp(flags.now, now)) {
      std::cerr << "rulec: error: --now '" << flags.now << "' is not a time like 2024-01-01T00:00:00Z\n";
      return kUsage;
    }
    options.now = now;
  }
  options.replay = !flags.noReplay;
  if (!flags.replayStart.empty()) {
    int64_t start;
    if (!parseTimestamp(flags.replayStart, start)) {
      std::cerr << "rulec: error: --replay-start '" << flags.replayStart
                << "' is not a time like 2024-01-01T00:00:00Z\n";
      return kUsage;
    }
    options.replayStart = start;
  }
  if (!flags.lateness.empty() && !parseDuration(flags.lateness, options.allowedLateness)) {
    std::cerr << "rulec: error: --allowed-lateness '" << flags.lateness << "' is not a duration like 30s, 5m, 1h\n";
    return kUsage;
  }
  if (std::string why; options.streaming && !TableOperators::streamable(info, options.replay, why)) {
    std::cerr << "rulec: error: --mode stream: " << why << "\n";
    return kUsage;
  }
  OutputStream out;
  Scanner scanner(
      info, native, options, [&](const Alert &a) { out.line(alertToJson(a, info.rules[a.rule])); },
      [&](const RuleInfo &rule, const std::string &row) { out.line(flags.rowsOnly ? row : rowToJson(rule, row)); },
      [&](const CorrelationAlert &a) { out.line(correlationAlertToJson(a, info.correlations[a.correlation])); },
      [&](const AnalyticRuleSpec &, const std::string &alert) { out.line(alert); }, std::cerr);
  scanner.setMaxGroups(flags.maxGroups);
  // Each thread has an evaluation context of its own (literal indexes are shared).
  EventInputs inputs(flags.events, flags.format, std::cerr);
  // Threads: the cores this process may use, for files (stdin is read as it
  // comes: one thread, no batches); one with saved state, whose checkpoints
  // fall between events.
  unsigned threads = flags.threads ? flags.threads : availableCores();
  if (inputs.readsStdin() && !flags.threads)
    threads = 1;
  if (!flags.state.empty())
    threads = 1;
  scanner.setThreads(threads);
  if (flags.profileRules && !scanner.setProfile(true)) {
    std::cerr << "rulec: error: --profile-rules: the pack exports no rule table (compile it again with this rulec)\n";
    return kUsage;
  }
  // The scanner holds the evaluation contexts (literal indexes, regexes):
  // their construction is part of loading the pack.
  const Clock::time_point ready = Clock::now();

  // Saved state: resume after the events it covers (same inputs), or go on
  // with new inputs; the output is cut back to what the state covers.
  StateHeader state;
  state.inputs = flags.events;
  uint64_t skip = 0;
  if (!flags.state.empty()) {
    bool found = false;
    if (!scanner.canSaveState(error) ||
        (flags.mode != "stream" && !info.sets.empty() &&
         (error = "--state needs --mode stream with KQL let-tables", true)) ||
        (flags.mode != "stream" && scanner.replay() &&
         (error = "--state needs --mode stream with scheduled Sentinel rules (batch mode keeps every event until "
                  "the end of input)",
          true))) {
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
  const Clock::time_point scanStart = Clock::now();
  const uint64_t ticksStart = ticks();
  if (flags.threads > 1 && scanner.threads() == 1)
    std::cerr << "rulec: note: --threads " << flags.threads
              << (flags.state.empty() ? ": this pack keeps KQL let-table sets or summarize state in its evaluation "
                                        "context; one thread evaluates"
                                      : ": with --state one thread evaluates")
              << "\n";

  // Streams are read as they come unless batch mode needs a first pass.
  const bool twoPasses = scanner.needsTwoPasses();
  if (!twoPasses && skip == 0)
    scanner.feedSources(); // rows of KQL datatable/print/range, before any input
  if (twoPasses) {
    // Let-table sets: every event twice, so the inputs are kept.
    std::vector<EventInput> buffered;
    inputs.read([&](const EventInputs::Event &e) {
      if (buffered.empty() || buffered.back().source != *e.source)
        buffered.push_back({*e.source, {}});
      buffered.back().events.push_back(
          {std::string(e.oversized ? std::string_view() : e.text), e.size, e.position, e.oversized});
    });
    for (auto phase : {Scanner::Phase::BuildSets, Scanner::Phase::Output}) {
      scanner.setPhase(phase);
      if (skip == 0) // a resumed run fed them before its state was saved
        scanner.feedSources();
      for (const EventInput &input : buffered)
        for (const EventInput::Event &e : input.events) {
          if (phase == Scanner::Phase::Output)
            feed(e.text, e.size, e.oversized, false, input.source, e.line);
          else if (!e.oversized) // the set pass is silent
            scanner.feed(e.text, input.source, e.line);
        }
    }
  } else if (scanner.threads() > 1) {
    // Batches of events, evaluated on the threads and applied in order; two
    // of them, as the scanner evaluates one while this reads the other.
    EventBatch batches[2];
    int filling = 0;
    inputs.read([&](const EventInputs::Event &e) {
      bytes += e.size + 1;
      ++consumed;
      EventBatch &batch = batches[filling];
      batch.add(e);
      if (batch.full()) {
        scanner.feedBatch(batch.events());
        filling ^= 1;
        batches[filling].clear(); // the scanner is done with it: it applied it
      }
    });
    scanner.feedBatch(batches[filling].events());
    scanner.drainBatches();
  } else {
    inputs.read(
        [&](const EventInputs::Event &e) { feed(e.text, e.size, e.oversized, e.padded, *e.source, e.position); });
  }
  const bool unreadable = inputs.stats().unreadable;
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
    const LiteralMatcher::Counts c = scanner.literalCounts();
    if (c.scans)
      std::cerr << "rulec: prefilter: " << static_cast<double>(c.candidates) / c.scans << " of " << info.rules.size()
                << " rules ran per event\n";
    if (scanner.memoLookups())
      std::cerr << "rulec: literal memo: " << 100.0 * static_cast<double>(scanner.memoHits()) / scanner.memoLookups()
                << "% of " << scanner.memoLookups() << " field values looked up were matched before\n";
    if (scanner.threads() > 1)
      std::cerr << "rulec: timing: " << scanner.threads() << " threads\n";
  }

  if (flags.profileRules)
    printProfile(scanner, info, flags.profileRules, seconds(scanStart, Clock::now()), ticks() - ticksStart);

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
      {s.evicted, "windows closed early (--max-groups)"},
      {inputs.stats().evtxDamagedRecords, "damaged EVTX records"},
      {inputs.stats().evtxDamagedChunks, "damaged EVTX chunks"},
      {inputs.stats().evtxRecovered, "EVTX records recovered from slack space (not evaluated)"}};
  for (const auto &[count, what] : others)
    if (count)
      std::cerr << ", " << count << " " << what;
  std::cerr << "\n";
  if (const AnalyticReplay *replay = scanner.replay()) {
    const AnalyticReplay::Stats &r = replay->stats();
    const size_t windowed = std::count_if(info.analyticRules.begin(), info.analyticRules.end(),
                                          [](const AnalyticRuleSpec &a) { return a.hunting; });
    const size_t scheduled = info.analyticRules.size() - windowed;
    if (scheduled)
      std::cerr << "rulec: scheduled rules: " << scheduled << " replayed";
    if (windowed && options.streaming)
      std::cerr << (scheduled ? ", " : "rulec: windowed queries: ") << windowed << (scheduled ? " windowed" : "");
    std::cerr << ", " << r.runs << " runs";
    if (scheduled)
      std::cerr << ", " << r.alerts << " alerts";
    if (r.suppressed)
      std::cerr << ", " << r.suppressed << " runs suppressed";
    if (r.late)
      std::cerr << ", " << r.late << " late events";
    if (r.untimed)
      std::cerr << ", " << r.untimed << " events without a usable time (in no run)";
    std::cerr << "\n";
  }
  if (unreadable || stateFailed)
    return kUsage;
  if (pack.ruleErrors)
    return kRuleErrors;
  // Damaged EVTX records are bad events as invalid lines are; records
  // recovered from slack space are a note, not damage.
  return s.invalid || inputs.stats().evtxDamagedRecords || inputs.stats().evtxDamagedChunks ? kBadEvents : kOk;
}

int runEvents(const RunFlags &flags, const ReadyPack &pack) {
  try {
    return scanEvents(flags, pack);
  } catch (const OperatorLimitError &e) {
    std::cerr << "rulec: error: " << e.what() << " (--max-operator-memory " << flags.maxOperatorMiB << ")\n";
    return kLimit;
  }
}

} // namespace rulec::cli
