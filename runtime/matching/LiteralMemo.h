//===- LiteralMemo.h - Literal matches of field values seen before --------===//
//
// Log sources repeat their field values: the same images, parents, hashes,
// users and directories, and most command lines, event after event. Matching
// a value against a field's literal sets (thousands of needles on a command
// line) gives the same needles every time, so LiteralMatcher remembers, per
// field, the needles it found in recent values, and a value seen before costs
// a hash and a comparison instead of a fold and a scan.
//
// Exact: a value is found only when its bytes equal the remembered value's.
// Bounded: per field a direct-mapped table of kSlots values of at most
// kMaxText bytes (longer values are matched every time), each slot's storage
// reused. A field whose values rarely repeat (under 1 in 8 over kProbe
// lookups) is not remembered for the next kPause values: a stream of unique
// values pays a hash per value for a while, not a copy per value for ever.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace rulec {

class LiteralMemo {
public:
  static constexpr size_t kSlots = 4096;
  static constexpr size_t kMaxText = 512;
  static constexpr uint32_t kProbe = 4096, kPause = 1 << 16;

  explicit LiteralMemo(size_t fields) : fields_(fields) {}

  /// Whether `field`'s values are remembered now; false while paused.
  bool active(size_t field) const { return fields_[field].paused == 0; }

  /// The needle bits found in `text` when it was last `field`'s value, as
  /// [first, last); null when not remembered. Call only when active().
  const uint32_t *find(size_t field, std::string_view text, uint64_t hash, const uint32_t *&last);

  /// Remembers `found` as the needle bits of `text` in `field` (after a
  /// find() that missed).
  void store(size_t field, std::string_view text, uint64_t hash, const std::vector<uint32_t> &found);

  /// Counts a value matched without a lookup (a paused field).
  void skipped(size_t field) {
    Field &f = fields_[field];
    if (--f.paused == 0)
      f.lookups = f.hits = 0;
  }

  static uint64_t hash(std::string_view text);

  /// Values looked up and found, over all fields (`rulec run --timing`).
  uint64_t lookups() const { return lookups_; }
  uint64_t hits() const { return hits_; }

private:
  /// 16 bytes, so that a field's table is 64 KiB: the hash, and the value
  /// (a Header, the needle bits, then the text) in storage of its own.
  struct Slot {
    uint64_t hash = 0;
    std::unique_ptr<char[]> value;
  };
  struct Header {
    uint32_t textLength, bits, capacity;
  };
  struct Field {
    std::vector<Slot> slots; ///< allocated on the first store
    uint32_t lookups = 0, hits = 0;
    uint32_t paused = 0; ///< values left to match without a lookup
  };
  std::vector<Field> fields_;
  uint64_t lookups_ = 0, hits_ = 0;
};

} // namespace rulec
