//===- PackSerialization.h - PackInfo to bytes and back, checked ----------===//
//
// The metadata of an ahead-of-time compiled pack travels as a byte array next
// to its native code. The format:
//
//   magic    8 bytes "RULECPK\0"
//   version  u32 (kPackFormatVersion)
//   content  PackInfo, each struct's fields in declaration order
//
// Integers are little-endian and fixed-width (u32, i32, i64 as the field's
// type); bools and enums are one byte (enums their underlying value); strings
// and vectors are a u32 count followed by the bytes or the elements.
// There are no field tags: any change to the layout (a field added, removed,
// reordered or retyped, an enumerator added) must bump kPackFormatVersion.
//
// The bytes are untrusted: reading checks every length against the bytes
// left, every bool and enum against its range, nests element tables at most
// kMaxFieldNesting deep, and rejects trailing bytes.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "packs/PackInfo.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace rulec {

constexpr uint32_t kPackFormatVersion = 22;

/// FieldSpec::elements deeper than this are rejected on reading.
constexpr unsigned kMaxFieldNesting = 64;

std::string serializePack(const PackInfo &pack);

/// Fills `out` and returns true, or returns false with `error` saying what
/// was wrong and at which byte offset; `out` is left untouched then.
bool deserializePack(std::string_view bytes, PackInfo &out, std::string &error);

} // namespace rulec
