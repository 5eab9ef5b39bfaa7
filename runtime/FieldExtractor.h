//===- FieldExtractor.h - One parsed event -> the pack's slots ------------===//
//
// The pack's field paths are merged into a trie at load time, so one walk of
// the parsed event fills every slot, and a prefix shared by many fields
// (`supporting_data.*`) is looked up once. Fields the event lacks stay
// RULEC_MISSING. A field with an element table gets its array's elements read,
// each by a nested extractor over the element table, into the ValueArena.
// Top-level slots also get their simdjson element, so that titles and alert
// context can render lists and objects.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "KeyIndex.h"
#include "PackInfo.h"
#include "ValueArena.h"
#include "rulec/abi.h"

#include <simdjson.h>

#include <memory>
#include <vector>

namespace rulec {

class FieldExtractor {
public:
  explicit FieldExtractor(const std::vector<FieldSpec> &fields);

  /// Fills `slots` (one per field) from `root`; `elements`, when given, gets
  /// each slot's JSON value. Element blocks come from `arena`.
  void extract(simdjson::dom::element root, rulec_value *slots, simdjson::dom::element *elements,
               ValueArena &arena) const;

private:
  struct Target {
    uint32_t slot;
    uint8_t rank; ///< 0 for a plain path; k+1 for a field's k-th alternative
  };
  struct Edge {
    PathStep step;
    KeyMatch keyMatch;
    uint32_t child;
    /// Every target below the edge, when all are alternatives and at most
    /// kSkipTargets: once each slot holds a better-ranked value the edge's
    /// subtree has nothing to fill and is not looked up (an absent
    /// Event.System.CommandLine after Event.EventData.CommandLine was found
    /// cost two passes over System's members). Empty: always walked.
    std::vector<Target> below;
  };
  static constexpr size_t kSkipTargets = 16;

  /// A node has a KeyIndex (all key edges matched in one pass over an
  /// object's members) from this many key edges on.
  static constexpr size_t kIndexedEdges = 8;

  struct Node {
    std::vector<Edge> edges;
    std::vector<Target> slots; ///< fields whose path ends here
    std::unique_ptr<KeyIndex> keys;
    /// Per edge, during one pass: 0 no member, 1 a loose (or case-
    /// insensitive) match, 2 an exact one; and that member's value.
    mutable std::vector<uint8_t> matched;
    mutable std::vector<simdjson::dom::element> value;
    mutable std::vector<uint32_t> touched; ///< the edges matched in this pass
    /// Per member position: the key last seen there and the edges it
    /// matched. Events of one source repeat their keys in the same order,
    /// so most lookups are one comparison with the previous event's key.
    struct Seen {
      std::string key;
      /// The edges the key matches: (edge, 2) exactly, (edge, 1) in a looser form.
      std::vector<std::pair<uint32_t, uint8_t>> hits;
    };
    mutable std::vector<Seen> seen;
  };
  /// Walks the children of an indexed node over the members of `object`.
  void walkIndexed(const Node &node, simdjson::dom::object object, rulec_value *slots,
                   simdjson::dom::element *elements, ValueArena &arena) const;
  bool decided(const Edge &edge, const rulec_value *slots) const;
  mutable std::vector<char> keyBuffer_; ///< a member key in a looser form

  void insert(const std::vector<PathStep> &path, KeyMatch keyMatch, Target target);
  /// Collects the targets below `node` into `out`; false when one is not an
  /// alternative or there are more than kSkipTargets.
  bool collectTargets(uint32_t node, std::vector<Target> &out) const;

  void walk(uint32_t node, simdjson::dom::element value, rulec_value *slots,
            simdjson::dom::element *elements, ValueArena &arena) const;
  void readElements(uint32_t slot, simdjson::dom::array array, rulec_value &out,
                    ValueArena &arena) const;

  std::vector<Node> nodes_; ///< nodes_[0] is the root
  /// Per slot: the extractor of its element table, or null.
  std::vector<std::unique_ptr<FieldExtractor>> elementTables_;
  std::vector<uint32_t> elementWidth_; ///< per slot: K
};

/// Sets `out` from a JSON value (strings point into the parsed document).
void toRulecValue(simdjson::dom::element value, rulec_value &out);

} // namespace rulec
