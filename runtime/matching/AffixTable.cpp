//===- AffixTable.cpp -----------------------------------------------------===//
#include "matching/AffixTable.h"

#include <algorithm>
#include <stdexcept>

namespace rulec {

AffixTable::AffixTable(const std::vector<std::string> &needles, Anchor anchor) : anchor_(anchor) {
  // The needles in walk order (reversed for End), sorted: a node's needles
  // are then a run sharing its prefix, split by the byte after it.
  std::vector<std::pair<std::string, uint32_t>> keys;
  keys.reserve(needles.size());
  for (uint32_t id = 0; id < needles.size(); ++id) {
    const std::string &n = needles[id];
    if (n.empty())
      throw std::invalid_argument("AffixTable: an empty needle");
    keys.emplace_back(anchor == Anchor::End ? std::string(n.rbegin(), n.rend()) : n, id);
  }
  std::stable_sort(keys.begin(), keys.end(), [](const auto &a, const auto &b) { return a.first < b.first; });

  // Breadth first. A node covers keys[lo, hi), which share their first
  // `depth` bytes; its segment is the longest run they all share after that.
  struct Span {
    size_t lo, hi, depth;
  };
  std::vector<Span> level = {{0, keys.size(), 0}}, next;
  nodes_.emplace_back();
  uint32_t numbered = 1, index = 0;
  while (!level.empty()) {
    next.clear();
    for (const Span &span : level) {
      Node &node = nodes_[index++];
      size_t end = span.depth;
      if (span.lo < span.hi) {
        const std::string &a = keys[span.lo].first, &b = keys[span.hi - 1].first;
        while (end < a.size() && end < b.size() && a[end] == b[end] && end - span.depth < UINT16_MAX)
          ++end;
      }
      std::string segment = span.lo < span.hi ? keys[span.lo].first.substr(span.depth, end - span.depth) : "";
      if (anchor == Anchor::End)
        std::reverse(segment.begin(), segment.end()); // as the text holds it
      node.segment = static_cast<uint32_t>(segments_.size());
      node.segmentLength = static_cast<uint16_t>(segment.size());
      segments_ += segment;
      size_t lo = span.lo;
      if (lo < span.hi && keys[lo].first.size() == end) // shorter keys sort first; equal ones keep the first index
        node.needle = keys[lo].second;
      while (lo < span.hi && keys[lo].first.size() == end)
        ++lo;
      std::vector<std::pair<unsigned char, Span>> children;
      for (size_t i = lo; i < span.hi;) {
        const unsigned char c = static_cast<unsigned char>(keys[i].first[end]);
        size_t j = i;
        while (j < span.hi && static_cast<unsigned char>(keys[j].first[end]) == c)
          ++j;
        children.push_back({c, {i, j, end + 1}});
        i = j;
      }
      node.first = numbered;
      numbered += static_cast<uint32_t>(children.size());
      if (children.size() < sizeof node.labels) {
        node.count = static_cast<uint8_t>(children.size());
        for (size_t k = 0; k < children.size(); ++k)
          node.labels[k] = children[k].first;
      } else {
        node.count = kWide;
        const uint32_t table = static_cast<uint32_t>(wide_.size() / 256);
        std::memcpy(node.labels, &table, sizeof table);
        wide_.resize(wide_.size() + 256, kNoChild);
        for (size_t k = 0; k < children.size(); ++k)
          wide_[size_t(table) * 256 + children[k].first] = static_cast<uint16_t>(k);
      }
      for (auto &[c, child] : children)
        next.push_back(child);
    }
    nodes_.resize(numbered);
    level.swap(next);
  }
}

} // namespace rulec
