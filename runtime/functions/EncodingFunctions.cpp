//===- EncodingFunctions.cpp - base64, URL encoding, hashes, punycode -------===//
//
// base64 is .NET's Convert (padding required: an unpadded string decodes to
// null, as Kusto documents for base64_decode_toarray); URL encoding is
// .NET's HttpUtility.UrlEncode (lower-case %xx, space as '+').
// hash()/hash_xxhash64 are XXH64 (seed 0) of the value's bytes: a string's
// UTF-8, a long's or real's 8 bytes (little-endian), a datetime's or
// timespan's 100 ns ticks (datetimes from 0001-01-01); hash_md5/sha1/sha256
// hash the value's text (Kusto's tostring). All written here: the runtime
// links no crypto library. zlib/gzip use zlib; decompression is bounded.
//
//===----------------------------------------------------------------------===//
#include "functions/Arguments.h"
#include "functions/FunctionLibrary.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cctype>
#include <cstring>

#include <zlib.h>

namespace rulec::functions {

namespace {

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// .NET's Convert.FromBase64String: whitespace skipped, a length that is a
/// multiple of 4, at most two '=' and only at the end.
bool base64Decode(std::string_view in, std::string &out) {
  out.clear();
  uint32_t buffer = 0;
  int bits = 0;
  size_t padding = 0, symbols = 0;
  for (char c : in) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
      continue;
    ++symbols;
    if (c == '=') {
      ++padding;
      continue;
    }
    const char *at = c ? std::strchr(kBase64, c) : nullptr;
    if (!at || padding)
      return false;
    buffer = buffer << 6 | static_cast<uint32_t>(at - kBase64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>(buffer >> bits & 0xFF);
    }
  }
  return padding <= 2 && symbols % 4 == 0;
}

std::string base64Encode(std::string_view in) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t n = uint32_t(uint8_t(in[i])) << 16 | uint32_t(uint8_t(in[i + 1])) << 8 | uint8_t(in[i + 2]);
    for (int shift : {18, 12, 6, 0})
      out += kBase64[n >> shift & 63];
  }
  if (i < in.size()) {
    uint32_t n = uint32_t(uint8_t(in[i])) << 16;
    if (i + 1 < in.size())
      n |= uint32_t(uint8_t(in[i + 1])) << 8;
    out += kBase64[n >> 18 & 63];
    out += kBase64[n >> 12 & 63];
    out += i + 1 < in.size() ? kBase64[n >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

void base64DecodeToString(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text, decoded;
  if (textArg(ctx, argc, args, 0, text) && base64Decode(text, decoded) && validUtf8(decoded))
    *out = kqlvalue::string(ctx, decoded);
}

void base64EncodeToString(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text;
  if (textArg(ctx, argc, args, 0, text))
    *out = kqlvalue::string(ctx, base64Encode(text));
}

/// base64_decode_toarray(s): the bytes as an array of longs.
void base64DecodeToArray(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text, decoded;
  if (!textArg(ctx, argc, args, 0, text) || !base64Decode(text, decoded))
    return;
  std::vector<std::string> items;
  items.reserve(decoded.size());
  for (char c : decoded)
    items.push_back(std::to_string(static_cast<unsigned char>(c)));
  *out = arrayValue(ctx, items);
}

/// base64_encode_fromarray(bytes): every element a long 0..255, else null.
void base64EncodeFromArray(rulec_context *ctx, uint32_t, const rulec_value *const *args, rulec_value *out) {
  std::vector<std::string> items;
  if (!arrayItems(ctx, *args[0], items))
    return;
  std::string bytes;
  for (const std::string &item : items) {
    int value;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
    if (ec != std::errc() || end != item.data() + item.size() || value < 0 || value > 255)
      return;
    bytes += static_cast<char>(value);
  }
  *out = kqlvalue::string(ctx, base64Encode(bytes));
}

void urlDecode(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text, decoded;
  if (!textArg(ctx, argc, args, 0, text))
    return;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned value = 0;
    if (text[i] == '%' && i + 2 < text.size() &&
        std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16).ptr == text.data() + i + 3) {
      decoded += static_cast<char>(value);
      i += 2;
    } else {
      decoded += text[i];
    }
  }
  if (validUtf8(decoded))
    *out = kqlvalue::string(ctx, decoded);
}

/// url_encode (space as '+') and url_encode_component (space as %20): the
/// UTF-8 bytes as lower-case %xx but for letters, digits and -_.!*().
template <bool component>
void urlEncode(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text, encoded;
  if (!textArg(ctx, argc, args, 0, text))
    return;
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) && u < 0x80) {
      encoded += c;
    } else if (std::strchr("-_.!*()", c) && c) {
      encoded += c;
    } else if (c == ' ' && !component) {
      encoded += '+';
    } else {
      encoded += '%';
      encoded += kHex[u >> 4];
      encoded += kHex[u & 15];
    }
  }
  *out = kqlvalue::string(ctx, encoded);
}

// --- Hashes -----------------------------------------------------------------

uint64_t rotl64(uint64_t x, int r) { return x << r | x >> (64 - r); }
uint32_t rotl32(uint32_t x, int r) { return x << r | x >> (32 - r); }
uint32_t rotr32(uint32_t x, int r) { return x >> r | x << (32 - r); }

uint64_t load64(const unsigned char *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i)
    v = v << 8 | p[i];
  return v;
}

uint32_t load32(const unsigned char *p) { return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24; }

/// XXH64, seed 0.
uint64_t xxhash64(std::string_view data) {
  static constexpr uint64_t P1 = 11400714785074694791ULL, P2 = 14029467366897019727ULL, P3 = 1609587929392839161ULL,
                            P4 = 9650029242287828579ULL, P5 = 2870177450012600261ULL;
  auto round = [](uint64_t acc, uint64_t input) { return rotl64(acc + input * P2, 31) * P1; };
  auto merge = [&](uint64_t acc, uint64_t v) { return (acc ^ round(0, v)) * P1 + P4; };
  const auto *p = reinterpret_cast<const unsigned char *>(data.data());
  const size_t n = data.size();
  size_t i = 0;
  uint64_t h;
  if (n >= 32) {
    uint64_t v1 = P1 + P2, v2 = P2, v3 = 0, v4 = 0 - P1;
    for (; i + 32 <= n; i += 32) {
      v1 = round(v1, load64(p + i));
      v2 = round(v2, load64(p + i + 8));
      v3 = round(v3, load64(p + i + 16));
      v4 = round(v4, load64(p + i + 24));
    }
    h = rotl64(v1, 1) + rotl64(v2, 7) + rotl64(v3, 12) + rotl64(v4, 18);
    h = merge(merge(merge(merge(h, v1), v2), v3), v4);
  } else {
    h = P5;
  }
  h += n;
  for (; i + 8 <= n; i += 8)
    h = rotl64(h ^ round(0, load64(p + i)), 27) * P1 + P4;
  if (i + 4 <= n) {
    h = rotl64(h ^ uint64_t(load32(p + i)) * P1, 23) * P2 + P3;
    i += 4;
  }
  for (; i < n; ++i)
    h = rotl64(h ^ p[i] * P5, 11) * P1;
  h ^= h >> 33;
  h *= P2;
  h ^= h >> 29;
  h *= P3;
  h ^= h >> 32;
  return h;
}

/// MD5 (RFC 1321).
std::array<unsigned char, 16> md5(std::string_view data) {
  static constexpr uint32_t K[64] = {
      0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
      0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
      0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
      0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
      0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
      0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
      0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
      0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};
  static constexpr int S[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9,  14, 20, 5, 9,
                                14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                                4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};
  std::string msg(data);
  const uint64_t bits = uint64_t(data.size()) * 8;
  msg += '\x80';
  while (msg.size() % 64 != 56)
    msg += '\0';
  for (int i = 0; i < 8; ++i)
    msg += static_cast<char>(bits >> (8 * i));
  uint32_t h[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
  for (size_t off = 0; off < msg.size(); off += 64) {
    const auto *block = reinterpret_cast<const unsigned char *>(msg.data() + off);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    for (int i = 0; i < 64; ++i) {
      uint32_t f;
      int g;
      if (i < 16)
        f = (b & c) | (~b & d), g = i;
      else if (i < 32)
        f = (d & b) | (~d & c), g = (5 * i + 1) % 16;
      else if (i < 48)
        f = b ^ c ^ d, g = (3 * i + 5) % 16;
      else
        f = c ^ (b | ~d), g = (7 * i) % 16;
      f += a + K[i] + load32(block + 4 * g);
      a = d;
      d = c;
      c = b;
      b += rotl32(f, S[i]);
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d;
  }
  std::array<unsigned char, 16> out;
  for (int i = 0; i < 16; ++i)
    out[i] = static_cast<unsigned char>(h[i / 4] >> (8 * (i % 4)));
  return out;
}

/// The message padded for SHA-1 / SHA-256 (big-endian length).
std::string shaPadded(std::string_view data) {
  std::string msg(data);
  const uint64_t bits = uint64_t(data.size()) * 8;
  msg += '\x80';
  while (msg.size() % 64 != 56)
    msg += '\0';
  for (int i = 7; i >= 0; --i)
    msg += static_cast<char>(bits >> (8 * i));
  return msg;
}

uint32_t loadBig32(const unsigned char *p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }

/// SHA-1 (FIPS 180-4).
std::array<unsigned char, 20> sha1(std::string_view data) {
  const std::string msg = shaPadded(data);
  uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  for (size_t off = 0; off < msg.size(); off += 64) {
    uint32_t w[80];
    for (int i = 0; i < 16; ++i)
      w[i] = loadBig32(reinterpret_cast<const unsigned char *>(msg.data() + off + 4 * i));
    for (int i = 16; i < 80; ++i)
      w[i] = rotl32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; ++i) {
      uint32_t f, k;
      if (i < 20)
        f = (b & c) | (~b & d), k = 0x5A827999;
      else if (i < 40)
        f = b ^ c ^ d, k = 0x6ED9EBA1;
      else if (i < 60)
        f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDC;
      else
        f = b ^ c ^ d, k = 0xCA62C1D6;
      const uint32_t t = rotl32(a, 5) + f + e + k + w[i];
      e = d, d = c, c = rotl32(b, 30), b = a, a = t;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
  }
  std::array<unsigned char, 20> out;
  for (int i = 0; i < 20; ++i)
    out[i] = static_cast<unsigned char>(h[i / 4] >> (24 - 8 * (i % 4)));
  return out;
}

/// SHA-256 (FIPS 180-4).
std::array<unsigned char, 32> sha256(std::string_view data) {
  static constexpr uint32_t K[64] = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
      0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
      0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
      0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
      0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
      0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
      0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
  const std::string msg = shaPadded(data);
  uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  for (size_t off = 0; off < msg.size(); off += 64) {
    uint32_t w[64];
    for (int i = 0; i < 16; ++i)
      w[i] = loadBig32(reinterpret_cast<const unsigned char *>(msg.data() + off + 4 * i));
    for (int i = 16; i < 64; ++i) {
      const uint32_t s0 = rotr32(w[i - 15], 7) ^ rotr32(w[i - 15], 18) ^ (w[i - 15] >> 3);
      const uint32_t s1 = rotr32(w[i - 2], 17) ^ rotr32(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; ++i) {
      const uint32_t t1 = hh + (rotr32(e, 6) ^ rotr32(e, 11) ^ rotr32(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
      const uint32_t t2 = (rotr32(a, 2) ^ rotr32(a, 13) ^ rotr32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      hh = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
  }
  std::array<unsigned char, 32> out;
  for (int i = 0; i < 32; ++i)
    out[i] = static_cast<unsigned char>(h[i / 4] >> (24 - 8 * (i % 4)));
  return out;
}

template <size_t N> std::string hex(const std::array<unsigned char, N> &bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

/// The bytes hash() hashes, false for a value it does not take.
bool hashBytes(rulec_context *ctx, const rulec_value &v, std::string &bytes) {
  // 0001-01-01 to 1970-01-01 in 100 ns ticks.
  static constexpr int64_t kEpochTicks = 621355968000000000LL;
  auto little = [&](uint64_t x) {
    bytes.clear();
    for (int i = 0; i < 8; ++i)
      bytes += static_cast<char>(x >> (8 * i));
  };
  switch (v.kind) {
  case RULEC_STRING: bytes.assign(v.payload.s, v.len); return true;
  case RULEC_INT: little(static_cast<uint64_t>(v.payload.i)); return true;
  case RULEC_DOUBLE: {
    uint64_t bits;
    std::memcpy(&bits, &v.payload.d, sizeof bits);
    little(bits);
    return true;
  }
  case RULEC_DATETIME: {
    // Floor division: ticks before 1970 round down.
    const int64_t ns = v.payload.i;
    little(static_cast<uint64_t>(kEpochTicks + (ns / 100 - (ns % 100 < 0 ? 1 : 0))));
    return true;
  }
  case RULEC_TIMESPAN: little(static_cast<uint64_t>(v.payload.i / 100)); return true;
  default: (void)ctx; return false;
  }
}

/// hash(v [, mod]) and hash_xxhash64(v [, mod]): mod keeps the result in
/// 0..mod-1.
void hashXx(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string bytes;
  if (!hashBytes(ctx, *args[0], bytes) || (argc > 1 && (args[1]->kind != RULEC_INT || args[1]->payload.i <= 0)))
    return;
  int64_t h = static_cast<int64_t>(xxhash64(bytes));
  if (argc > 1) {
    const int64_t mod = args[1]->payload.i;
    h = (h % mod + mod) % mod;
  }
  *out = intValue(h);
}

enum class Digest { Md5, Sha1, Sha256 };

template <Digest kind>
void hashDigest(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text;
  if (isNull(*args[0]) || !textArg(ctx, argc, args, 0, text))
    return;
  *out = kqlvalue::string(ctx, kind == Digest::Md5    ? hex(md5(text))
                               : kind == Digest::Sha1 ? hex(sha1(text))
                                                      : hex(sha256(text)));
}

// --- Punycode (RFC 3492) ------------------------------------------------------

constexpr uint32_t kPunyBase = 36, kTMin = 1, kTMax = 26, kSkew = 38, kDamp = 700, kInitialBias = 72,
                   kInitialN = 128;
/// Labels are short; longer input is null, which also bounds the quadratic encoder.
constexpr size_t kMaxPunycodePoints = 4096;

uint32_t adapt(uint32_t delta, uint32_t points, bool first) {
  delta = first ? delta / kDamp : delta / 2;
  delta += delta / points;
  uint32_t k = 0;
  while (delta > ((kPunyBase - kTMin) * kTMax) / 2) {
    delta /= kPunyBase - kTMin;
    k += kPunyBase;
  }
  return k + (kPunyBase - kTMin + 1) * delta / (delta + kSkew);
}

char punyDigit(uint32_t d) { return static_cast<char>(d < 26 ? 'a' + d : '0' + (d - 26)); }

bool codePoints(std::string_view s, std::vector<uint32_t> &out) {
  if (!validUtf8(s))
    return false;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
    for (size_t k = 1; k < n; ++k)
      cp = cp << 6 | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += n;
  }
  return out.size() <= kMaxPunycodePoints;
}

bool punycodeEncode(std::string_view text, std::string &out) {
  std::vector<uint32_t> input;
  if (!codePoints(text, input))
    return false;
  out.clear();
  for (uint32_t c : input)
    if (c < 0x80)
      out += static_cast<char>(c);
  const uint32_t basic = static_cast<uint32_t>(out.size());
  uint32_t handled = basic;
  if (basic > 0)
    out += '-';
  uint64_t n = kInitialN, delta = 0;
  uint32_t bias = kInitialBias;
  while (handled < input.size()) {
    uint64_t m = UINT32_MAX;
    for (uint32_t c : input)
      if (c >= n && c < m)
        m = c;
    delta += (m - n) * (handled + 1);
    n = m;
    for (uint32_t c : input) {
      if (c < n)
        ++delta;
      if (c != n)
        continue;
      uint64_t q = delta;
      for (uint32_t k = kPunyBase;; k += kPunyBase) {
        const uint32_t t = k <= bias ? kTMin : k >= bias + kTMax ? kTMax : k - bias;
        if (q < t)
          break;
        out += punyDigit(static_cast<uint32_t>(t + (q - t) % (kPunyBase - t)));
        q = (q - t) / (kPunyBase - t);
      }
      out += punyDigit(static_cast<uint32_t>(q));
      bias = adapt(static_cast<uint32_t>(delta), handled + 1, handled == basic);
      delta = 0;
      ++handled;
    }
    ++delta;
    ++n;
  }
  return true;
}

bool punycodeDecode(std::string_view text, std::string &result) {
  if (text.size() > kMaxPunycodePoints)
    return false;
  std::vector<uint32_t> output;
  const size_t dash = text.rfind('-');
  size_t in = 0;
  if (dash != std::string_view::npos) {
    for (size_t i = 0; i < dash; ++i) {
      if (static_cast<unsigned char>(text[i]) >= 0x80)
        return false;
      output.push_back(static_cast<unsigned char>(text[i]));
    }
    in = dash + 1;
  }
  uint64_t n = kInitialN, i = 0;
  uint32_t bias = kInitialBias;
  while (in < text.size()) {
    const uint64_t oldi = i;
    uint64_t w = 1;
    for (uint32_t k = kPunyBase;; k += kPunyBase) {
      if (in >= text.size())
        return false;
      const char c = text[in++];
      const uint32_t digit = c >= 'a' && c <= 'z'   ? c - 'a'
                             : c >= 'A' && c <= 'Z' ? c - 'A'
                             : c >= '0' && c <= '9' ? c - '0' + 26
                                                    : kPunyBase;
      if (digit >= kPunyBase)
        return false;
      i += digit * w;
      const uint32_t t = k <= bias ? kTMin : k >= bias + kTMax ? kTMax : k - bias;
      if (i > UINT32_MAX)
        return false;
      if (digit < t)
        break;
      w *= kPunyBase - t;
      if (w > UINT32_MAX)
        return false;
    }
    const uint64_t points = output.size() + 1;
    bias = adapt(static_cast<uint32_t>(i - oldi), static_cast<uint32_t>(points), oldi == 0);
    n += i / points;
    i %= points;
    if (n > 0x10FFFF || (n >= 0xD800 && n <= 0xDFFF))
      return false;
    output.insert(output.begin() + static_cast<std::ptrdiff_t>(i), static_cast<uint32_t>(n));
    ++i;
  }
  result.clear();
  for (uint32_t c : output)
    appendUtf8(result, c);
  return true;
}

void punycodeFromString(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text, encoded;
  if (textArg(ctx, argc, args, 0, text) && punycodeEncode(text, encoded))
    *out = kqlvalue::string(ctx, encoded);
}

void punycodeToString(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text, decoded;
  if (textArg(ctx, argc, args, 0, text) && punycodeDecode(text, decoded))
    *out = kqlvalue::string(ctx, decoded);
}

/// Domain labels split at '.' and the ideographic / full-width full stops
/// (U+3002, U+FF0E, U+FF61); the result joins them with '.'.
std::vector<std::string_view> domainLabels(std::string_view s) {
  std::vector<std::string_view> labels;
  size_t start = 0;
  for (size_t i = 0; i <= s.size();) {
    size_t width = 0;
    if (i == s.size())
      width = 1;
    else if (s[i] == '.')
      width = 1;
    else if (s.substr(i).starts_with("\xE3\x80\x82") || s.substr(i).starts_with("\xEF\xBC\x8E") ||
             s.substr(i).starts_with("\xEF\xBD\xA1"))
      width = 3;
    if (!width) {
      ++i;
      continue;
    }
    labels.push_back(s.substr(start, i - start));
    i += width;
    start = i;
  }
  return labels;
}

/// punycode_domain_from_string: labels with non-ASCII characters become
/// "xn--" and their punycode.
void punycodeDomainFromString(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text, result, encoded;
  if (!textArg(ctx, argc, args, 0, text) || !validUtf8(text))
    return;
  bool first = true;
  for (std::string_view label : domainLabels(text)) {
    result += first ? "" : ".";
    first = false;
    const bool ascii = std::all_of(label.begin(), label.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (ascii) {
      result += label;
    } else if (punycodeEncode(label, encoded)) {
      result += "xn--" + encoded;
    } else {
      return;
    }
  }
  *out = kqlvalue::string(ctx, result);
}

/// punycode_domain_to_string: labels starting "xn--" decoded.
void punycodeDomainToString(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text, result, decoded;
  if (!textArg(ctx, argc, args, 0, text) || !validUtf8(text))
    return;
  bool first = true;
  for (std::string_view label : domainLabels(text)) {
    result += first ? "" : ".";
    first = false;
    if (label.size() > 4 && (label.starts_with("xn--") || label.starts_with("XN--"))) {
      if (!punycodeDecode(label.substr(4), decoded))
        return;
      result += decoded;
    } else {
      result += label;
    }
  }
  *out = kqlvalue::string(ctx, result);
}

/// The most a zlib/gzip decompression may produce: more is null.
constexpr size_t kMaxInflated = size_t(16) << 20;

/// Deflates `in` as zlib (windowBits 15) or raw deflate (-15), stored: Kusto's
/// documented outputs are zlib's level 0 (no compression) bytes.
bool deflateBytes(std::string_view in, int windowBits, std::string &out) {
  z_stream z{};
  if (deflateInit2(&z, Z_NO_COMPRESSION, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return false;
  out.resize(deflateBound(&z, static_cast<uLong>(in.size())));
  z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef *>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END;
}

/// Inflates a whole zlib (windowBits 15) or gzip (31) stream; false when it
/// is not one, is cut short, has bytes after it or inflates past kMaxInflated.
bool inflateBytes(std::string_view in, int windowBits, std::string &out) {
  z_stream z{};
  if (inflateInit2(&z, windowBits) != Z_OK)
    return false;
  z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  out.clear();
  char buffer[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef *>(buffer);
    z.avail_out = sizeof buffer;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - z.avail_out);
    if (out.size() > kMaxInflated)
      rc = Z_MEM_ERROR;
  }
  const bool whole = rc == Z_STREAM_END && z.avail_in == 0;
  inflateEnd(&z);
  return whole;
}

/// zlib_compress_to_base64_string(s), gzip_compress_to_base64_string(s). The
/// gzip header is .NET's (no name, time 0, flags 0, OS unknown).
template <bool gzip>
void compressToBase64(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text, packed;
  if (!textArg(ctx, argc, args, 0, text) || text.size() > kMaxInflated || !deflateBytes(text, gzip ? -15 : 15, packed))
    return;
  if (gzip) {
    static constexpr char kHeader[] = {'\x1f', '\x8b', 8, 0, 0, 0, 0, 0, 0, '\xff'};
    const uint32_t crc = static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef *>(text.data()),
                                                     static_cast<uInt>(text.size())));
    const uint32_t size = static_cast<uint32_t>(text.size());
    std::string framed(kHeader, sizeof kHeader);
    framed += packed;
    for (uint32_t word : {crc, size})
      for (int shift = 0; shift < 32; shift += 8)
        framed += static_cast<char>(word >> shift & 0xFF);
    packed = std::move(framed);
  }
  *out = kqlvalue::string(ctx, base64Encode(packed));
}

/// zlib_decompress_from_base64_string(s), gzip_decompress_from_base64_string(s):
/// null when the input is not base64 of one whole stream or is not UTF-8.
template <bool gzip>
void decompressFromBase64(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text, packed, plain;
  if (textArg(ctx, argc, args, 0, text) && base64Decode(text, packed) && inflateBytes(packed, gzip ? 31 : 15, plain) &&
      validUtf8(plain))
    *out = kqlvalue::string(ctx, plain);
}

/// .NET's Guid.ToByteArray order: the first three fields little-endian.
Guid dotnetOrder(const Guid &g) {
  Guid out = g;
  std::reverse(out.begin(), out.begin() + 4);
  std::reverse(out.begin() + 4, out.begin() + 6);
  std::reverse(out.begin() + 6, out.begin() + 8);
  return out;
}

/// base64_encode_fromguid(guid): the base64 of its 16 bytes in .NET's order.
void base64EncodeFromGuid(rulec_context *ctx, uint32_t, const rulec_value *const *args, rulec_value *out) {
  Guid guid;
  if (args[0]->kind != RULEC_STRING || !parseGuid(std::string_view(args[0]->payload.s, args[0]->len), guid))
    return;
  const Guid bytes = dotnetOrder(guid);
  *out = kqlvalue::string(ctx, base64Encode(std::string_view(reinterpret_cast<const char *>(bytes.data()), 16)));
}

/// base64_decode_toguid(s): the GUID whose .NET bytes s encodes; null unless 16 bytes.
void base64DecodeToGuid(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text, decoded;
  if (!textArg(ctx, argc, args, 0, text) || !base64Decode(text, decoded) || decoded.size() != 16)
    return;
  Guid bytes;
  std::memcpy(bytes.data(), decoded.data(), 16);
  *out = kqlvalue::string(ctx, guidText(dotnetOrder(bytes)));
}

constexpr Function kTable[] = {
    {"base64_decode_tostring", 1, 1, base64DecodeToString},
    {"base64_encode_tostring", 1, 1, base64EncodeToString},
    {"base64_decode_toarray", 1, 1, base64DecodeToArray},
    {"base64_encode_fromarray", 1, 1, base64EncodeFromArray},
    {"url_decode", 1, 1, urlDecode},
    {"url_encode", 1, 1, urlEncode<false>},
    {"url_encode_component", 1, 1, urlEncode<true>},
    {"hash", 1, 2, hashXx},
    {"hash_xxhash64", 1, 2, hashXx},
    {"hash_md5", 1, 1, hashDigest<Digest::Md5>},
    {"hash_sha1", 1, 1, hashDigest<Digest::Sha1>},
    {"hash_sha256", 1, 1, hashDigest<Digest::Sha256>},
    {"punycode_from_string", 1, 1, punycodeFromString},
    {"punycode_to_string", 1, 1, punycodeToString},
    {"punycode_domain_from_string", 1, 1, punycodeDomainFromString},
    {"punycode_domain_to_string", 1, 1, punycodeDomainToString},
    {"zlib_compress_to_base64_string", 1, 1, compressToBase64<false>},
    {"zlib_decompress_from_base64_string", 1, 1, decompressFromBase64<false>},
    {"gzip_compress_to_base64_string", 1, 1, compressToBase64<true>},
    {"gzip_decompress_from_base64_string", 1, 1, decompressFromBase64<true>},
    {"base64_encode_fromguid", 1, 1, base64EncodeFromGuid},
    {"base64_decode_toguid", 1, 1, base64DecodeToGuid},
};

} // namespace

extern const Family kEncodingFunctions{kTable};

} // namespace rulec::functions
