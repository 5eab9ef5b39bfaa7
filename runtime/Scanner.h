//===- Scanner.h - A stream of JSON-lines events through a pack -----------===//
//
// For each line: parse, find the log type (the event's `p_log_type`, else the
// stream's default), read the event time, run the pack, and hand every match
// to the Alerter with its rendered title and dedup string. A line that is not
// a JSON object is counted and reported with its line number; the stream goes
// on. See docs/runtime.md.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "Alerter.h"
#include "EventEvaluator.h"
#include "PackInfo.h"

#include <cstdint>
#include <iosfwd>
#include <string>

namespace rulec {

struct ScanOptions {
  /// Log type of events without a `p_log_type` field; empty: none.
  std::string defaultLogType;
  /// Field holding the event time for every log type; empty: per log type
  /// (defaultTimeField()).
  std::string timeField;
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
};

class Scanner {
public:
  /// At most this many messages per kind of problem go to `diag`; the
  /// counts in stats() are always complete.
  static constexpr uint64_t kMaxMessages = 100;

  Scanner(const PackInfo &pack, NativePack code, ScanOptions options, Alerter::Sink sink,
          std::ostream &diag);

  /// Feeds one line of a JSON-lines stream; `source:lineNo` names it.
  void feed(const std::string &line, const std::string &source, uint64_t lineNo);

  /// End of input: emits the alerts of every open window.
  void finish();

  const ScanStats &stats() const { return stats_; }

private:
  bool eventTime(uint32_t logType, int64_t &nanos) const;
  void describe(Alert &alert) const;
  void message(uint64_t count, const std::string &where, const std::string &what);

  const PackInfo &pack_;
  ScanOptions options_;
  uint32_t defaultLogType_;
  EventEvaluator evaluator_;
  Alerter alerter_;
  std::ostream &diag_;
  ScanStats stats_;
  int64_t lastTime_ = 0;
  std::vector<std::string> timeFieldNames_; ///< per log type
};

} // namespace rulec
