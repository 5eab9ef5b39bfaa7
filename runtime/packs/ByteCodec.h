//===- ByteCodec.h - Checked little-endian bytes for metadata and state ---===//
//
// Writer and Reader of the formats rulec keeps on disk: pack metadata
// (PackSerialization.h) and saved engine state (StateFile.h). Fixed-width
// little-endian integers, one-byte bools and enums, u32-counted strings and
// vectors. Reading treats the bytes as untrusted: every count is checked
// against the bytes left before anything is allocated, the first problem
// sticks, and messages name the field path and byte offset.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace rulec::bytes {

class Writer {
public:
  std::string out;

  void u32(uint32_t v) { fixed(v, 4); }
  void i32(int32_t v) { fixed(static_cast<uint32_t>(v), 4); }
  void i64(int64_t v) { fixed(static_cast<uint64_t>(v), 8); }
  void u64(uint64_t v) { fixed(v, 8); }
  void boolean(bool v) { out.push_back(v ? 1 : 0); }
  template <class E> void enumeration(E v) {
    static_assert(std::is_same_v<std::underlying_type_t<E>, uint8_t>, "enums are written as one byte");
    out.push_back(static_cast<char>(v));
  }
  void str(const std::string &s) {
    u32(static_cast<uint32_t>(s.size()));
    out += s;
  }
  void vec(const std::vector<uint32_t> &v) { vec(v, [](Writer &w, uint32_t x) { w.u32(x); }); }
  void vec(const std::vector<std::string> &v) { vec(v, [](Writer &w, const std::string &s) { w.str(s); }); }
  template <class T, class F> void vec(const std::vector<T> &v, F putOne) {
    u32(static_cast<uint32_t>(v.size()));
    for (const T &x : v)
      putOne(*this, x);
  }

private:
  void fixed(uint64_t v, unsigned bytes) {
    for (unsigned i = 0; i < bytes; ++i)
      out.push_back(static_cast<char>(v >> (8 * i)));
  }
};

/// Reads what Writer wrote. The first problem sticks: later reads do nothing
/// and yield zeros, so read functions need not check after every field.
/// `what` names the field being read; with the vector elements being read
/// it makes the path in error messages ("rules[3].title[0].text").
class Reader {
public:
  /// `subject` starts error messages: "pack metadata truncated at byte 9 ...".
  Reader(std::string_view bytes, size_t pos, std::string subject)
      : bytes_(bytes), pos_(pos), subject_(std::move(subject)) {}

  bool ok() const { return error_.empty(); }
  const std::string &error() const { return error_; }
  size_t offset() const { return pos_; }

  void u32(uint32_t &v, const char *what) { v = static_cast<uint32_t>(fixed(4, what)); }
  void i32(int32_t &v, const char *what) { v = static_cast<int32_t>(static_cast<uint32_t>(fixed(4, what))); }
  void i64(int64_t &v, const char *what) { v = static_cast<int64_t>(fixed(8, what)); }
  void u64(uint64_t &v, const char *what) { v = fixed(8, what); }
  void boolean(bool &v, const char *what) {
    size_t at = pos_;
    uint64_t b = fixed(1, what);
    if (b > 1)
      fail("has an invalid bool " + std::to_string(b), at, what);
    v = b == 1;
  }
  /// `last`: the enum's last enumerator; anything above it is corrupt.
  template <class E> void enumeration(E &v, E last, const char *what) {
    size_t at = pos_;
    uint64_t b = fixed(1, what);
    if (b > static_cast<uint8_t>(last))
      fail("has an invalid " + std::string(what) + " " + std::to_string(b), at, what);
    else
      v = static_cast<E>(b);
  }
  void str(std::string &v, const char *what) {
    uint32_t n = count(1, what);
    v.assign(bytes_.substr(pos_, n));
    pos_ += n;
  }
  void vec(std::vector<uint32_t> &v, const char *what) {
    vec(v, what, [](Reader &r, uint32_t &x) { r.u32(x, ""); }, 4);
  }
  void vec(std::vector<std::string> &v, const char *what) {
    vec(v, what, [](Reader &r, std::string &s) { r.str(s, ""); }, 4);
  }
  /// The untrusted count reserves at most 1 MiB of elements (a vector of
  /// large elements reallocated and moved them over and over: 1183 RuleInfos
  /// were a tenth of loading a pack); beyond that memory follows the bytes
  /// actually read.
  template <class T, class F> void vec(std::vector<T> &v, const char *what, F getOne, size_t minBytes = 1) {
    uint32_t n = count(minBytes, what);
    v.clear();
    v.reserve(std::min<size_t>(n, std::max<size_t>(1, (size_t(1) << 20) / sizeof(T))));
    for (uint32_t i = 0; i < n && ok(); ++i) {
      context_.push_back({what, i});
      getOne(*this, v.emplace_back());
      context_.pop_back();
    }
  }
  /// A struct member that is itself a struct: named in error paths.
  template <class T, class F> void member(T &v, const char *what, F getOne) {
    context_.push_back({what, kNoIndex});
    getOne(*this, v);
    context_.pop_back();
  }

  void fail(const std::string &problem, size_t at, const char *what, const std::string &detail = {}) {
    if (ok())
      error_ = subject_ + " " + problem + " at byte " + std::to_string(at) + " reading " + path(what) + detail;
  }
  void finish() {
    if (ok() && pos_ != bytes_.size())
      error_ = subject_ + " has " + std::to_string(bytes_.size() - pos_) +
               " trailing bytes at byte " + std::to_string(pos_);
  }

private:
  static constexpr size_t kNoIndex = ~size_t(0);

  uint64_t fixed(unsigned bytes, const char *what) {
    if (!ok())
      return 0;
    if (bytes_.size() - pos_ < bytes) {
      fail("truncated", pos_, what);
      return 0;
    }
    uint64_t v = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (bytes == 4) { // most reads: counts and u32s, without a byte loop
      uint32_t w;
      std::memcpy(&w, bytes_.data() + pos_, 4);
      pos_ += 4;
      return w;
    }
#endif
    for (unsigned i = 0; i < bytes; ++i)
      v |= uint64_t(static_cast<uint8_t>(bytes_[pos_ + i])) << (8 * i);
    pos_ += bytes;
    return v;
  }

  /// A string or vector length. Each element takes at least `minBytes`, so a
  /// count the bytes left cannot hold is corrupt (a truncation, or a length
  /// gone wild) and is rejected before anything is allocated for it.
  uint32_t count(size_t minBytes, const char *what) {
    size_t at = pos_;
    uint32_t n = 0;
    u32(n, what);
    size_t left = bytes_.size() - pos_;
    if (ok() && n > left / minBytes) {
      fail("truncated", at, what,
           ": length " + std::to_string(n) + ", only " + std::to_string(left) + " bytes left");
      return 0;
    }
    return n;
  }

  std::string path(const char *what) const {
    std::string out;
    auto name = [&out](const char *s) {
      if (*s)
        out += (out.empty() ? "" : ".") + std::string(s);
    };
    for (const auto &[member, index] : context_) {
      name(member);
      if (index != kNoIndex)
        out += "[" + std::to_string(index) + "]";
    }
    name(what);
    return out;
  }

  std::string_view bytes_;
  size_t pos_;
  std::string subject_;
  std::string error_;
  std::vector<std::pair<const char *, size_t>> context_; ///< the enclosing members and elements
};

} // namespace rulec::bytes
