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
    : fd_(fd), maxLine_(maxLine), buffer_(freeBuffer(kChunk)), capacity_(kChunk) {}

std::shared_ptr<char[]> LineReader::freeBuffer(size_t capacity) {
  // Free buffers of another size are no use: the capacity only grows.
  spares_.erase(std::remove_if(spares_.begin(), spares_.end(),
                               [&](const Spare &b) { return b.data.use_count() == 1 && b.capacity != capacity; }),
                spares_.end());
  for (const Spare &spare : spares_)
    if (spare.data.use_count() == 1)
      return spare.data;
  spares_.push_back({std::shared_ptr<char[]>(new char[capacity + kPadding]()), capacity});
  return spares_.back().data;
}

bool LineReader::held() const {
  return buffer_.use_count() > 2; // this and spares_
}

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
  // A partial line that fills the buffer (it is at most maxLine_ bytes, or
  // next() would have skipped it) needs a larger one, up to room for one
  // more byte; lines someone holds stay where they are.
  const size_t unread = end_ - begin_;
  const size_t capacity =
      unread < capacity_ ? capacity_ : std::max(std::min(capacity_ * 2, maxLine_ + 1), capacity_ + 1);
  if (capacity == capacity_ && !held()) {
    if (begin_ > 0)
      std::memmove(buffer_.get(), buffer_.get() + begin_, unread);
  } else {
    std::shared_ptr<char[]> next = freeBuffer(capacity);
    std::memcpy(next.get(), buffer_.get() + begin_, unread);
    buffer_ = std::move(next);
    capacity_ = capacity;
  }
  end_ = unread;
  begin_ = 0;
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
  if (held())
    buffer_ = freeBuffer(capacity_);
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
