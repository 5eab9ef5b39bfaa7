//===- FieldExtractor.cpp -------------------------------------------------===//
#include "FieldExtractor.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string_view>

namespace rulec {

FieldExtractor::FieldExtractor(const std::vector<FieldSpec> &fields)
    : nodes_(1), elementTables_(fields.size()), elementWidth_(fields.size(), 0) {
  for (uint32_t slot = 0; slot < fields.size(); ++slot) {
    if (!fields[slot].elements.empty()) {
      elementTables_[slot] = std::make_unique<FieldExtractor>(fields[slot].elements);
      elementWidth_[slot] = static_cast<uint32_t>(fields[slot].elements.size());
    }
    const FieldSpec &f = fields[slot];
    if (f.alternatives.empty())
      insert(f.path, f.keyMatch, {slot, 0});
    for (size_t k = 0; k < f.alternatives.size() && k < 254; ++k)
      insert(f.alternatives[k], f.keyMatch, {slot, static_cast<uint8_t>(k + 1)});
  }
  for (Node &node : nodes_) {
    for (Edge &edge : node.edges)
      if (!collectTargets(edge.child, edge.below))
        edge.below.clear();
    size_t keyEdges = 0;
    for (const Edge &edge : node.edges)
      keyEdges += !edge.step.isIndex && !edge.step.isWildcard;
    if (keyEdges < kIndexedEdges)
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
    node.matched.assign(node.edges.size(), 0);
    node.value.resize(node.edges.size());
  }
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

void FieldExtractor::insert(const std::vector<PathStep> &path, KeyMatch keyMatch, Target target) {
  uint32_t node = 0;
  for (const PathStep &step : path) {
    uint32_t next = UINT32_MAX;
    for (const Edge &e : nodes_[node].edges)
      if (e.step == step && e.keyMatch == keyMatch)
        next = e.child;
    if (next == UINT32_MAX) {
      next = static_cast<uint32_t>(nodes_.size());
      nodes_[node].edges.push_back({step, keyMatch, next, {}});
      nodes_.emplace_back();
    }
    node = next;
  }
  nodes_[node].slots.push_back(target);
}

void toRulecValue(simdjson::dom::element value, rulec_value &out) {
  using simdjson::dom::element_type;
  std::memset(&out, 0, sizeof out);
  switch (value.type()) {
  case element_type::NULL_VALUE:
    out.kind = RULEC_NULL;
    break;
  case element_type::BOOL:
    out.kind = RULEC_BOOL;
    out.payload.i = value.get_bool().value_unsafe() ? 1 : 0;
    break;
  case element_type::INT64:
    out.kind = RULEC_INT;
    out.payload.i = value.get_int64().value_unsafe();
    break;
  case element_type::UINT64:
    // Only values above INT64_MAX arrive here; they keep their magnitude as a double.
    out.kind = RULEC_DOUBLE;
    out.payload.d = static_cast<double>(value.get_uint64().value_unsafe());
    break;
  case element_type::DOUBLE:
    out.kind = RULEC_DOUBLE;
    out.payload.d = value.get_double().value_unsafe();
    break;
  case element_type::STRING: {
    std::string_view s = value.get_string().value_unsafe();
    out.kind = RULEC_STRING;
    out.len = static_cast<uint32_t>(s.size());
    out.payload.s = s.data();
    break;
  }
  case element_type::ARRAY:
    out.kind = RULEC_ARRAY;
    out.len = static_cast<uint32_t>(value.get_array().value_unsafe().size());
    break;
  case element_type::OBJECT:
    out.kind = RULEC_OBJECT;
    out.len = static_cast<uint32_t>(value.get_object().value_unsafe().size());
    break;
  }
}

void FieldExtractor::extract(simdjson::dom::element root, rulec_value *slots,
                             simdjson::dom::element *elements, ValueArena &arena) const {
  walk(0, root, slots, elements, arena);
}

void FieldExtractor::readElements(uint32_t slot, simdjson::dom::array array, rulec_value &out,
                                  ValueArena &arena) const {
  const uint32_t width = elementWidth_[slot];
  rulec_value *block = arena.allocate(size_t(out.len) * width);
  rulec_value *record = block;
  uint32_t n = 0;
  for (simdjson::dom::element item : array) {
    if (n++ == out.len)
      break; // size() saturates on huge arrays: never write past the block
    elementTables_[slot]->extract(item, record, nullptr, arena);
    record += width;
  }
  out.payload.elems = block;
}

/// The first member whose key equals `key` ignoring ASCII case and spaces.
static bool findLooseKey(simdjson::dom::object object, std::string_view key, simdjson::dom::element &out) {
  // ASCII folding inline: libc's tolower (a call per character, through the
  // locale) was 11% of a one-rule Sigma scan, most events missing some field.
  auto fold = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; };
  for (auto member : object) {
    std::string_view k = member.key;
    size_t i = 0, j = 0;
    while (true) {
      while (i < k.size() && k[i] == ' ')
        ++i;
      while (j < key.size() && key[j] == ' ')
        ++j;
      if (i == k.size() || j == key.size() || fold(k[i]) != fold(key[j]))
        break;
      ++i;
      ++j;
    }
    if (i == k.size() && j == key.size()) {
      out = member.value;
      return true;
    }
  }
  return false;
}

/// a == b without a libc call (member keys are short): 8 bytes at a time,
/// the last 8 overlapping the ones before.
static bool sameKey(const std::string &a, std::string_view b) {
  const size_t n = b.size();
  if (a.size() != n)
    return false;
  if (n < 8) {
    for (size_t i = 0; i < n; ++i)
      if (a[i] != b[i])
        return false;
    return true;
  }
  uint64_t x, y;
  for (size_t i = 0; i + 8 < n; i += 8) {
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    if (x != y)
      return false;
  }
  std::memcpy(&x, a.data() + n - 8, 8);
  std::memcpy(&y, b.data() + n - 8, 8);
  return x == y;
}

bool FieldExtractor::decided(const Edge &edge, const rulec_value *slots) const {
  return !edge.below.empty() && std::all_of(edge.below.begin(), edge.below.end(), [&](const Target &t) {
           const rulec_value &out = slots[t.slot];
           return out.kind != RULEC_MISSING && out.reserved[0] <= t.rank;
         });
}

void FieldExtractor::walkIndexed(const Node &node, simdjson::dom::object object, rulec_value *slots,
                                 simdjson::dom::element *elements, ValueArena &arena) const {
  const KeyIndex &keys = *node.keys;
  // Per edge: the first member with its exact key, else the first (in
  // document order) equal in the edge's looser form, as at_key and the
  // fallbacks below choose. The order the children are then walked in does
  // not matter: each fills its own slots.
  node.touched.clear();
  size_t position = 0;
  for (auto member : object) {
    if (position == node.seen.size())
      node.seen.emplace_back();
    Node::Seen &seen = node.seen[position++];
    if (!sameKey(seen.key, member.key)) {
      seen.key.assign(member.key);
      seen.hits.clear();
      if (keyBuffer_.size() < member.key.size())
        keyBuffer_.resize(member.key.size());
      for (int f = 0; f < KeyIndex::kForms; ++f) {
        const auto form = static_cast<KeyIndex::Form>(f);
        if (!keys.uses(form))
          continue;
        for (auto [e, end] = keys.find(member.key, form, keyBuffer_.data()); e != end; ++e)
          seen.hits.push_back({*e, form == KeyIndex::AsIs ? 2 : 1});
      }
    }
    for (const auto &[e, rank] : seen.hits)
      if (rank == 2 ? node.matched[e] != 2 : node.matched[e] == 0) {
        if (node.matched[e] == 0)
          node.touched.push_back(e);
        node.matched[e] = rank;
        node.value[e] = member.value;
      }
  }
  for (uint32_t e : node.touched) {
    node.matched[e] = 0;
    if (!decided(node.edges[e], slots))
      walk(node.edges[e].child, node.value[e], slots, elements, arena);
  }
}

void FieldExtractor::walk(uint32_t nodeIndex, simdjson::dom::element value, rulec_value *slots,
                          simdjson::dom::element *elements, ValueArena &arena) const {
  const Node &node = nodes_[nodeIndex];
  for (const Target &t : node.slots) {
    // An alternative fills its slot unless an earlier one already did; the
    // rank is kept in the slot's reserved byte until the event is done.
    rulec_value &out = slots[t.slot];
    if (t.rank && out.kind != RULEC_MISSING && out.reserved[0] <= t.rank)
      continue;
    toRulecValue(value, out);
    out.reserved[0] = t.rank;
    if (elements)
      elements[t.slot] = value;
    if (elementTables_[t.slot] && out.kind == RULEC_ARRAY)
      readElements(t.slot, value.get_array().value_unsafe(), out, arena);
  }
  if (node.keys) {
    simdjson::dom::object object;
    if (!value.get_object().get(object) &&
        !std::all_of(node.edges.begin(), node.edges.end(), [&](const Edge &e) { return decided(e, slots); })) {
      walkIndexed(node, object, slots, elements, arena);
    }
  }
  for (const Edge &edge : node.edges) {
    if (node.keys && !edge.step.isIndex && !edge.step.isWildcard)
      continue; // matched by walkIndexed
    if (decided(edge, slots))
      continue; // its alternatives are all decided already
    simdjson::dom::element child;
    if (edge.step.isWildcard) {
      // Any member of an object (or element of an array): configured paths
      // such as Event.UserData.*.Operation, whose middle key varies.
      simdjson::dom::object object;
      simdjson::dom::array array;
      if (!value.get_object().get(object)) {
        for (auto member : object)
          walk(edge.child, member.value, slots, elements, arena);
      } else if (!value.get_array().get(array)) {
        for (simdjson::dom::element item : array)
          walk(edge.child, item, slots, elements, arena);
      }
      continue;
    }
    if (edge.step.isIndex) {
      simdjson::dom::array array;
      if (value.get_array().get(array))
        continue;
      int64_t index = edge.step.index;
      if (index < 0) // Python-style: -1 is the last element
        index += static_cast<int64_t>(array.size());
      if (index < 0 || array.at(static_cast<size_t>(index)).get(child))
        continue;
    } else {
      simdjson::dom::object object;
      if (value.get_object().get(object))
        continue;
      if (object.at_key(edge.step.key).get(child)) {
        if (edge.keyMatch == KeyMatch::Exact)
          continue;
        if (edge.keyMatch == KeyMatch::ExactThenCaseInsensitive
                ? bool(object.at_key_case_insensitive(edge.step.key).get(child))
                : !findLooseKey(object, edge.step.key, child))
          continue;
      }
    }
    walk(edge.child, child, slots, elements, arena);
  }
}

} // namespace rulec
