//===- LittleEndian.h - Reading the EVTX format's integers in place -------===//
//
// EVTX stores every integer little-endian and unaligned; memcpy reads one
// without undefined behaviour, and compiles to one load.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>

namespace rulec::evtx {

static_assert(std::endian::native == std::endian::little, "EVTX fields are read in place as little-endian");

inline uint16_t rd16(const uint8_t *p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}

inline uint32_t rd32(const uint8_t *p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

inline uint64_t rd64(const uint8_t *p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

} // namespace rulec::evtx
