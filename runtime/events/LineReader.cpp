//===- LineReader.cpp -----------------------------------------------------===//
#include "events/LineReader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace rulec {

namespace {

/// What one read(2) asks for at first: large enough that the system calls
/// cost nothing next to parsing, small enough to stay in the L2 cache's
/// neighbourhood (64 KiB and 1 MiB read 181 MB equally fast here).
constexpr size_t kChunk = size_t(256) << 10;

bool blank(const char *p, size_t n) {
  return std::all_of(p, p + n, [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

} // namespace

LineReader::LineReader(int fd, size_t maxLine)
    : fd_(fd), maxLine_(maxLine), buffer_(new char[kChunk + kPadding]()), capacity_(kChunk) {}

bool LineReader::fill() {
  while (true) {
    const ssize_t n = ::read(fd_, buffer_.get() + end_, capacity_ - end_);
    if (n > 0) {
      end_ += static_cast<size_t>(n);
      return true;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      error_ = std::strerror(errno);
    eof_ = true;
    return false;
  }
}

void LineReader::makeRoom() {
  if (begin_ > 0) {
    std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ < capacity_)
    return;
  // A partial line fills the buffer (it is at most maxLine_ bytes, or
  // next() would have skipped it): grow, up to room for one more byte.
  const size_t grown = std::max(std::min(capacity_ * 2, maxLine_ + 1), capacity_ + 1);
  std::unique_ptr<char[]> bigger(new char[grown + kPadding]());
  std::memcpy(bigger.get(), buffer_.get(), end_);
  buffer_ = std::move(bigger);
  capacity_ = grown;
}

bool LineReader::next(Line &line) {
  while (true) {
    const char *data = buffer_.get();
    const size_t from = begin_ + searched_;
    if (const void *nl = std::memchr(data + from, '\n', end_ - from)) {
      const size_t at = static_cast<size_t>(static_cast<const char *>(nl) - data);
      line = {std::string_view(data + begin_, at - begin_), at - begin_, false};
      begin_ = at + 1;
      searched_ = 0;
      return true;
    }
    searched_ = end_ - begin_;
    if (searched_ > maxLine_)
      break; // oversized: skipped below
    if (eof_) {
      if (begin_ == end_)
        return false;
      line = {std::string_view(data + begin_, end_ - begin_), end_ - begin_, false};
      begin_ = end_;
      searched_ = 0;
      return true;
    }
    makeRoom();
    fill();
  }
  // Count the oversized line's bytes up to its newline, reading over them.
  uint64_t size = end_ - begin_;
  bool isBlank = blank(buffer_.get() + begin_, end_ - begin_);
  begin_ = end_ = searched_ = 0;
  while (fill()) {
    const char *data = buffer_.get();
    const void *nl = std::memchr(data, '\n', end_);
    const size_t part = nl ? static_cast<size_t>(static_cast<const char *>(nl) - data) : end_;
    size += part;
    isBlank = isBlank && blank(data, part);
    if (nl) {
      begin_ = part + 1;
      break;
    }
    end_ = 0;
  }
  line = {std::string_view(), size, isBlank};
  return true;
}

} // namespace rulec
