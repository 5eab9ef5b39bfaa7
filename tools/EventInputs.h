//===- EventInputs.h - The events `rulec run --events` names, in order ----===//
//
// `--events` takes files, folders and '-' (stdin). A folder stands for its
// files, recursively and sorted: those with an EVTX file header and those
// named .json, .jsonl or .ndjson (others are counted and named in one note).
// A file is a Windows event log when its first bytes are EVTX's "ElfFile"
// header, whatever its name (runtime/events/EvtxReader.h: each record is the
// JSON event evtx_dump writes); else JSON lines, or with --events-format json
// concatenated JSON documents. Stdin is JSON. Each event is delivered in
// order with its source and position (line, or EVTX record id); damaged
// EVTX chunks and records are reported, counted and skipped, and the file
// goes on.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace rulec {
class LineReader;
}

namespace rulec::cli {

class EventInputs {
public:
  /// One event: its text (`padded`: SIMDJSON_PADDING readable bytes follow),
  /// its size in the input, whether it was too large to read (then `text`
  /// is empty), where it comes from.
  struct Event {
    std::string_view text;
    uint64_t size = 0;
    bool oversized = false;
    bool padded = false;
    const std::string *source = nullptr;
    uint64_t position = 0;
    /// JSON lines: the reader whose buffer `text` is in, which a caller that
    /// keeps the text past the call may hold instead of copying it. Null:
    /// `text` is valid during the call only.
    const LineReader *lines = nullptr;
  };
  using Deliver = std::function<void(const Event &)>;

  struct Stats {
    uint64_t evtxFiles = 0, evtxRecords = 0, evtxDamagedRecords = 0, evtxDamagedChunks = 0, evtxRecovered = 0;
    uint64_t skippedFiles = 0; ///< in folders: neither EVTX nor JSON by name
    bool unreadable = false;   ///< some input could not be read
  };

  /// `format`: ndjson or json (--events-format). Problems go to `diag`.
  EventInputs(const std::vector<std::string> &paths, std::string format, std::ostream &diag);

  /// Whether an input is stdin (read as it comes).
  bool readsStdin() const;
  /// Reads every input in order.
  void read(const Deliver &deliver);
  const Stats &stats() const { return stats_; }

  /// Problems of one kind printed at most (the summary counts all).
  static constexpr uint64_t kMaxMessages = 100;

private:
  void readJsonLines(int fd, const std::string &source, const Deliver &deliver);
  void readJsonDocuments(int fd, const std::string &source, const Deliver &deliver);
  void readEvtx(const std::string &path, const Deliver &deliver);
  void failed(const std::string &source, const std::string &why);

  std::vector<std::string> files_; ///< "-" for stdin
  std::string format_;
  std::ostream &diag_;
  Stats stats_;
  uint64_t evtxMessages_ = 0;
};

} // namespace rulec::cli
