//===- LineReader.h - JSON lines from a file descriptor, without copies ---===//
//
// Events arrive as newline-delimited JSON. std::getline read them through an
// 8 KiB stream buffer and copied each line into a string, which simdjson then
// copied again to pad it: on this project's VMs (where a system call is dear)
// getline alone took 0.055 s for 181 MB. With this reader the parse-only
// limit went 0.117 -> 0.089 s and a one-rule Sigma scan 0.157 -> 0.127 s.
// The reader fills a large buffer with read(2) and hands out views
// of its lines in place. The buffer always has kPadding readable bytes after
// its data, so a line can go to simdjson as it is (simdjson reads, but does
// not use, up to SIMDJSON_PADDING bytes past a document; their content does
// not matter).
//
// Lines are split as std::getline splits them: at '\n' only; a last line
// without a newline is a line; nothing after a final newline is. A line
// longer than the limit is not buffered: its bytes are counted and skipped,
// so one huge line costs neither memory nor the lines after it. The reader
// returns what read(2) has, so a pipe's events are processed as they come.
//
// A caller that evaluates lines later (on other threads, in batches) holds
// the buffer they are in (hold()) instead of copying them: while it is
// held the reader reads on into another buffer, one that no one holds any
// more or a new one, and moves only the unread partial line there.
//
// bench/parse_only.cpp (the benchmark's limit) reads through this class too,
// so the limit and `rulec run` read events the same way.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace rulec {

class LineReader {
public:
  /// Readable bytes after every line (simdjson::SIMDJSON_PADDING, checked
  /// where both are seen: EventEvaluator.cpp).
  static constexpr size_t kPadding = 64;

  struct Line {
    /// The line without its newline, followed by kPadding readable bytes.
    /// Empty for an oversized line.
    std::string_view text;
    /// The line's length in bytes; more than text.size() only when the line
    /// was over the limit and skipped.
    uint64_t size = 0;
    /// An oversized line held only spaces, tabs and carriage returns.
    bool blank = false;
    bool oversized() const { return size > text.size(); }
  };

  /// Reads `fd` (not closed here). Lines of more than `maxLine` bytes are
  /// skipped as oversized.
  LineReader(int fd, size_t maxLine);

  /// The next line; false at the end of the input or on a read error.
  bool next(Line &line);

  /// The read error that ended the input (errno text), if any.
  const std::string &error() const { return error_; }

  /// Holds the buffer the last line is in: while the result lives, that
  /// line's text (and its padding) stays valid and unchanged.
  std::shared_ptr<const void> hold() const { return buffer_; }
  /// The buffer the last line is in (lines in the same one need one hold()).
  const void *buffer() const { return buffer_.get(); }

private:
  /// Reads more after end_; false at the end of the input or on an error.
  bool fill();
  /// Makes room at the end: moves the unread bytes to the front (of another
  /// buffer while this one is held), or grows.
  void makeRoom();
  /// Someone holds buffer_ (hold()): it must not change.
  bool held() const;
  /// A buffer of `capacity` data bytes no one else holds (a spare or new).
  std::shared_ptr<char[]> freeBuffer(size_t capacity);

  int fd_;
  size_t maxLine_;
  /// Every buffer: the one in use, those held, free ones of its capacity.
  struct Spare {
    std::shared_ptr<char[]> data;
    size_t capacity;
  };
  std::vector<Spare> spares_;
  std::shared_ptr<char[]> buffer_;  size_t capacity_ = 0; ///< data bytes; the allocation has kPadding more
  size_t begin_ = 0;    ///< first unread byte
  size_t end_ = 0;      ///< end of the data read
  size_t searched_ = 0; ///< bytes from begin_ known to hold no newline
  bool eof_ = false;
  std::string error_;
};

} // namespace rulec
