//===- KeyIndex.cpp -------------------------------------------------------===//
#include "events/KeyIndex.h"

#include <cstring>

namespace rulec {

size_t KeyIndex::normalize(std::string_view key, Form form, char *out) {
  size_t n = 0;
  for (char c : key) {
    if (form == Loose && c == ' ')
      continue;
    out[n++] = c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
  }
  return n;
}

uint64_t KeyIndex::hashOf(const char *key, size_t n, Form form) {
  uint64_t h = (n * 0x9E3779B97F4A7C15ull) ^ form;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t chunk;
    std::memcpy(&chunk, key + i, 8);
    h = (h ^ chunk) * 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
  if (i < n) {
    uint64_t chunk = 0;
    std::memcpy(&chunk, key + i, n - i);
    h = (h ^ chunk) * 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
  return h;
}

void KeyIndex::add(std::string_view key, Form form, uint32_t edge) {
  std::string normal(key.size(), '\0');
  normal.resize(form == AsIs ? (std::memcpy(normal.data(), key.data(), key.size()), key.size())
                             : normalize(key, form, normal.data()));
  for (Entry &e : entries_)
    if (e.form == form && e.key == normal) {
      e.edges.push_back(edge);
      return;
    }
  if (lengths_[form].size() <= normal.size())
    lengths_[form].resize(normal.size() + 1, false);
  lengths_[form][normal.size()] = true;
  entries_.push_back({hashOf(normal.data(), normal.size(), form), normal, form, {edge}});
}

void KeyIndex::finish() {
  size_t size = 16;
  while (size < entries_.size() * 2)
    size *= 2;
  table_.assign(size, -1);
  mask_ = size - 1;
  for (size_t i = 0; i < entries_.size(); ++i) {
    uint64_t p = entries_[i].hash & mask_;
    while (table_[p] >= 0)
      p = (p + 1) & mask_;
    table_[p] = static_cast<int32_t>(i);
  }
}

std::pair<const uint32_t *, const uint32_t *> KeyIndex::find(std::string_view key, Form form, char *buffer) const {
  const char *bytes = key.data();
  size_t n = key.size();
  if (form != AsIs) {
    n = normalize(key, form, buffer);
    bytes = buffer;
  }
  const std::vector<bool> &lengths = lengths_[form];
  if (n >= lengths.size() || !lengths[n])
    return {nullptr, nullptr};
  const uint64_t h = hashOf(bytes, n, form);
  for (uint64_t p = h & mask_; table_[p] >= 0; p = (p + 1) & mask_) {
    const Entry &e = entries_[static_cast<size_t>(table_[p])];
    if (e.hash == h && e.form == form && e.key.size() == n && std::memcmp(e.key.data(), bytes, n) == 0)
      return {e.edges.data(), e.edges.data() + e.edges.size()};
  }
  return {nullptr, nullptr};
}

} // namespace rulec
