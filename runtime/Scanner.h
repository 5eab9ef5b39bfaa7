//===- Scanner.h - A stream of events through a pack ----------------------===//
//
// For each event an EventWorker parses it, finds its log type and time and
// runs the pack (EventWorker.h); the Scanner applies the outcome in event
// order and acts on every match by the rule's kind (PackInfo.h):
// Panther rules go to the Alerter with their dedup string; KQL queries print
// result rows; KQL let-tables add to their sets; KQL summarize rules fold into
// the Aggregator, whose rows run back through the pack; rules named by Sigma
// correlations feed the Correlator. A line that is not a JSON
// object is counted and reported with its line number; the stream goes on.
// A batch of events may be evaluated on several threads, each worker with its
// own evaluation context, and applied in order: the same alerts and rows as
// one thread. See docs/runtime.md and docs/kql.md.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "EventEvaluator.h"
#include "EventWorker.h"
#include "packs/ByteCodec.h"
#include "packs/PackInfo.h"
#include "state/Aggregator.h"
#include "state/TableOperators.h"
#include "state/Alerter.h"
#include "state/Correlator.h"
#include "schedule/AnalyticReplay.h"

#include <cstdint>
#include <deque>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>

namespace rulec {

struct ScanOptions {
  /// Log type of events without a `p_log_type` or `Type` field; empty: none.
  std::string defaultLogType;
  /// Field holding the event time for every log type; empty: per log type
  /// (defaultTimeFields()).
  std::string timeField;
  /// KQL let-table sets: false (batch) builds them from the whole input
  /// before any query runs, as Kusto does; true (streaming) fills them as
  /// events arrive and drops members older than the table's ago() window.
  bool streaming = false;
  /// The queries' now() in ns; unset: the wall clock when the scan starts.
  std::optional<int64_t> now;
  /// Windows close this long (ns) after the newest event time passes their
  /// end, so that events up to this late still join them.
  int64_t allowedLateness = 0;
  /// Field values seen before reuse their literal matches (LiteralMemo.h).
  bool literalMemo = true;
  /// Streaming: the most a KQL join keeps in its window, per join; over it
  /// the scan throws OperatorLimitError (TableOperators.h).
  uint64_t operatorMaxBytes = TableOperators::kDefaultMaxBytes;
  /// Per pack rule: whether it runs (its matches are applied); empty: all.
  std::vector<uint8_t> ruleEnabled;
  /// Scheduled Sentinel rules are replayed as alerts (AnalyticReplay.h),
  /// from `replayStart` on if set; false: the replay's own runs.
  bool replay = true;
  std::optional<int64_t> replayStart;
  /// Another scan's literal indexes of the same pack, to share (the
  /// replay's runs); null: built.
  std::shared_ptr<const LiteralDatabases> literals;
};

struct ScanStats {
  uint64_t lines = 0;          ///< non-empty lines read
  uint64_t events = 0;         ///< lines that were JSON objects
  uint64_t invalid = 0;        ///< lines that were not
  uint64_t noLogType = 0;      ///< events without a log type (no rule ran)
  uint64_t noTime = 0;         ///< events without a usable time
  uint64_t matches = 0;        ///< rule matches
  uint64_t signals = 0;        ///< matches of rules with CreateAlert: false
  uint64_t alerts = 0;         ///< alerts emitted
  uint64_t rows = 0;           ///< KQL result rows emitted
  uint64_t correlations = 0;   ///< Sigma correlation alerts emitted
  uint64_t ungrouped = 0;      ///< correlation inputs without a value for a group-by field
  uint64_t evicted = 0;        ///< windows and groups closed early by the --max-groups bound
  std::vector<uint64_t> ruleMatches; ///< per pack rule: its matches (set builders not counted)
};

class ThreadPool;

class Scanner {
public:
  /// At most this many messages per kind of problem go to `diag`; the
  /// counts in stats() are always complete.
  static constexpr uint64_t kMaxMessages = 100;

  /// A KQL result row: the query rule and the row as a JSON object.
  using RowSink = std::function<void(const RuleInfo &, const std::string &row)>;
  /// A scheduled Sentinel rule's alert, as a JSON object (AnalyticAlert.h).
  using AnalyticSink = std::function<void(const AnalyticRuleSpec &, const std::string &alert)>;

  /// Batch mode over a pack that builds sets or has toscalar() reads its
  /// input twice: first in BuildSets (only let-tables and toscalar()
  /// sub-queries run), then in Output. Otherwise: All.
  enum class Phase { All, BuildSets, Output };

  Scanner(const PackInfo &pack, NativePack code, ScanOptions options, Alerter::Sink alerts,
          RowSink rows, Correlator::Sink correlations, AnalyticSink analytic, std::ostream &diag);
  ~Scanner();

  /// Whether the input must be fed twice (batch mode with let-table sets).
  bool needsTwoPasses() const;
  /// Leaving BuildSets flushes the first pass's plan (toscalar() sub-queries).
  void setPhase(Phase phase);

  /// Times each rule (EventEvaluator::setProfile), in every worker; false
  /// when the pack exports no rule table. profile() sums the workers'.
  bool setProfile(bool on);
  RuleProfile profile() const;

  /// Evaluates batches (feedBatch) on `n` threads, each with its own
  /// evaluation context. Packs with KQL let-table sets or summarize keep one:
  /// their state lives in the evaluation context. threads() tells.
  void setThreads(unsigned n);
  unsigned threads() const { return 1 + static_cast<unsigned>(extraWorkers_.size()); }

  /// Feeds one line of a JSON-lines stream; `source:lineNo` names it.
  /// `padded`: as for EventEvaluator::load.
  void feed(std::string_view line, const std::string &source, uint64_t lineNo, bool padded = false);
  /// Runs the rows of the pack's KQL sources (PackInfo::sources: datatable,
  /// print, range) as events of their log types: at the start of each pass,
  /// before any input.
  void feedSources();
  /// A line of `bytes` bytes that was too large to read (LineReader skips
  /// them): an invalid line, as feed() would report it.
  void feedOversized(uint64_t bytes, const std::string &source, uint64_t lineNo);

  /// Events of a batch, in stream order; each text is followed by
  /// SIMDJSON_PADDING readable bytes.
  struct BatchEvent {
    std::string_view text;
    const std::string *source;
    uint64_t lineNo;
    uint64_t oversizedBytes; ///< non-zero: a line too large to read (text empty)
  };
  /// Feeds a batch: evaluated on threads() threads, applied in order, as
  /// feeding each event would. With several threads the batch is applied at
  /// the next feedBatch(), drainBatches() or finish(), while the threads
  /// evaluate the next batch: it must stay valid until then (alternate two).
  void feedBatch(const std::vector<BatchEvent> &batch);
  /// Applies the batch feedBatch() left pending (stats() is then complete).
  void drainBatches();

  /// End of input: emits the alerts of every open window.
  void finish();

  const ScanStats &stats() const { return stats_; }
  /// The scheduled rules' replay, if the pack has such rules.
  const AnalyticReplay *replay() const { return replay_.get(); }
  /// The prefilter's counts (LiteralMatcher.h), over all workers.
  LiteralMatcher::Counts literalCounts() const;
  /// Field values the literal memo looked up and had matched before, over
  /// all workers (LiteralMemo.h).
  uint64_t memoLookups() const;
  uint64_t memoHits() const;

  /// Bounds the open windows and correlation groups (each; 0: no bound).
  void setMaxGroups(size_t n);

  /// Whether this pack's state can be saved: KQL summarize groups and the
  /// rows of sort, join and bag_unpack cannot yet (outside scheduled rules,
  /// whose replay keeps events, not rows).
  bool canSaveState(std::string &why) const;
  /// Everything the stream has built up: open windows, correlation groups,
  /// let-table sets, distinct rows, the counts. StateFile.h frames it.
  void saveState(bytes::Writer &w) const;
  void loadState(bytes::Reader &r);

private:
  /// Applies one evaluated event in stream order. `loaded`: the worker that
  /// still holds the event (one thread), which let-table sets, summarize
  /// and alert descriptions read; null when it has moved on.
  void apply(const EventOutcome &outcome, EventWorker *loaded, std::string_view text, const std::string &source,
             uint64_t lineNo);
  bool enabled(uint32_t rule) const { return options_.ruleEnabled.empty() || options_.ruleEnabled[rule]; }
  void addToSet(uint32_t rule, int64_t time);
  void feedRow(uint32_t logType, const std::string &row, int64_t time);
  /// Counts and sends a row (within `take`, and once when the rule keeps
  /// rows distinct).
  void emitRow(uint32_t rule, const std::string &row, int64_t time);
  std::string rowBuffer_; ///< feedRow's rows
  void message(uint64_t count, const std::string &where, const std::string &what);
  template <typename F> uint64_t sumOverWorkers(F &&f) const;

  const PackInfo &pack_;
  ScanOptions options_;
  NativePack code_;
  EventWorker worker_;
  std::vector<std::unique_ptr<EventWorker>> extraWorkers_;
  std::unique_ptr<ThreadPool> pool_;
  /// Events a pool thread takes at a time.
  static constexpr size_t kChunk = 64;
  void applyBatch(const std::vector<BatchEvent> &batch, const std::vector<EventOutcome> &outcomes);
  const std::vector<BatchEvent> *pending_ = nullptr; ///< the batch being evaluated, applied next
  std::vector<EventOutcome> outcomes_, nextOutcomes_; ///< the previous batch's, the pending one's
  std::vector<std::unique_ptr<RuleProfile>> profiles_; ///< per worker, when profiling
  EventOutcome single_;                ///< of feed()'s event
  Alerter alerter_;
  Aggregator aggregator_;
  TableOperators operators_;
  /// Rows operators pass on (union, mv-expand, stream joins) while an event
  /// or row is being applied (evaluating_): run after it, since running them
  /// at once would load them into the evaluator that other rules of that
  /// event still read. Rows a flush makes run at once.
  struct QueuedRow {
    uint32_t logType;
    std::string row;
    int64_t time;
  };
  std::deque<QueuedRow> queuedRows_;
  bool drainingRows_ = false;
  bool evaluating_ = false;
  /// Sets a flag for as long as it lives, or until end().
  struct Evaluating {
    bool &flag;
    bool outer;
    explicit Evaluating(bool &f) : flag(f), outer(f) { flag = true; }
    void end() { flag = outer; }
    ~Evaluating() { flag = outer; }
  };
  void drainRows();
  /// Flushes the summarizes and operators of one pass (RuleInfo::firstPass) in plan order.
  void flushPlan(bool firstPass);
  simdjson::dom::parser scalarParser_; ///< toscalar() rows
  bool feedingSources_ = false; ///< feedSources() runs: rows without an event time of their own
  Correlator correlator_;
  std::unique_ptr<AnalyticReplay> replay_;
  RowSink rows_;
  std::ostream &diag_;
  ScanStats stats_;
  Phase phase_ = Phase::All;
  int64_t lastTime_ = 0;
  /// Some rule outside the replay keeps a time window: events without a
  /// time are reported for every log type, not only the replay's.
  bool timeNeededElsewhere_ = false;
  std::vector<std::unordered_set<std::string>> distinctRows_; ///< per rule
  std::vector<int64_t> rowCounts_;                            ///< per rule
};

} // namespace rulec
