//===- Helpers.cpp - String and value functions the generated code calls --===//
//
// Declared in include/rulec/abi.h. Kept small and C-callable: the JIT binds
// them as absolute symbols, AOT packs link against the runtime library. IP
// helpers live in IpAddress.cpp.
//
//===----------------------------------------------------------------------===//
#include "rulec/abi.h"

#include <cmath>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <string.h>

namespace {

inline unsigned char lower(unsigned char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c - 'A' + 'a') : c;
}

bool isNumber(const rulec_value *v) {
  return v->kind == RULEC_INT || v->kind == RULEC_BOOL || v->kind == RULEC_DOUBLE;
}

/// Exact ordering of an int and a double, as Python compares them: -1, 0, 1,
/// or 2 for NaN.
int compareIntDouble(int64_t i, double d) {
  if (std::isnan(d))
    return 2;
  if (d >= 0x1p63)
    return -1;
  if (d < -0x1p63)
    return 1;
  double fl = std::floor(d);
  int64_t di = static_cast<int64_t>(fl);
  if (i < di)
    return -1;
  if (i > di)
    return 1;
  return fl == d ? 0 : -1; // i == floor(d) < d when d has a fraction
}

} // namespace

extern "C" int rulec_rt_ieq(const char *s, uint32_t n, const char *lowerNeedle, uint32_t lowerN) {
  if (n != lowerN)
    return 0;
  uint32_t i = 0;
#if defined(__SSE2__)
  // 16 bytes at a time: fold 'A'-'Z' (signed compares leave bytes >= 0x80 alone).
  const __m128i below = _mm_set1_epi8('A' - 1), above = _mm_set1_epi8('Z' + 1), bit = _mm_set1_epi8(0x20);
  for (; i + 16 <= n; i += 16) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i *>(s + i));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i *>(lowerNeedle + i));
    const __m128i upper = _mm_and_si128(_mm_cmpgt_epi8(a, below), _mm_cmplt_epi8(a, above));
    const __m128i folded = _mm_or_si128(a, _mm_and_si128(upper, bit));
    if (_mm_movemask_epi8(_mm_cmpeq_epi8(folded, b)) != 0xFFFF)
      return 0;
  }
#endif
  for (; i < n; ++i)
    if (lower(static_cast<unsigned char>(s[i])) != static_cast<unsigned char>(lowerNeedle[i]))
      return 0;
  return 1;
}

extern "C" int rulec_rt_contains(const char *s, uint32_t n, const char *needle, uint32_t needleN) {
  if (needleN == 0)
    return 1;
  return memmem(s, n, needle, needleN) != nullptr;
}

/// Case-insensitive substring search, 16 positions at a time (SSE2, in every
/// x86-64): a position is a candidate when its byte and the byte m-1 later
/// fold to the needle's first and last bytes; only candidates are compared
/// whole. Letters fold by OR 0x20, which maps exactly 'A'/'a' onto 'a'; other
/// needle bytes compare exactly. Sigma packs spend most of their time here.
extern "C" int rulec_rt_icontains(const char *s, uint32_t n, const char *lowerNeedle,
                                  uint32_t lowerN) {
  if (lowerN == 0)
    return 1;
  if (lowerN > n)
    return 0;
  const unsigned char first = static_cast<unsigned char>(lowerNeedle[0]);
  const unsigned char last = static_cast<unsigned char>(lowerNeedle[lowerN - 1]);
  auto middleMatches = [&](uint32_t at) {
    return lowerN <= 2 || rulec_rt_ieq(s + at + 1, lowerN - 2, lowerNeedle + 1, lowerN - 2);
  };
  uint32_t i = 0;
#if defined(__SSE2__)
  auto foldMask = [](unsigned char c) { return static_cast<char>(c >= 'a' && c <= 'z' ? 0x20 : 0); };
  const __m128i f = _mm_set1_epi8(static_cast<char>(first)), fm = _mm_set1_epi8(foldMask(first));
  const __m128i l = _mm_set1_epi8(static_cast<char>(last)), lm = _mm_set1_epi8(foldMask(last));
  for (; i + lowerN - 1 + 16 <= n; i += 16) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i *>(s + i));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i *>(s + i + lowerN - 1));
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(
        _mm_and_si128(_mm_cmpeq_epi8(_mm_or_si128(a, fm), f), _mm_cmpeq_epi8(_mm_or_si128(b, lm), l))));
    for (; mask; mask &= mask - 1)
      if (middleMatches(i + static_cast<uint32_t>(__builtin_ctz(mask))))
        return 1;
  }
#endif
  for (; i + lowerN <= n; ++i)
    if (lower(static_cast<unsigned char>(s[i])) == first &&
        lower(static_cast<unsigned char>(s[i + lowerN - 1])) == last && middleMatches(i))
      return 1;
  return 0;
}

namespace {

/// -1, 0, 1 as Python orders two numbers; 2 if either is not a number or NaN.
int compareNumbers(const rulec_value *a, const rulec_value *b) {
  if (!isNumber(a) || !isNumber(b))
    return 2;
  const bool aInt = a->kind != RULEC_DOUBLE, bInt = b->kind != RULEC_DOUBLE;
  if (aInt && bInt)
    return a->payload.i < b->payload.i ? -1 : a->payload.i > b->payload.i ? 1 : 0;
  if (!aInt && !bInt) {
    if (std::isnan(a->payload.d) || std::isnan(b->payload.d))
      return 2;
    return a->payload.d < b->payload.d ? -1 : a->payload.d > b->payload.d ? 1 : 0;
  }
  if (aInt)
    return compareIntDouble(a->payload.i, b->payload.d);
  int r = compareIntDouble(b->payload.i, a->payload.d);
  return r == 2 ? 2 : -r;
}

bool foldEqual(const char *a, const char *b, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i)
    if (lower(static_cast<unsigned char>(a[i])) != lower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

bool foldContains(const char *s, uint32_t n, const char *needle, uint32_t m) {
  if (m == 0)
    return true;
  if (m > n)
    return false;
  // Candidates are the positions holding the needle's first byte in either
  // case, found 16 at a time (Sigma list elements can be kilobytes of script,
  // tested for a hundred needles in turn); each is compared whole.
  const unsigned char first = lower(static_cast<unsigned char>(needle[0]));
  const unsigned char other = (first >= 'a' && first <= 'z') ? static_cast<unsigned char>(first - 'a' + 'A') : first;
  const uint32_t lastStart = n - m; // the last position a match may start at
  uint32_t i = 0;
  const __m128i a = _mm_set1_epi8(static_cast<char>(first)), b = _mm_set1_epi8(static_cast<char>(other));
  for (; i + 16 <= n && i <= lastStart; i += 16) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i *>(s + i));
    unsigned mask = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(block, a), _mm_cmpeq_epi8(block, b))));
    for (; mask; mask &= mask - 1) {
      const uint32_t p = i + static_cast<uint32_t>(__builtin_ctz(mask));
      if (p <= lastStart && foldEqual(s + p, needle, m))
        return true;
    }
  }
  for (; i <= lastStart; ++i)
    if (lower(static_cast<unsigned char>(s[i])) == first && foldEqual(s + i, needle, m))
      return true;
  return false;
}

} // namespace

extern "C" int rulec_rt_compare_fields(const rulec_value *a, const rulec_value *b, uint32_t op) {
  if (op >= RULEC_CMP_LT) {
    int r = compareNumbers(a, b);
    if (r == 2)
      return 0;
    switch (op) {
    case RULEC_CMP_LT: return r < 0;
    case RULEC_CMP_LE: return r <= 0;
    case RULEC_CMP_GT: return r > 0;
    default: return r >= 0;
    }
  }
  if (op == RULEC_CMP_EQ && isNumber(a) && isNumber(b))
    return compareNumbers(a, b) == 0;
  if (op == RULEC_CMP_EQ && a->kind == RULEC_NULL && b->kind == RULEC_NULL)
    return 1;
  if (a->kind != RULEC_STRING || b->kind != RULEC_STRING)
    return 0;
  const char *s = a->payload.s, *t = b->payload.s;
  const uint32_t n = a->len, m = b->len;
  switch (op) {
  case RULEC_CMP_EQ: return n == m && std::memcmp(s, t, n) == 0;
  case RULEC_CMP_IEQ: return n == m && foldEqual(s, t, n);
  case RULEC_CMP_CONTAINS: return m == 0 || memmem(s, n, t, m) != nullptr;
  case RULEC_CMP_ICONTAINS: return foldContains(s, n, t, m);
  case RULEC_CMP_STARTSWITH: return m <= n && std::memcmp(s, t, m) == 0;
  case RULEC_CMP_ISTARTSWITH: return m <= n && foldEqual(s, t, m);
  case RULEC_CMP_ENDSWITH: return m <= n && std::memcmp(s + n - m, t, m) == 0;
  case RULEC_CMP_IENDSWITH: return m <= n && foldEqual(s + n - m, t, m);
  default: return 0;
  }
}
