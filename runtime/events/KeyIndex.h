//===- KeyIndex.h - The keys of many field paths, looked up per member ----===//
//
// A Sigma pack reads ~40 fields of an event's EventData and of its System
// object: looking up each (and, for an absent one, comparing every member
// key loosely) passed over the members ~80 times. FieldExtractor instead
// passes over them once, looking each member key up here, as it is and in
// the looser forms the pack's key matching needs. A lookup is a length test
// (the lengths of the indexed keys), a hash of the key 8 bytes at a time and
// one probe.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rulec {

class KeyIndex {
public:
  /// How a key is compared: as it is; ASCII lower case (Panther's
  /// case-insensitive keys); lower case without spaces (Sigma's loose keys).
  enum Form : uint8_t { AsIs = 0, Folded = 1, Loose = 2 };
  static constexpr int kForms = 3;

  /// Edge `edge` has `key`, compared in `form`.
  void add(std::string_view key, Form form, uint32_t edge);
  /// Call once after the last add.
  void finish();
  bool uses(Form form) const { return !lengths_[form].empty(); }

  /// The edges whose key equals `key` in `form`, as [first, last);
  /// `buffer` has room for key.size() bytes (the key's normal form).
  std::pair<const uint32_t *, const uint32_t *> find(std::string_view key, Form form, char *buffer) const;

  /// `key` in `form`, written to `out` (key.size() bytes at most); its length.
  static size_t normalize(std::string_view key, Form form, char *out);

private:
  static uint64_t hashOf(const char *key, size_t n, Form form);

  struct Entry {
    uint64_t hash;
    std::string key;
    Form form;
    std::vector<uint32_t> edges;
  };
  std::vector<Entry> entries_;
  std::vector<int32_t> table_; ///< open addressing over entries_; -1 empty
  uint64_t mask_ = 0;
  std::vector<bool> lengths_[kForms]; ///< by length: some key of that form has it
};

} // namespace rulec
