//===- FieldExtractor.cpp -------------------------------------------------===//
#include "events/FieldExtractor.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string_view>

namespace rulec {

FieldExtractor::FieldExtractor(const std::vector<FieldSpec> &fields)
    : nodes_(1), elementTables_(fields.size()), elementWidth_(fields.size(), 0) {
  size_t maxEdges = 0;
  std::vector<std::map<std::pair<std::string, int>, uint32_t>> children(1);
  for (uint32_t slot = 0; slot < fields.size(); ++slot) {
    if (!fields[slot].elements.empty()) {
      elementTables_[slot] = std::make_unique<FieldExtractor>(fields[slot].elements);
      elementWidth_[slot] = static_cast<uint32_t>(fields[slot].elements.size());
    }
    const FieldSpec &f = fields[slot];
    if (f.alternatives.empty())
      insert(f.path, f.keyMatch, {slot, 0}, children);
    for (size_t k = 0; k < f.alternatives.size() && k < 254; ++k)
      insert(f.alternatives[k], f.keyMatch, {slot, static_cast<uint8_t>(k + 1)}, children);
  }
  for (Node &node : nodes_) {
    for (uint32_t e = 0; e < node.edges.size(); ++e) {
      Edge &edge = node.edges[e];
      if (!collectTargets(edge.child, edge.below))
        edge.below.clear();
      if (edge.step.isIndex || edge.step.isWildcard)
        node.stepEdges.push_back(e);
    }
    if (std::all_of(node.edges.begin(), node.edges.end(),
                    [](const Edge &e) { return e.step.isIndex || e.step.isWildcard; }))
      continue;
    node.keys = std::make_unique<KeyIndex>();
    for (uint32_t e = 0; e < node.edges.size(); ++e) {
      const Edge &edge = node.edges[e];
      if (edge.step.isIndex || edge.step.isWildcard)
        continue;
      node.keys->add(edge.step.key, KeyIndex::AsIs, e);
      if (edge.keyMatch != KeyMatch::Exact)
        node.keys->add(edge.step.key,
                       edge.keyMatch == KeyMatch::ExactThenCaseInsensitive ? KeyIndex::Folded : KeyIndex::Loose, e);
    }
    node.keys->finish();
    maxEdges = std::max(maxEdges, node.edges.size());
  }
  rank_.resize(maxEdges);
  position_.resize(maxEdges);
}

bool FieldExtractor::collectTargets(uint32_t node, std::vector<Target> &out) const {
  for (const Target &t : nodes_[node].slots) {
    if (t.rank == 0 || out.size() == kSkipTargets)
      return false;
    out.push_back(t);
  }
  for (const Edge &e : nodes_[node].edges)
    if (!collectTargets(e.child, out))
      return false;
  return true;
}

void FieldExtractor::insert(const std::vector<PathStep> &path, KeyMatch keyMatch, Target target,
                            std::vector<std::map<std::pair<std::string, int>, uint32_t>> &children) {
  uint32_t node = 0;
  for (const PathStep &step : path) {
    // The edge's identity: its key, or its index, or the wildcard; and its key match.
    const std::string id = step.isWildcard ? std::string("\x01*", 2)
                           : step.isIndex  ? std::string("\x02", 1) + std::to_string(step.index)
                                           : "\x03" + step.key;
    auto [it, added] = children[node].emplace(std::make_pair(id, static_cast<int>(keyMatch)), 0);
    if (added) {
      it->second = static_cast<uint32_t>(nodes_.size());
      nodes_[node].edges.push_back({step, keyMatch, it->second, {}});
      nodes_.emplace_back();
      children.emplace_back();
    }
    node = it->second;
  }
  nodes_[node].slots.push_back(target);
}

void toRulecValue(const Tape &tape, size_t value, rulec_value &out) {
  std::memset(&out, 0, sizeof out);
  switch (tape.type(value)) {
  case 'n':
    out.kind = RULEC_NULL;
    break;
  case 't':
  case 'f':
    out.kind = RULEC_BOOL;
    out.payload.i = tape.type(value) == 't';
    break;
  case 'l':
    out.kind = RULEC_INT;
    out.payload.i = static_cast<int64_t>(tape.next(value));
    break;
  case 'u':
    // Only values above INT64_MAX arrive here; they keep their magnitude as a double.
    out.kind = RULEC_DOUBLE;
    out.payload.d = static_cast<double>(tape.next(value));
    break;
  case 'd': {
    const uint64_t bits = tape.next(value);
    out.kind = RULEC_DOUBLE;
    std::memcpy(&out.payload.d, &bits, sizeof bits);
    break;
  }
  case '"': {
    const std::string_view s = tape.string(value);
    out.kind = RULEC_STRING;
    out.len = static_cast<uint32_t>(s.size());
    out.payload.s = s.data();
    break;
  }
  case '[':
    out.kind = RULEC_ARRAY;
    out.len = tape.count(value);
    break;
  case '{':
    out.kind = RULEC_OBJECT;
    out.len = tape.count(value);
    break;
  }
}

void toRulecValue(simdjson::dom::element value, rulec_value &out) {
  size_t index;
  const Tape tape = Tape::of(value, index);
  toRulecValue(tape, index, out);
}

void FieldExtractor::extract(simdjson::dom::element root, rulec_value *slots, simdjson::dom::element *elements,
                             ValueArena &arena, std::vector<uint32_t> *filled) const {
  size_t index;
  const Tape tape = Tape::of(root, index);
  filled_ = filled;
  walk(0, tape, index, slots, elements, arena);
  filled_ = nullptr;
}

void FieldExtractor::readElements(uint32_t slot, const Tape &tape, size_t array, rulec_value &out,
                                  ValueArena &arena) const {
  const uint32_t width = elementWidth_[slot];
  rulec_value *block = arena.allocate(size_t(out.len) * width);
  rulec_value *record = block;
  uint32_t n = 0;
  for (size_t item = array + 1, end = tape.end(array); item < end; item = tape.after(item)) {
    if (n++ == out.len)
      break; // the count saturates on huge arrays: never write past the block
    elementTables_[slot]->walk(0, tape, item, record, nullptr, arena);
    record += width;
  }
  out.payload.elems = block;
}

namespace {

/// The words a Layout compares: the first and last 8 bytes of a key of 8 or
/// more (they overlap below 16), the first and last 4 of a key of 4 to 7,
/// else its first, middle and last byte. With the length they hold every
/// byte of a key of up to 16 bytes.
inline void shapeWords(const char *p, size_t n, uint64_t &head, uint64_t &tail) {
  if (n >= 8) {
    std::memcpy(&head, p, 8);
    std::memcpy(&tail, p + n - 8, 8);
  } else if (n >= 4) {
    uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    head = a;
    tail = b;
  } else if (n > 0) {
    auto byte = [&](size_t i) { return uint64_t(static_cast<unsigned char>(p[i])); };
    head = byte(0) | byte(n / 2) << 8 | byte(n - 1) << 16;
    tail = 0;
  } else {
    head = tail = 0;
  }
}

} // namespace

void FieldExtractor::Layout::grow() {
  length.push_back(UINT32_MAX);
  head.push_back(0);
  tail.push_back(0);
  middle.emplace_back();
  hits.emplace_back();
  values.push_back(0);
}

void FieldExtractor::learnKey(const Node &node, Layout &layout, size_t position, std::string_view key) const {
  layout.length[position] = static_cast<uint32_t>(key.size());
  shapeWords(key.data(), key.size(), layout.head[position], layout.tail[position]);
  if (key.size() > 16)
    layout.middle[position].assign(key.data() + 8, key.size() - 16);
  auto &hits = layout.hits[position];
  hits.clear();
  if (keyBuffer_.size() < key.size())
    keyBuffer_.resize(key.size());
  for (int f = 0; f < KeyIndex::kForms; ++f) {
    const auto form = static_cast<KeyIndex::Form>(f);
    if (!node.keys->uses(form))
      continue;
    for (auto [e, last] = node.keys->find(key, form, keyBuffer_.data()); e != last; ++e)
      hits.push_back({*e, form == KeyIndex::AsIs ? 2 : 1});
  }
}

bool FieldExtractor::decided(const Edge &edge, const rulec_value *slots) const {
  return !edge.below.empty() && std::all_of(edge.below.begin(), edge.below.end(), [&](const Target &t) {
           const rulec_value &out = slots[t.slot];
           return out.kind != RULEC_MISSING && out.reserved[0] <= t.rank;
         });
}

FieldExtractor::Layout &FieldExtractor::layoutFor(const Node &node, const Tape &tape, size_t object) const {
  const uint32_t members = tape.count(object);
  uint32_t length = UINT32_MAX;
  uint64_t head = 0, tail = 0;
  if (members) {
    const std::string_view first = tape.string(object + 1);
    length = static_cast<uint32_t>(first.size());
    shapeWords(first.data(), first.size(), head, tail);
  }
  for (Layout &layout : node.layouts)
    if (layout.members == members && !layout.length.empty() && layout.length[0] == length && layout.head[0] == head)
      return layout;
  if (node.layouts.size() < kLayouts)
    return node.layouts.emplace_back();
  Layout &reused = node.layouts[node.nextLayout];
  node.nextLayout = (node.nextLayout + 1) % kLayouts;
  reused = Layout{};
  return reused;
}

void FieldExtractor::walkKeys(const Node &node, const Tape &tape, size_t object, rulec_value *slots,
                              simdjson::dom::element *elements, ValueArena &arena) const {
  Layout &layout = layoutFor(node, tape, object);
  bool changed = false;
  size_t position = 0;
  // A member is its key's word, then its value's. This loop runs for every
  // member of every object on a field path: kept to plain loads and compares.
  for (size_t member = object + 1, end = tape.end(object); member < end; ++position) {
    if (position == layout.length.size())
      layout.grow();
    const std::string_view key = tape.string(member);
    uint64_t head, tail;
    shapeWords(key.data(), key.size(), head, tail);
    if (key.size() != layout.length[position] || head != layout.head[position] || tail != layout.tail[position] ||
        (key.size() > 16 && std::memcmp(key.data() + 8, layout.middle[position].data(), key.size() - 16) != 0)) {
      learnKey(node, layout, position, key);
      changed = true;
    }
    layout.values[position] = member + 1;
    member = tape.after(member + 1);
  }
  if (changed || position != layout.members) {
    // Choose each edge's member: the first of the best rank.
    layout.members = static_cast<uint32_t>(position);
    for (uint32_t p = 0; p < position; ++p)
      for (const auto &[e, rank] : layout.hits[p]) {
        if (!rank_[e])
          ranked_.push_back(e);
        if (rank > rank_[e]) {
          rank_[e] = rank;
          position_[e] = p;
        }
      }
    std::sort(ranked_.begin(), ranked_.end()); // edges in order, as a walk of all edges took them
    layout.chosen.clear();
    for (uint32_t e : ranked_) {
      layout.chosen.push_back({e, position_[e]});
      rank_[e] = 0;
    }
    ranked_.clear();
  }
  for (const auto &[e, p] : layout.chosen)
    if (!decided(node.edges[e], slots))
      walk(node.edges[e].child, tape, layout.values[p], slots, elements, arena);
  // A huge object (an event may have a million members) is not remembered:
  // the next object of the node starts afresh.
  if (position > kRememberedMembers)
    layout = Layout{};
}

void FieldExtractor::walk(uint32_t nodeIndex, const Tape &tape, size_t value, rulec_value *slots,
                          simdjson::dom::element *elements, ValueArena &arena) const {
  const Node &node = nodes_[nodeIndex];
  for (const Target &t : node.slots) {
    // An alternative fills its slot unless an earlier one already did; the
    // rank is kept in the slot's reserved byte until the event is done.
    rulec_value &out = slots[t.slot];
    if (t.rank && out.kind != RULEC_MISSING && out.reserved[0] <= t.rank)
      continue;
    if (filled_ && out.kind == RULEC_MISSING)
      filled_->push_back(t.slot);
    toRulecValue(tape, value, out);
    out.reserved[0] = t.rank;
    if (elements)
      elements[t.slot] = tape.element(value);
    if (elementTables_[t.slot] && out.kind == RULEC_ARRAY)
      readElements(t.slot, tape, value, out, arena);
  }
  const char type = tape.type(value);
  if (node.keys && type == '{' &&
      !std::all_of(node.edges.begin(), node.edges.end(), [&](const Edge &e) { return decided(e, slots); }))
    walkKeys(node, tape, value, slots, elements, arena);
  for (uint32_t e : node.stepEdges) {
    const Edge &edge = node.edges[e];
    if (decided(edge, slots))
      continue; // its alternatives are all decided already
    if (type != '{' && type != '[')
      continue;
    if (edge.step.isWildcard) {
      // Any member of an object (or element of an array): configured paths
      // such as Event.UserData.*.Operation, whose middle key varies.
      const size_t skip = type == '{'; // an object's members start with their key
      for (size_t item = value + 1, end = tape.end(value); item < end; item = tape.after(item + skip))
        walk(edge.child, tape, item + skip, slots, elements, arena);
      continue;
    }
    if (type != '[')
      continue;
    int64_t index = edge.step.index;
    if (index < 0) // Python-style: -1 is the last element
      index += static_cast<int64_t>(tape.count(value));
    if (index < 0)
      continue;
    size_t item = value + 1;
    const size_t end = tape.end(value);
    for (int64_t k = 0; k < index && item < end; ++k)
      item = tape.after(item);
    if (item < end)
      walk(edge.child, tape, item, slots, elements, arena);
  }
}

} // namespace rulec
