//===- BinXml.cpp - EVTX Binary XML rendered as evtx_dump's JSON ----------===//
//
// Three pieces: values (a substitution's bytes -> a JSON scalar and the text
// the crate's as_cow_str gives it), the tree (the crate's JsonOutput rules on
// nodes kept in flat vectors, then written out once), and the decoder (the
// token walk). Strings live in arenas that are reset, not freed, per record
// (names per chunk), so a record costs no allocation once the vectors and
// arenas have grown to the file's largest.
//
//===----------------------------------------------------------------------===//
#include "events/BinXml.h"

#include "events/LittleEndian.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <vector>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace rulec::evtx {

namespace {

/// memcpy that takes a null pointer with a zero size (which memcpy may not).
inline void copyBytes(void *d, const void *s, size_t n) {
  if (n)
    std::memcpy(d, s, n);
}

/// A string in an arena (stable until the arena is reset).
struct Str {
  const char *p = nullptr;
  uint32_t n = 0;
  std::string_view view() const { return {p, n}; }
  bool is(std::string_view s) const { return n == s.size() && (n == 0 || std::memcmp(p, s.data(), n) == 0); }
};

/// Bump allocation in blocks that never move; reset() keeps them for reuse.
class Arena {
public:
  /// Room for up to `max` bytes; commit() says how many were used.
  char *reserve(size_t max) {
    if (max > left_)
      grow(max);
    return cur_;
  }
  Str commit(size_t used) {
    Str s{cur_, static_cast<uint32_t>(used)};
    cur_ += used;
    left_ -= used;
    total_ += used;
    return s;
  }
  Str copy(const char *p, size_t n) {
    char *d = reserve(n);
    copyBytes(d, p, n);
    return commit(n);
  }
  Str copy(std::string_view s) { return copy(s.data(), s.size()); }
  void reset() {
    block_ = 0;
    cur_ = blocks_.empty() ? nullptr : blocks_[0].data.get();
    left_ = blocks_.empty() ? 0 : blocks_[0].size;
    total_ = 0;
  }
  /// Bytes handed out since the last reset.
  size_t total() const { return total_; }

private:
  struct Block {
    std::unique_ptr<char[]> data;
    size_t size;
  };
  void grow(size_t need) {
    // The next kept block that is large enough, else a new one.
    while (++block_ < blocks_.size())
      if (blocks_[block_].size >= need) {
        cur_ = blocks_[block_].data.get();
        left_ = blocks_[block_].size;
        return;
      }
    const size_t size = std::max<size_t>(need, size_t(64) << 10);
    blocks_.push_back({std::unique_ptr<char[]>(new char[size]), size});
    block_ = blocks_.size() - 1;
    cur_ = blocks_.back().data.get();
    left_ = size;
  }
  std::vector<Block> blocks_;
  size_t block_ = 0;
  char *cur_ = nullptr;
  size_t left_ = 0;
  size_t total_ = 0;
};

//===-- Text helpers -------------------------------------------------------===//

/// Writes the UTF-8 of one code point; returns the bytes written.
size_t putUtf8(char *d, uint32_t c) {
  if (c < 0x80) {
    d[0] = static_cast<char>(c);
    return 1;
  }
  if (c < 0x800) {
    d[0] = static_cast<char>(0xC0 | (c >> 6));
    d[1] = static_cast<char>(0x80 | (c & 0x3F));
    return 2;
  }
  if (c < 0x10000) {
    d[0] = static_cast<char>(0xE0 | (c >> 12));
    d[1] = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    d[2] = static_cast<char>(0x80 | (c & 0x3F));
    return 3;
  }
  d[0] = static_cast<char>(0xF0 | (c >> 18));
  d[1] = static_cast<char>(0x80 | ((c >> 12) & 0x3F));
  d[2] = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
  d[3] = static_cast<char>(0x80 | (c & 0x3F));
  return 4;
}

/// `units` UTF-16LE code units at `p` as UTF-8, up to the first NUL (the
/// crate stops there too); an unpaired surrogate becomes U+FFFD. ASCII goes
/// eight units at a time.
Str utf16(Arena &arena, const uint8_t *p, size_t units) {
  char *d = arena.reserve(units * 3);
  size_t o = 0, i = 0;
  while (i < units) {
#ifdef __SSE2__
    if (i + 8 <= units) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + 2 * i));
      const __m128i zero = _mm_setzero_si128();
      const __m128i high = _mm_and_si128(v, _mm_set1_epi16(static_cast<short>(0xFF80)));
      const __m128i bad = _mm_or_si128(_mm_cmpeq_epi16(v, zero), _mm_xor_si128(_mm_cmpeq_epi16(high, zero),
                                                                               _mm_set1_epi16(-1)));
      if (_mm_movemask_epi8(bad) == 0) {
        _mm_storel_epi64(reinterpret_cast<__m128i *>(d + o), _mm_packus_epi16(v, v));
        o += 8;
        i += 8;
        continue;
      }
    }
#endif
    uint32_t c = rd16(p + 2 * i);
    ++i;
    if (c < 0x80) {
      if (c == 0)
        break;
      d[o++] = static_cast<char>(c);
      continue;
    }
    if (c >= 0xD800 && c <= 0xDBFF && i < units) {
      const uint32_t lo = rd16(p + 2 * i);
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
        ++i;
      } else {
        c = 0xFFFD;
      }
    } else if (c >= 0xD800 && c <= 0xDFFF) {
      c = 0xFFFD;
    }
    o += putUtf8(d + o, c);
  }
  return arena.commit(o);
}

/// Windows-1252 bytes 0x80-0x9F (0 where the code page has no character).
constexpr uint16_t kCp1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

/// An AnsiString: NUL bytes dropped (as the crate does), Windows-1252 to UTF-8.
Str ansi(Arena &arena, const uint8_t *p, size_t n) {
  char *d = arena.reserve(n * 3);
  size_t o = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t b = p[i];
    if (b == 0)
      continue;
    uint32_t c = b;
    if (b >= 0x80 && b < 0xA0)
      c = kCp1252High[b - 0x80] ? kCp1252High[b - 0x80] : 0xFFFD;
    o += putUtf8(d + o, c);
  }
  return arena.commit(o);
}

/// `s` without trailing Unicode whitespace (Rust's char::is_whitespace).
Str trimEnd(Str s) {
  while (s.n > 0) {
    const auto *p = reinterpret_cast<const unsigned char *>(s.p);
    uint32_t n = s.n, c, len = 1;
    if (p[n - 1] < 0x80) {
      c = p[n - 1];
    } else { // the last code point (the text is valid UTF-8)
      while (len < n && (p[n - len] & 0xC0) == 0x80)
        ++len;
      const unsigned char *q = p + n - len;
      c = len == 2 ? (q[0] & 0x1Fu) << 6 | (q[1] & 0x3Fu)
          : len == 3 ? (q[0] & 0x0Fu) << 12 | (q[1] & 0x3Fu) << 6 | (q[2] & 0x3Fu)
                     : 0x10000;
    }
    const bool space = (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
                       (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
                       c == 0x3000;
    if (!space)
      break;
    s.n -= len;
  }
  return s;
}

constexpr char kHexUpper[] = "0123456789ABCDEF";
constexpr char kHexLower[] = "0123456789abcdef";

Str hexBytes(Arena &arena, const uint8_t *p, size_t n) {
  char *d = arena.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    d[2 * i] = kHexUpper[p[i] >> 4];
    d[2 * i + 1] = kHexUpper[p[i] & 15];
  }
  return arena.commit(n * 2);
}

/// "0x" + lowercase hex without leading zeros (Rust's `0x{:x}`).
Str hexNumber(Arena &arena, uint64_t v) {
  char *d = arena.reserve(18);
  d[0] = '0';
  d[1] = 'x';
  const auto r = std::to_chars(d + 2, d + 18, v, 16);
  return arena.commit(static_cast<size_t>(r.ptr - d));
}

template <class T> Str decimal(Arena &arena, T v) {
  char *d = arena.reserve(24);
  const auto r = std::to_chars(d, d + 24, v);
  return arena.commit(static_cast<size_t>(r.ptr - d));
}

/// A finite real as serde_json writes it (shortest round trip, ".0" on
/// integral values); the digits stand for the same number either way.
template <class T> Str real(Arena &arena, T v) {
  char *d = arena.reserve(48);
  const auto r = std::to_chars(d, d + 46, v);
  size_t n = static_cast<size_t>(r.ptr - d);
  if (std::memchr(d, '.', n) == nullptr && std::memchr(d, 'e', n) == nullptr) {
    d[n++] = '.';
    d[n++] = '0';
  }
  return arena.commit(n);
}

Str guid(Arena &arena, const uint8_t *p) {
  char *d = arena.reserve(36);
  const uint32_t a = rd32(p);
  const uint16_t b = rd16(p + 4), c = rd16(p + 6);
  size_t o = 0;
  for (int s = 28; s >= 0; s -= 4)
    d[o++] = kHexUpper[(a >> s) & 15];
  d[o++] = '-';
  for (int s = 12; s >= 0; s -= 4)
    d[o++] = kHexUpper[(b >> s) & 15];
  d[o++] = '-';
  for (int s = 12; s >= 0; s -= 4)
    d[o++] = kHexUpper[(c >> s) & 15];
  for (int i = 8; i < 16; ++i) {
    if (i == 8 || i == 10)
      d[o++] = '-';
    d[o++] = kHexUpper[p[i] >> 4];
    d[o++] = kHexUpper[p[i] & 15];
  }
  return arena.commit(o);
}

/// The SID at `p` (at most `n` bytes): its size in `used`, false when cut.
bool sid(Arena &arena, const uint8_t *p, size_t n, Str &out, size_t &used) {
  if (n < 8)
    return false;
  const unsigned count = p[1];
  used = 8 + 4 * size_t(count);
  if (used > n)
    return false;
  uint64_t authority = 0;
  for (int i = 2; i < 8; ++i)
    authority = authority << 8 | p[i];
  char *d = arena.reserve(8 + 24 + count * 11);
  size_t o = 0;
  d[o++] = 'S';
  d[o++] = '-';
  o = static_cast<size_t>(std::to_chars(d + o, d + o + 4, unsigned(p[0])).ptr - d);
  d[o++] = '-';
  o = static_cast<size_t>(std::to_chars(d + o, d + o + 20, authority).ptr - d);
  for (unsigned i = 0; i < count; ++i) {
    d[o++] = '-';
    o = static_cast<size_t>(std::to_chars(d + o, d + o + 10, rd32(p + 8 + 4 * i)).ptr - d);
  }
  out = arena.commit(o);
  return true;
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
void civil(int64_t z, int64_t &y, unsigned &m, unsigned &d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

/// Fixed-width decimal digits.
char *digits(char *d, uint64_t v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    d[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return d + width;
}

/// `fraction` in nanoseconds, written with six digits, or (`autoDigits`)
/// with 0, 3, 6 or 9 as chrono's RFC 3339 does.
Str isoTime(Arena &arena, int64_t year, unsigned month, unsigned day, unsigned hour, unsigned minute,
            unsigned second, uint64_t nanos, bool autoDigits) {
  char *d = arena.reserve(40);
  char *o = d;
  if (year < 0 || year > 9999) { // chrono writes such years with a sign
    *o++ = year < 0 ? '-' : '+';
    o = std::to_chars(o, o + 20, year < 0 ? -year : year).ptr;
  } else {
    o = digits(o, static_cast<uint64_t>(year), 4);
  }
  *o++ = '-';
  o = digits(o, month, 2);
  *o++ = '-';
  o = digits(o, day, 2);
  *o++ = 'T';
  o = digits(o, hour, 2);
  *o++ = ':';
  o = digits(o, minute, 2);
  *o++ = ':';
  o = digits(o, second, 2);
  if (!autoDigits) {
    *o++ = '.';
    o = digits(o, nanos / 1000, 6);
  } else if (nanos % 1000000 == 0 && nanos != 0) {
    *o++ = '.';
    o = digits(o, nanos / 1000000, 3);
  } else if (nanos % 1000 == 0 && nanos != 0) {
    *o++ = '.';
    o = digits(o, nanos / 1000, 6);
  } else if (nanos != 0) {
    *o++ = '.';
    o = digits(o, nanos, 9);
  }
  *o++ = 'Z';
  return arena.commit(static_cast<size_t>(o - d));
}

/// FILETIME (100 ns since 1601-01-01); six digits truncate, as chrono's %.6f.
Str fileTime(Arena &arena, uint64_t ft, bool autoDigits) {
  const uint64_t secs = ft / 10000000, nanos = ft % 10000000 * 100;
  const int64_t days = static_cast<int64_t>(secs / 86400) - 134774; // 1601-01-01 .. 1970-01-01
  const uint64_t rem = secs % 86400;
  int64_t y;
  unsigned m, d;
  civil(days, y, m, d);
  return isoTime(arena, y, m, d, unsigned(rem / 3600), unsigned(rem / 60 % 60), unsigned(rem % 60), nanos,
                 autoDigits);
}

/// SYSTEMTIME (year, month, weekday, day, hour, minute, second, ms), as given.
Str systemTime(Arena &arena, const uint8_t *p, bool autoDigits) {
  return isoTime(arena, rd16(p), std::min<unsigned>(rd16(p + 2), 99), std::min<unsigned>(rd16(p + 6), 99),
                 std::min<unsigned>(rd16(p + 8), 99), std::min<unsigned>(rd16(p + 10), 99),
                 std::min<unsigned>(rd16(p + 12), 99), uint64_t(std::min<unsigned>(rd16(p + 14), 999)) * 1000000,
                 autoDigits);
}

/// Bytes a JSON string must escape: '"', '\\' and the controls.
struct EscapeTable {
  bool needs[256] = {};
  constexpr EscapeTable() {
    for (int c = 0; c < 0x20; ++c)
      needs[c] = true;
    needs['"'] = needs['\\'] = true;
  }
};
constexpr EscapeTable kEscape;

/// Writes the escape of byte `c` (one kEscape needs) at `out`.
size_t escapeOne(char *out, unsigned char c) {
  out[0] = '\\';
  switch (c) {
  case '"': out[1] = '"'; return 2;
  case '\\': out[1] = '\\'; return 2;
  case '\n': out[1] = 'n'; return 2;
  case '\r': out[1] = 'r'; return 2;
  case '\t': out[1] = 't'; return 2;
  case '\b': out[1] = 'b'; return 2;
  case '\f': out[1] = 'f'; return 2;
  default:
    out[1] = 'u';
    out[2] = '0';
    out[3] = '0';
    out[4] = kHexLower[c >> 4];
    out[5] = kHexLower[c & 15];
    return 6;
  }
}

/// Writes `s` as a JSON string body (no quotes) at `out`, which has room for
/// 6 bytes per input byte; returns the bytes written. Sixteen bytes a step
/// where nothing needs escaping.
size_t escape(char *out, const char *s, size_t n) {
  size_t o = 0, i = 0;
#ifdef __SSE2__
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), control = _mm_set1_epi8(0x1F);
  while (i + 16 <= n) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(s + i));
    const __m128i bad = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                                     _mm_cmpeq_epi8(_mm_max_epu8(v, control), control));
    const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(bad));
    if (mask == 0) {
      _mm_storeu_si128(reinterpret_cast<__m128i *>(out + o), v);
      o += 16;
      i += 16;
      continue;
    }
    const unsigned k = static_cast<unsigned>(__builtin_ctz(mask));
    copyBytes(out + o, s + i, k);
    o += k;
    i += k;
    o += escapeOne(out + o, static_cast<unsigned char>(s[i++]));
  }
#endif
  for (; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (kEscape.needs[c])
      o += escapeOne(out + o, c);
    else
      out[o++] = static_cast<char>(c);
  }
  return o;
}

//===-- Values -------------------------------------------------------------===//

/// A value as the crate's serde_json::Value sees it: null, a JSON text
/// (number, boolean, array) or a string; `str` is its as_cow_str text (used
/// when text is appended to text, and for <Data Name=...> keys).
struct Scalar {
  enum Kind : uint8_t { Null, Raw, String };
  Kind kind = Null;
  bool array = false; ///< Raw: a JSON array
  Str text;           ///< Raw: JSON text; String: the string
  Str str;            ///< as_cow_str
};

Scalar nullScalar() { return {}; }
Scalar rawScalar(Str text) { return {Scalar::Raw, false, text, text}; }
Scalar stringScalar(Str s) { return {Scalar::String, false, s, s}; }

/// Value type codes (Binary XML value types; 0x80 marks an array).
enum : uint8_t {
  kNullType = 0x00,
  kString = 0x01,
  kAnsiString = 0x02,
  kInt8 = 0x03,
  kUInt8 = 0x04,
  kInt16 = 0x05,
  kUInt16 = 0x06,
  kInt32 = 0x07,
  kUInt32 = 0x08,
  kInt64 = 0x09,
  kUInt64 = 0x0A,
  kReal32 = 0x0B,
  kReal64 = 0x0C,
  kBool = 0x0D,
  kBinary = 0x0E,
  kGuid = 0x0F,
  kSizeT = 0x10,
  kFileTime = 0x11,
  kSysTime = 0x12,
  kSid = 0x13,
  kHexInt32 = 0x14,
  kHexInt64 = 0x15,
  kEvtHandle = 0x20,
  kBinXml = 0x21,
  kEvtXml = 0x23,
  kArray = 0x80,
};

/// Whether the crate knows the type code (a descriptor with another fails).
bool knownType(uint8_t t) {
  const uint8_t base = t & 0x7F;
  if (t & kArray)
    return base >= kString && base <= kHexInt64;
  return base <= kHexInt64 || base == kEvtHandle || base == kBinXml || base == kEvtXml;
}

/// Fixed sizes of the scalar types (0: variable or none).
unsigned fixedSize(uint8_t base) {
  switch (base) {
  case kInt8:
  case kUInt8: return 1;
  case kInt16:
  case kUInt16: return 2;
  case kInt32:
  case kUInt32:
  case kReal32:
  case kBool:
  case kHexInt32: return 4;
  case kInt64:
  case kUInt64:
  case kReal64:
  case kFileTime:
  case kHexInt64: return 8;
  case kGuid:
  case kSysTime: return 16;
  default: return 0;
  }
}

/// One fixed-size element of type `base` at `p` (fixedSize(base) bytes).
Scalar fixedValue(Arena &arena, uint8_t base, const uint8_t *p, const JsonOptions &options) {
  switch (base) {
  case kInt8: return rawScalar(decimal(arena, int(static_cast<int8_t>(p[0]))));
  case kUInt8: return rawScalar(decimal(arena, unsigned(p[0])));
  case kInt16: return rawScalar(decimal(arena, int(static_cast<int16_t>(rd16(p)))));
  case kUInt16: return rawScalar(decimal(arena, unsigned(rd16(p))));
  case kInt32: return rawScalar(decimal(arena, static_cast<int32_t>(rd32(p))));
  case kUInt32: return rawScalar(decimal(arena, rd32(p)));
  case kInt64: return rawScalar(decimal(arena, static_cast<int64_t>(rd64(p))));
  case kUInt64: return rawScalar(decimal(arena, rd64(p)));
  case kReal32: {
    float f;
    std::memcpy(&f, p, 4);
    if (!std::isfinite(f)) { // serde_json: null; as_cow_str: Rust's Display
      Scalar s;
      s.str = arena.copy(std::isnan(f) ? "NaN" : f > 0 ? "inf" : "-inf");
      return s;
    }
    return rawScalar(real(arena, f));
  }
  case kReal64: {
    double f;
    std::memcpy(&f, p, 8);
    if (!std::isfinite(f)) {
      Scalar s;
      s.str = arena.copy(std::isnan(f) ? "NaN" : f > 0 ? "inf" : "-inf");
      return s;
    }
    return rawScalar(real(arena, f));
  }
  case kBool: {
    static constexpr char t[] = "true", f[] = "false";
    const bool v = rd32(p) != 0;
    return rawScalar(v ? Str{t, 4} : Str{f, 5});
  }
  case kGuid: return stringScalar(guid(arena, p));
  case kFileTime: return stringScalar(fileTime(arena, rd64(p), options.autoFractionDigits));
  case kSysTime: return stringScalar(systemTime(arena, p, options.autoFractionDigits));
  case kHexInt32: return stringScalar(hexNumber(arena, rd32(p)));
  case kHexInt64: return stringScalar(hexNumber(arena, rd64(p)));
  default: return nullScalar();
  }
}

/// Builds a JSON array (and its comma-joined as_cow_str) from elements.
class ArrayBuilder {
public:
  explicit ArrayBuilder(Arena &arena) : arena_(arena) {}
  void add(const Scalar &s) { items_.push_back(s); }
  Scalar finish() {
    size_t textSize = 2, strSize = 0;
    for (const Scalar &s : items_) {
      textSize += 1 + (s.kind == Scalar::String ? 2 + 6 * size_t(s.text.n) : s.kind == Scalar::Raw ? s.text.n : 4);
      strSize += 1 + s.str.n;
    }
    char *d = arena_.reserve(textSize);
    size_t o = 0;
    d[o++] = '[';
    for (size_t i = 0; i < items_.size(); ++i) {
      if (i)
        d[o++] = ',';
      const Scalar &s = items_[i];
      if (s.kind == Scalar::String) {
        d[o++] = '"';
        o += escape(d + o, s.text.p, s.text.n);
        d[o++] = '"';
      } else if (s.kind == Scalar::Raw) {
        copyBytes(d + o, s.text.p, s.text.n);
        o += s.text.n;
      } else {
        std::memcpy(d + o, "null", 4);
        o += 4;
      }
    }
    d[o++] = ']';
    Scalar out;
    out.kind = Scalar::Raw;
    out.array = true;
    out.text = arena_.commit(o);
    char *t = arena_.reserve(strSize);
    o = 0;
    for (size_t i = 0; i < items_.size(); ++i) {
      if (i)
        t[o++] = ',';
      copyBytes(t + o, items_[i].str.p, items_[i].str.n);
      o += items_[i].str.n;
    }
    out.str = arena_.commit(o);
    items_.clear();
    return out;
  }

private:
  Arena &arena_;
  std::vector<Scalar> items_;
};

//===-- The tree (the crate's JsonOutput) ----------------------------------===//

/// A vector of trivially copyable items whose push is one compare and store
/// (std::vector's was a tenth of the time); clear() keeps the room.
template <class T> class Pool {
public:
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() { size_ = 0; }
  T &operator[](size_t i) { return data_[i]; }
  const T &operator[](size_t i) const { return data_[i]; }
  T &back() { return data_[size_ - 1]; }
  const T &back() const { return data_[size_ - 1]; }
  void pop_back() { --size_; }
  T &push() {
    if (size_ == capacity_)
      grow();
    return data_[size_++];
  }
  void push_back(const T &v) { push() = v; }
  const T *begin() const { return data_.get(); }
  const T *end() const { return data_.get() + size_; }

private:
  void grow() {
    const size_t capacity = std::max<size_t>(64, capacity_ * 2);
    std::unique_ptr<T[]> bigger(new T[capacity]);
    std::copy(data_.get(), data_.get() + size_, bigger.get());
    data_ = std::move(bigger);
    capacity_ = capacity;
  }
  std::unique_ptr<T[]> data_;
  size_t size_ = 0, capacity_ = 0;
};

constexpr uint32_t kNone = ~0u;

struct Node {
  enum Kind : uint8_t { Null, Object, Raw, String };
  Kind kind = Null;
  bool array = false; ///< Raw: a JSON array (text is pushed onto)
  Str text, str;      ///< Raw and String, as in Scalar
  uint32_t first = kNone, last = kNone; ///< Object: its entries
  uint64_t keyBits = 0;                 ///< Object: keyBit() of its keys
};

/// A key's bit in Node::keyBits: most lookups are of keys not yet there.
inline uint64_t keyBit(Str k) {
  return k.n == 0 ? 1 : uint64_t(1) << ((k.n * 7u + uint8_t(k.p[0]) * 3u + uint8_t(k.p[k.n - 1])) & 63);
}

Node makeNode(Node::Kind kind) {
  Node n;
  n.kind = kind;
  return n;
}

struct Entry {
  Str key;
  uint32_t node;
  uint32_t next;
};

class Tree {
public:
  Tree(Arena &arena, const JsonOptions &options) : arena_(arena), options_(options) {}

  void reset() {
    eventRecordId_ = std::nullopt;
    work_ = 0;
    nodes_.clear();
    entries_.clear();
    frames_.clear();
    nodes_.push_back(makeNode(Node::Object));
    frames_.push_back({Str{}, 0, false});
  }
  size_t depth() const { return frames_.size() - 1; }

  struct Attribute {
    Str name;
    Scalar value;
  };

  /// visit_open_start_element.
  void open(Str name, const std::vector<Attribute> &attributes) {
    if (name.is("Data")) {
      for (const Attribute &a : attributes)
        if (a.name.is("Name")) {
          insertElement(a.value.str);
          frames_.back().dataName = true;
          return;
        }
      frames_.push_back({name, kNone, false}); // resolved on first use
      return;
    }
    if (attributes.empty())
      return insertElement(name);
    insertWithAttributes(name, attributes);
  }

  /// visit_close_element: false when no element is open.
  bool close() {
    if (frames_.size() <= 1)
      return false;
    const Frame &f = frames_.back();
    if (f.dataName && !options_.emptyTextIsText && nodes_[f.node].kind == Node::Null) {
      static constexpr char empty[] = "";
      setScalar(f.node, stringScalar(Str{empty, 0}));
    }
    frames_.pop_back();
    return true;
  }

  /// visit_characters.
  void characters(const Scalar &v) {
    if (v.kind == Scalar::String && v.text.n == 0 && !options_.emptyTextIsText)
      return; // no text (the corpus renders elements without text as null)
    if (frames_.size() == 4 && v.kind == Scalar::Raw && frames_[3].key.is("EventRecordID") &&
        frames_[2].key.is("System") && frames_[1].key.is("Event")) {
      uint64_t id;
      const auto r = std::from_chars(v.text.p, v.text.p + v.text.n, id);
      if (r.ec == std::errc() && r.ptr == v.text.p + v.text.n)
        eventRecordId_ = id;
    }
    const uint32_t n = resolve(frames_.size() - 1);
    Node &node = nodes_[n];
    switch (node.kind) {
    case Node::Null: setScalar(n, v); return;
    case Node::Object: {
      static constexpr char text[] = "#text";
      const uint32_t e = find(n, Str{text, 5});
      if (e == kNone) {
        append(n, Str{text, 5}, newScalar(v));
        return;
      }
      const uint32_t t = entries_[e].node;
      if (nodes_[t].kind == Node::Null)
        return setScalar(t, v);
      if (nodes_[t].kind == Node::Raw && nodes_[t].array)
        return push(t, v);
      if (nodes_[t].kind == Node::Object) // the crate fails here; keep the text beside it
        return;
      // A string becomes [previous, value] (a number or boolean too: the
      // crate fails on those).
      Scalar prev{nodes_[t].kind == Node::String ? Scalar::String : Scalar::Raw, false, nodes_[t].text, nodes_[t].str};
      ArrayBuilder array(arena_);
      array.add(prev);
      array.add(v);
      return setScalar(t, array.finish());
    }
    case Node::Raw:
      if (node.array)
        return push(n, v);
      [[fallthrough]]; // the crate fails on text after a number; concatenate
    case Node::String: {
      const Str a = node.str, b = v.str;
      char *d = arena_.reserve(size_t(a.n) + b.n);
      copyBytes(d, a.p, a.n);
      copyBytes(d + a.n, b.p, b.n);
      const Str s = arena_.commit(size_t(a.n) + b.n);
      nodes_[n] = makeNode(Node::String);
      nodes_[n].text = nodes_[n].str = s;
      return;
    }
    }
  }

  /// Writes the root object to `out` (which has room: see size()).
  size_t write(char *out) const { return write(0, out); }
  /// An upper bound of what write() writes.
  size_t size() const {
    size_t n = 2;
    for (const Node &node : nodes_)
      n += 2 + (node.kind == Node::String ? 2 + 6 * size_t(node.text.n) : node.kind == Node::Raw ? node.text.n : 4);
    for (const Entry &e : entries_)
      n += 4 + 6 * size_t(e.key.n);
    return n;
  }
  size_t nodeCount() const { return nodes_.size(); }
  /// Key comparisons so far (BinXmlRenderer::kMaxWork).
  uint64_t work() const { return work_; }
  /// The number in Event/System/EventRecordID, if any.
  std::optional<uint64_t> eventRecordId() const { return eventRecordId_; }

private:
  struct Frame {
    Str key;
    uint32_t node; ///< kNone: not created yet (<Data> without Name)
    bool dataName; ///< <Data Name=...>
  };

  uint32_t newNode(Node::Kind kind) {
    Node &n = nodes_.push();
    n.kind = kind;
    n.array = false;
    n.first = n.last = kNone;
    n.keyBits = 0;
    return static_cast<uint32_t>(nodes_.size() - 1);
  }
  uint32_t newScalar(const Scalar &v) {
    const uint32_t n = newNode(Node::Null);
    setScalar(n, v);
    return n;
  }
  void setScalar(uint32_t n, const Scalar &v) {
    Node &node = nodes_[n];
    node.kind = v.kind == Scalar::Null ? Node::Null : v.kind == Scalar::Raw ? Node::Raw : Node::String;
    node.array = v.array;
    node.text = v.text;
    node.str = v.str;
    node.first = node.last = kNone;
    node.keyBits = 0;
  }
  /// Pushes a value onto a JSON array node.
  void push(uint32_t n, const Scalar &v) {
    const Str a = nodes_[n].text;
    size_t extra = v.kind == Scalar::String ? 2 + 6 * size_t(v.text.n) : v.kind == Scalar::Raw ? v.text.n : 4;
    char *d = arena_.reserve(a.n + 1 + extra);
    size_t o = a.n - 1; // without ']'
    copyBytes(d, a.p, o);
    if (a.n > 2)
      d[o++] = ',';
    if (v.kind == Scalar::String) {
      d[o++] = '"';
      o += escape(d + o, v.text.p, v.text.n);
      d[o++] = '"';
    } else if (v.kind == Scalar::Raw) {
      copyBytes(d + o, v.text.p, v.text.n);
      o += v.text.n;
    } else {
      std::memcpy(d + o, "null", 4);
      o += 4;
    }
    d[o++] = ']';
    nodes_[n].text = arena_.commit(o);
  }

  uint32_t find(uint32_t object, Str key) {
    if (!(nodes_[object].keyBits & keyBit(key)))
      return kNone;
    for (uint32_t e = nodes_[object].first; e != kNone; e = entries_[e].next) {
      ++work_;
      if (entries_[e].key.n == key.n && (key.n == 0 || std::memcmp(entries_[e].key.p, key.p, key.n) == 0))
        return e;
    }
    return kNone;
  }
  uint32_t append(uint32_t object, Str key, uint32_t node) {
    Entry &entry = entries_.push();
    entry.key = key;
    entry.node = node;
    entry.next = kNone;
    const uint32_t e = static_cast<uint32_t>(entries_.size() - 1);
    Node &o = nodes_[object];
    o.keyBits |= keyBit(key);
    if (o.last == kNone)
      o.first = e;
    else
      entries_[o.last].next = e;
    o.last = e;
    return e;
  }

  /// One step of get_or_create_current_path: the entry for `key` in node
  /// `n`, created as {} when missing. A null node becomes an object; any
  /// other non-object becomes {key: its old value} (the crate's rule).
  uint32_t childEntry(uint32_t n, Str key) {
    if (nodes_[n].kind == Node::Object) {
      const uint32_t e = find(n, key);
      return e != kNone ? e : append(n, key, newNode(Node::Object));
    }
    if (nodes_[n].kind == Node::Null) {
      nodes_[n].kind = Node::Object;
      return append(n, key, newNode(Node::Object));
    }
    const uint32_t moved = newNode(Node::Null);
    nodes_[moved] = nodes_[n];
    nodes_[n] = makeNode(Node::Object);
    return append(n, key, moved);
  }

  /// The node of frame `f`, creating the path to it as the crate does.
  uint32_t resolve(size_t f) {
    if (frames_[f].node != kNone)
      return frames_[f].node;
    const uint32_t parent = resolve(f - 1);
    const uint32_t e = childEntry(parent, frames_[f].key);
    return frames_[f].node = entries_[e].node;
  }

  bool emptyPlaceholder(uint32_t n) const {
    return nodes_[n].kind == Node::Null || (nodes_[n].kind == Node::Object && nodes_[n].first == kNone);
  }

  /// The crate's next free NAME_N under `object`: one more than the largest
  /// N of the keys NAME_N and NAME_N_attributes, at least 1.
  Str duplicateKey(uint32_t object, Str base) {
    uint64_t next = 1;
    for (uint32_t e = nodes_[object].first; e != kNone; e = entries_[e].next) {
      ++work_;
      const Str k = entries_[e].key;
      if (k.n <= base.n + 1 || (base.n && std::memcmp(k.p, base.p, base.n) != 0) || k.p[base.n] != '_')
        continue;
      std::string_view rest(k.p + base.n + 1, k.n - base.n - 1);
      if (const size_t u = rest.find('_'); u != std::string_view::npos && rest.substr(u + 1) == "attributes")
        rest = rest.substr(0, u);
      uint64_t v = 0;
      const auto r = std::from_chars(rest.data(), rest.data() + rest.size(), v);
      if (r.ec == std::errc() && r.ptr == rest.data() + rest.size() && v >= next)
        next = v + 1;
    }
    char *d = arena_.reserve(base.n + 21);
    copyBytes(d, base.p, base.n);
    d[base.n] = '_';
    const auto r = std::to_chars(d + base.n + 1, d + base.n + 21, next);
    return arena_.commit(static_cast<size_t>(r.ptr - d));
  }

  /// insert_node_without_attributes.
  void insertElement(Str key) {
    const uint32_t parent = resolve(frames_.size() - 1);
    const uint32_t e = childEntry(parent, key);
    const uint32_t old = entries_[e].node;
    const uint32_t placeholder = newNode(Node::Null);
    entries_[e].node = placeholder;
    if (!emptyPlaceholder(old))
      append(parent, duplicateKey(parent, key), old);
    frames_.push_back({key, placeholder, false});
  }

  /// insert_node_with_attributes (attributes not separated).
  void insertWithAttributes(Str name, const std::vector<Attribute> &attributes) {
    uint32_t map = kNone;
    for (const Attribute &a : attributes) {
      if (a.value.kind == Scalar::Null)
        continue;
      if (map == kNone)
        map = newNode(Node::Object);
      const uint32_t e = find(map, a.name);
      if (e != kNone)
        setScalar(entries_[e].node, a.value);
      else
        append(map, a.name, newScalar(a.value));
    }
    const uint32_t parent = resolve(frames_.size() - 1);
    const uint32_t e = childEntry(parent, name);
    uint32_t node;
    if (map != kNone) {
      const uint32_t old = entries_[e].node;
      if (nodes_[old].kind == Node::Object && nodes_[old].first != kNone)
        append(parent, duplicateKey(parent, name), old);
      node = newNode(Node::Object);
      static constexpr char attrs[] = "#attributes";
      append(node, Str{attrs, 11}, map);
    } else {
      node = newNode(Node::Null);
    }
    entries_[e].node = node;
    frames_.push_back({name, node, false});
  }

  size_t write(uint32_t n, char *out) const {
    const Node &node = nodes_[n];
    switch (node.kind) {
    case Node::Null: std::memcpy(out, "null", 4); return 4;
    case Node::Raw: copyBytes(out, node.text.p, node.text.n); return node.text.n;
    case Node::String: {
      size_t o = 0;
      out[o++] = '"';
      o += escape(out + o, node.text.p, node.text.n);
      out[o++] = '"';
      return o;
    }
    case Node::Object: {
      size_t o = 0;
      out[o++] = '{';
      for (uint32_t e = node.first; e != kNone; e = entries_[e].next) {
        if (e != node.first)
          out[o++] = ',';
        out[o++] = '"';
        o += escape(out + o, entries_[e].key.p, entries_[e].key.n);
        out[o++] = '"';
        out[o++] = ':';
        o += write(entries_[e].node, out + o);
      }
      out[o++] = '}';
      return o;
    }
    }
    return 0;
  }

  Arena &arena_;
  const JsonOptions &options_;
  std::optional<uint64_t> eventRecordId_;
  uint64_t work_ = 0;
  Pool<Node> nodes_;
  Pool<Entry> entries_;
  Pool<Frame> frames_;
};

//===-- Names --------------------------------------------------------------===//

/// The names of one chunk (element, attribute, entity), by offset, as UTF-8.
class NameCache {
public:
  void reset(Arena *arena) {
    arena_ = arena;
    std::fill(slots_.begin(), slots_.end(), Slot{});
    used_ = 0;
  }
  /// The name at `offset` of the chunk; false when it does not fit in it.
  bool get(const uint8_t *chunk, uint32_t size, uint32_t offset, Str &name, uint32_t &bytes) {
    if (slots_.empty())
      slots_.resize(1024);
    size_t mask = slots_.size() - 1, i = (offset * 2654435761u) & mask;
    for (; slots_[i].used; i = (i + 1) & mask)
      if (slots_[i].offset == offset) {
        name = slots_[i].name;
        bytes = slots_[i].bytes;
        return true;
      }
    // Name: next-name offset (4), hash (2), character count (2), UTF-16, NUL.
    if (offset > size || size - offset < 8)
      return false;
    const uint32_t count = rd16(chunk + offset + 6);
    if (size - offset - 8 < 2 * count)
      return false;
    name = utf16(*arena_, chunk + offset + 8, count);
    bytes = 8 + 2 * count + 2;
    slots_[i] = Slot{true, offset, bytes, name};
    if (++used_ * 2 > slots_.size())
      grow();
    return true;
  }

private:
  struct Slot {
    bool used = false;
    uint32_t offset = 0, bytes = 0;
    Str name;
  };
  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    const size_t mask = slots_.size() - 1;
    for (const Slot &s : old)
      if (s.used) {
        size_t i = (s.offset * 2654435761u) & mask;
        while (slots_[i].used)
          i = (i + 1) & mask;
        slots_[i] = s;
      }
  }
  Arena *arena_ = nullptr;
  std::vector<Slot> slots_;
  size_t used_ = 0;
};

//===-- The decoder --------------------------------------------------------===//

/// Token codes (the 0x40 bit, "more follows", is masked off).
enum : uint8_t {
  kEof = 0x00,
  kOpenStart = 0x01,
  kCloseStart = 0x02,
  kCloseEmpty = 0x03,
  kEndElement = 0x04,
  kValue = 0x05,
  kAttribute = 0x06,
  kCData = 0x07,
  kCharRef = 0x08,
  kEntityRef = 0x09,
  kPiTarget = 0x0A,
  kPiData = 0x0B,
  kTemplateInstance = 0x0C,
  kSubstitution = 0x0D,
  kOptionalSubstitution = 0x0E,
  kFragmentHeader = 0x0F,
};

struct SubValue {
  uint8_t type;
  uint16_t size;
  uint32_t offset; ///< in the chunk
};

} // namespace

struct BinXmlRenderer::Impl {
  const uint8_t *chunk = nullptr;
  uint32_t chunkSize = 0;
  JsonOptions options;
  Arena names, strings;
  NameCache nameCache;
  Tree tree{strings, options};
  ArrayBuilder arrays{strings};
  std::vector<SubValue> values;
  std::vector<Tree::Attribute> attributes;
  bool inStartTag = false, attributePending = false;
  Str elementName, attributeName;
  unsigned nesting = 0;
  uint32_t tokens = 0;
  uint64_t chunkCost = 0; ///< tokens, key comparisons and bytes / 16 of the chunk's records so far
  const char *error = nullptr;
  uint32_t errorOffset = 0;
  std::unique_ptr<char[]> out;
  size_t outCapacity = 0, outSize = 0;

  bool fail(const char *why, uint32_t at) {
    if (!error) {
      error = why;
      errorOffset = at;
    }
    return false;
  }

  /// Whether [pos, pos + n) lies before `end`.
  static bool fits(uint32_t pos, uint32_t end, uint64_t n) { return pos <= end && end - pos >= n; }

  bool readName(uint32_t &pos, uint32_t end, Str &name) {
    if (!fits(pos, end, 4))
      return fail("name reference past the end", pos);
    const uint32_t offset = rd32(chunk + pos);
    pos += 4;
    uint32_t bytes;
    if (!nameCache.get(chunk, chunkSize, offset, name, bytes))
      return fail("name outside the chunk", pos - 4);
    if (offset == pos) { // defined here: skip it
      if (!fits(pos, end, bytes))
        return fail("name past the end", pos);
      pos += bytes;
    }
    return true;
  }

  /// A value (text, substitution, reference) in content or in a start tag.
  bool emit(const Scalar &v, uint32_t at) {
    if (inStartTag) {
      if (attributePending) { // a second value of one attribute is ignored
        attributes.push_back({attributeName, v});
        attributePending = false;
      }
      return true;
    }
    tree.characters(v);
    if (strings.total() > kMaxBytes)
      return fail("record expands past the size limit", at);
    return true;
  }

  /// The scalar of a sized value (substitutions; Binary XML values are
  /// handled by the caller).
  bool sizedValue(uint8_t type, const uint8_t *p, uint32_t size, Scalar &v, uint32_t at) {
    const uint8_t base = type & 0x7F;
    if (!(type & kArray)) {
      switch (type) {
      case kNullType: v = nullScalar(); return true;
      case kString: {
        Str text = utf16(strings, p, size / 2);
        if (options.trimStrings)
          text = trimEnd(text);
        v = stringScalar(text);
        return true;
      }
      case kAnsiString: v = stringScalar(ansi(strings, p, size)); return true;
      case kBinary: v = stringScalar(hexBytes(strings, p, size)); return true;
      case kSizeT:
        if (size == 4)
          v = stringScalar(hexNumber(strings, rd32(p)));
        else if (size == 8)
          v = stringScalar(hexNumber(strings, rd64(p)));
        else
          return fail("SizeT value of a size other than 4 or 8", at);
        return true;
      case kSid: {
        Str s;
        size_t used;
        if (!sid(strings, p, size, s, used))
          return fail("SID value cut short", at);
        v = stringScalar(s);
        return true;
      }
      case kEvtHandle:
      case kEvtXml: v = nullScalar(); return true;
      default: break;
      }
      const unsigned width = fixedSize(base);
      if (width == 0)
        return fail("value of an unknown type", at);
      if (size < width)
        return fail("value smaller than its type", at);
      v = fixedValue(strings, base, p, options);
      return true;
    }
    // Arrays.
    if (base == kString) {
      size_t units = size / 2, i = 0;
      while (i < units) {
        size_t j = i;
        while (j < units && rd16(p + 2 * j) != 0)
          ++j;
        arrays.add(stringScalar(utf16(strings, p + 2 * i, j - i)));
        i = j + 1;
      }
      v = arrays.finish();
      return true;
    }
    if (base == kSid) {
      for (uint32_t i = 0; i < size;) {
        Str s;
        size_t used;
        if (!sid(strings, p + i, size - i, s, used))
          return fail("SID array value cut short", at);
        arrays.add(stringScalar(s));
        i += static_cast<uint32_t>(used);
      }
      v = arrays.finish();
      return true;
    }
    const unsigned width = fixedSize(base);
    if (width == 0) { // arrays of Binary, AnsiString, SizeT: the crate has none
      v = nullScalar();
      return true;
    }
    for (uint32_t i = 0; i + width <= size; i += width)
      arrays.add(fixedValue(strings, base, p + i, options));
    v = arrays.finish();
    return true;
  }

  /// A Value token's value (type byte read): its size comes from the stream.
  bool inlineValue(uint8_t type, uint32_t &pos, uint32_t end, Scalar &v) {
    const uint32_t at = pos;
    if (type == kString) {
      if (!fits(pos, end, 2))
        return fail("text past the end", at);
      const uint32_t units = rd16(chunk + pos);
      if (!fits(pos + 2, end, 2 * uint64_t(units)))
        return fail("text past the end", at);
      v = stringScalar(utf16(strings, chunk + pos + 2, units));
      pos += 2 + 2 * units;
      return true;
    }
    if (type == kNullType) {
      v = nullScalar();
      return true;
    }
    if (type == kSid) {
      Str s;
      size_t used;
      if (!sid(strings, chunk + pos, end - pos, s, used))
        return fail("SID value cut short", at);
      v = stringScalar(s);
      pos += static_cast<uint32_t>(used);
      return true;
    }
    const unsigned width = (type & kArray) ? 0 : fixedSize(type);
    if (width == 0)
      return fail("inline value of a type without a fixed size", at);
    if (!fits(pos, end, width))
      return fail("value past the end", at);
    v = fixedValue(strings, type, chunk + pos, options);
    pos += width;
    return true;
  }

  bool templateInstance(uint32_t &pos, uint32_t end) {
    const uint32_t at = pos - 1;
    if (!fits(pos, end, 9))
      return fail("template instance past the end", at);
    const uint32_t definition = rd32(chunk + pos + 5);
    pos += 9;
    // Definition: next-definition offset (4), GUID (16), data size (4), data.
    if (definition > chunkSize || chunkSize - definition < 24)
      return fail("template definition outside the chunk", at);
    const uint32_t dataSize = rd32(chunk + definition + 20);
    if (chunkSize - definition - 24 < dataSize)
      return fail("template definition outside the chunk", at);
    if (definition == pos) { // defined here: skip it
      if (!fits(pos, end, 24 + uint64_t(dataSize)))
        return fail("template definition past the end", at);
      pos += 24 + dataSize;
    }
    if (!fits(pos, end, 4))
      return fail("template values past the end", pos);
    const uint32_t count = rd32(chunk + pos);
    pos += 4;
    if (!fits(pos, end, 4 * uint64_t(count)))
      return fail("template value descriptors past the end", pos);
    const size_t base = values.size();
    uint32_t offset = pos + 4 * count;
    for (uint32_t i = 0; i < count; ++i) {
      const uint8_t *d = chunk + pos + 4 * i;
      const SubValue v{d[2], rd16(d), offset};
      if (!knownType(v.type))
        return fail("template value of an unknown type", pos + 4 * i);
      if (!fits(offset, end, v.size))
        return fail("template value past the end", pos + 4 * i);
      values.push_back(v);
      offset += v.size;
    }
    pos = offset;
    if (++nesting > kMaxNesting)
      return fail("templates nested too deeply", at);
    const bool ok = fragment(definition + 24, definition + 24 + dataSize, true, base, count);
    --nesting;
    values.resize(base);
    return ok;
  }

  bool substitution(uint32_t &pos, uint32_t end, bool optional, size_t base, size_t count) {
    const uint32_t at = pos - 1;
    if (!fits(pos, end, 3))
      return fail("substitution past the end", at);
    const uint32_t index = rd16(chunk + pos);
    const uint8_t declared = chunk[pos + 2];
    pos += 3;
    if (optional && declared == kNullType)
      return true; // the crate leaves these out
    if (index >= count)
      return fail("substitution of a value the template instance lacks", at);
    const SubValue v = values[base + index];
    if (v.type == kBinXml) {
      if (inStartTag)
        return fail("Binary XML value inside a start tag", at);
      if (++nesting > kMaxNesting)
        return fail("Binary XML values nested too deeply", at);
      const bool ok = fragment(v.offset, v.offset + v.size, false, values.size(), 0);
      --nesting;
      return ok;
    }
    Scalar s;
    if (!sizedValue(v.type, chunk + v.offset, v.size, s, v.offset))
      return false;
    return emit(s, at);
  }

  /// Walks the tokens at [pos, end) up to an end-of-fragment token.
  /// `inTemplate`: element starts carry a dependency identifier; `base` and
  /// `count`: the substitution values in reach.
  bool fragment(uint32_t pos, uint32_t end, bool inTemplate, size_t base, size_t count) {
    while (pos < end) {
      if (++tokens > kMaxTokens)
        return fail("record expands to too many tokens", pos);
      if (strings.total() > kMaxBytes)
        return fail("record expands past the size limit", pos);
      if (tree.work() > kMaxWork)
        return fail("record repeats element names too often", pos);
      const uint32_t at = pos;
      const uint8_t token = chunk[pos++];
      const bool more = token & 0x40;
      switch (token & 0xBF) {
      case kEof: return true;
      case kOpenStart: {
        if (inStartTag)
          return fail("element start inside a start tag", at);
        // [dependency id (2), in templates] data size (4) name [attribute list size (4)]
        if (inTemplate) {
          if (!fits(pos, end, 6))
            return fail("element start past the end", at);
          // Some writers leave the identifier out: a data size that cannot
          // be says so (the crate's heuristic).
          if (rd32(chunk + pos + 2) < chunkSize)
            pos += 2;
        }
        if (!fits(pos, end, 4))
          return fail("element start past the end", at);
        pos += 4;
        if (!readName(pos, end, elementName))
          return false;
        if (more) {
          if (!fits(pos, end, 4))
            return fail("element start past the end", at);
          pos += 4;
        }
        if (tree.depth() >= kMaxElementDepth)
          return fail("elements nested too deeply", at);
        inStartTag = true;
        attributePending = false;
        attributes.clear();
        break;
      }
      case kCloseStart:
      case kCloseEmpty:
        if (!inStartTag)
          return fail("start tag end outside a start tag", at);
        inStartTag = false;
        tree.open(elementName, attributes);
        if ((token & 0xBF) == kCloseEmpty)
          tree.close();
        break;
      case kEndElement:
        if (inStartTag)
          return fail("element end inside a start tag", at);
        if (!tree.close())
          return fail("element end without an element", at);
        break;
      case kValue: {
        if (!fits(pos, end, 1))
          return fail("value past the end", at);
        const uint8_t type = chunk[pos++];
        Scalar v;
        if (!inlineValue(type, pos, end, v) || !emit(v, at))
          return false;
        break;
      }
      case kAttribute:
        if (!inStartTag)
          return fail("attribute outside a start tag", at);
        if (!readName(pos, end, attributeName))
          return false;
        attributePending = true;
        break;
      case kCData: {
        if (!fits(pos, end, 2))
          return fail("CDATA past the end", at);
        const uint32_t units = rd16(chunk + pos);
        if (!fits(pos + 2, end, 2 * uint64_t(units)))
          return fail("CDATA past the end", at);
        const Scalar v = stringScalar(utf16(strings, chunk + pos + 2, units));
        pos += 2 + 2 * units;
        if (!emit(v, at))
          return false;
        break;
      }
      case kCharRef: {
        if (!fits(pos, end, 2))
          return fail("character reference past the end", at);
        uint32_t c = rd16(chunk + pos);
        pos += 2;
        if (c >= 0xD800 && c <= 0xDFFF)
          c = 0xFFFD;
        char *d = strings.reserve(4);
        if (!emit(stringScalar(strings.commit(putUtf8(d, c))), at))
          return false;
        break;
      }
      case kEntityRef: {
        Str name;
        if (!readName(pos, end, name))
          return false;
        static constexpr std::pair<std::string_view, std::string_view> kEntities[] = {
            {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}};
        Str text;
        for (const auto &[entity, value] : kEntities)
          if (name.is(entity))
            text = strings.copy(value);
        if (text.p == nullptr) {
          char *d = strings.reserve(name.n + 2);
          d[0] = '&';
          copyBytes(d + 1, name.p, name.n);
          d[name.n + 1] = ';';
          text = strings.commit(name.n + 2);
        }
        if (!emit(stringScalar(text), at))
          return false;
        break;
      }
      case kPiTarget: {
        Str name;
        if (!readName(pos, end, name))
          return false;
        break;
      }
      case kPiData: {
        if (!fits(pos, end, 2))
          return fail("processing instruction past the end", at);
        const uint32_t units = rd16(chunk + pos);
        if (!fits(pos + 2, end, 2 * uint64_t(units)))
          return fail("processing instruction past the end", at);
        pos += 2 + 2 * units;
        break;
      }
      case kTemplateInstance:
        if (inStartTag)
          return fail("template instance inside a start tag", at);
        if (!templateInstance(pos, end))
          return false;
        break;
      case kSubstitution:
      case kOptionalSubstitution:
        if (!substitution(pos, end, (token & 0xBF) == kOptionalSubstitution, base, count))
          return false;
        break;
      case kFragmentHeader:
        if (!fits(pos, end, 3))
          return fail("fragment header past the end", at);
        pos += 3;
        break;
      default: return fail("unknown token", at);
      }
    }
    return true;
  }
};

BinXmlRenderer::BinXmlRenderer() : impl_(std::make_unique<Impl>()) {}
BinXmlRenderer::~BinXmlRenderer() = default;

void BinXmlRenderer::setOptions(const JsonOptions &options) { impl_->options = options; }

void BinXmlRenderer::setChunk(const uint8_t *chunk, uint32_t size) {
  impl_->chunk = chunk;
  impl_->chunkSize = size;
  impl_->names.reset();
  impl_->nameCache.reset(&impl_->names);
  impl_->outSize = 0;
  impl_->chunkCost = 0;
}

bool BinXmlRenderer::render(uint32_t begin, uint32_t end, std::string &error) {
  Impl &m = *impl_;
  m.outSize = 0;
  if (begin > end || end > m.chunkSize) {
    error = "event data outside the chunk";
    return false;
  }
  if (m.chunkCost > kMaxChunkCost) {
    error = "the chunk's records expand past the chunk's limit";
    return false;
  }
  m.strings.reset();
  m.tree.reset();
  m.values.clear();
  m.inStartTag = m.attributePending = false;
  m.nesting = 0;
  m.tokens = 0;
  m.error = nullptr;
  bool ok = m.fragment(begin, end, false, 0, 0);
  m.chunkCost += m.tokens + m.tree.work() + m.strings.total() / 16;
  if (ok && m.inStartTag)
    ok = m.fail("event data ends inside a start tag", end);
  if (ok && m.tree.depth() != 0)
    ok = m.fail("event data ends inside an element", end);
  if (ok && m.tree.nodeCount() == 1)
    ok = m.fail("event data holds no element", begin);
  size_t size = 0;
  if (ok && (size = m.tree.size()) > kMaxBytes + (size_t(1) << 20))
    ok = m.fail("record expands past the size limit", begin);
  if (!ok) {
    char where[32];
    std::snprintf(where, sizeof where, " at chunk offset 0x%x", m.errorOffset);
    error = std::string(m.error) + where;
    return false;
  }
  if (size + kPadding > m.outCapacity) {
    m.outCapacity = std::max(size + kPadding, m.outCapacity * 2);
    m.out.reset(new char[m.outCapacity]);
  }
  m.outSize = m.tree.write(m.out.get());
  std::memset(m.out.get() + m.outSize, 0, kPadding);
  return true;
}

std::string_view BinXmlRenderer::json() const { return {impl_->out.get(), impl_->outSize}; }

std::optional<uint64_t> BinXmlRenderer::eventRecordId() const { return impl_->tree.eventRecordId(); }

} // namespace rulec::evtx
