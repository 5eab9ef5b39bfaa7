//===- FieldExtractor.h - One parsed event -> the pack's slots ------------===//
//
// The pack's field paths are merged into a trie at load time, so one walk of
// the parsed event fills every slot, and a prefix shared by many fields
// (`supporting_data.*`) is looked up once; an object's members are matched
// against all of a node's keys in one pass (Layout). Fields the event lacks stay
// RULEC_MISSING. A field with an element table gets its array's elements read,
// each by a nested extractor over the element table, into the ValueArena.
// Top-level slots also get their simdjson element, so that titles and alert
// context can render lists and objects.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "events/KeyIndex.h"
#include "packs/PackInfo.h"
#include "events/Tape.h"
#include "events/ValueArena.h"
#include "rulec/abi.h"

#include <simdjson.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace rulec {

class FieldExtractor {
public:
  explicit FieldExtractor(const std::vector<FieldSpec> &fields);

  /// Fills `slots` (one per field, RULEC_MISSING before) from `root`;
  /// `elements`, when given, gets each slot's JSON value. Element blocks come
  /// from `arena`. `filled`, when given, gets the slots it filled, so that the
  /// caller can reset just those (a large pack has thousands of slots).
  void extract(simdjson::dom::element root, rulec_value *slots, simdjson::dom::element *elements,
               ValueArena &arena, std::vector<uint32_t> *filled = nullptr) const;

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

  /// The key edges of a node are matched in one pass over an object's
  /// members. Events of one kind repeat their keys in the same order, so
  /// the pass remembers the keys of the objects it saw: while each member's
  /// key is the one seen at its position, the edges' members are where they
  /// were, and no key is looked up (a lookup normalizes the key for the
  /// loose forms and hashes it). Only when a key differs are its edges found
  /// again (KeyIndex), and the edges' members chosen anew. A node keeps
  /// kLayouts layouts, found by the object's member count and first key:
  /// a Windows log interleaves a few dozen EventData layouts (Sysmon's event
  /// IDs, Security's), and one remembered layout was relearned at most
  /// events (17% of the SigmaHQ pack's time on real logs).
  ///
  /// A key is remembered reduced for a cheap equality test: its length, its
  /// first and last 8 bytes (4, or three bytes, for shorter keys) and, for
  /// keys of more than 16 bytes, the bytes between. Per position, in arrays
  /// the pass reads in order.
  struct Layout {
    std::vector<uint32_t> length; ///< UINT32_MAX: no key yet
    std::vector<uint64_t> head, tail;
    std::vector<std::string> middle;
    /// The edges each key matches: (edge, 2) exactly, (edge, 1) in a looser form.
    std::vector<std::vector<std::pair<uint32_t, uint8_t>>> hits;
    std::vector<size_t> values;    ///< this object's, per position (tape indexes)
    uint32_t members = UINT32_MAX; ///< of the last object
    /// Per edge with a member: (edge, its member's position) for the last
    /// object. An edge takes the first member with its exact key, else the
    /// first equal in the edge's looser form, as at_key and a case-
    /// insensitive search after it choose.
    std::vector<std::pair<uint32_t, uint32_t>> chosen;
    void grow();
  };
  static constexpr size_t kLayouts = 32;
  struct Node {
    std::vector<Edge> edges;
    std::vector<uint32_t> stepEdges; ///< the index and wildcard edges (not matched by key)
    std::vector<Target> slots;     ///< fields whose path ends here
    std::unique_ptr<KeyIndex> keys; ///< null without key edges
    mutable std::vector<Layout> layouts;
    mutable uint32_t nextLayout = 0; ///< the one a new layout replaces when all are taken
  };
  /// The remembered layout of objects like `object` (same member count and
  /// first key), or a fresh one to learn.
  Layout &layoutFor(const Node &node, const Tape &tape, size_t object) const;
  /// Remembers `key` at `position` of `layout`, with the edges it matches.
  void learnKey(const Node &node, Layout &layout, size_t position, std::string_view key) const;
  /// Walks the key edges of `node` over the members of `object`.
  void walkKeys(const Node &node, const Tape &tape, size_t object, rulec_value *slots,
                simdjson::dom::element *elements, ValueArena &arena) const;
  bool decided(const Edge &edge, const rulec_value *slots) const;
  mutable std::vector<char> keyBuffer_; ///< a member key in a looser form
  mutable std::vector<uint32_t> *filled_ = nullptr; ///< extract()'s, while it runs
  mutable std::vector<uint8_t> rank_;       ///< per edge, while choosing members (0 between choices)
  mutable std::vector<uint32_t> position_;  ///< ... and the member chosen
  mutable std::vector<uint32_t> ranked_;    ///< the edges with a rank
  /// Objects with more members are not remembered (Layout).
  static constexpr size_t kRememberedMembers = 4096;

  /// Adds a path; `children`: per node, its edges by (step, key match), for
  /// building without a search of every edge.
  void insert(const std::vector<PathStep> &path, KeyMatch keyMatch, Target target,
              std::vector<std::map<std::pair<std::string, int>, uint32_t>> &children);
  /// Collects the targets below `node` into `out`; false when one is not an
  /// alternative or there are more than kSkipTargets.
  bool collectTargets(uint32_t node, std::vector<Target> &out) const;

  /// Walks `node` over the value at tape index `value`.
  void walk(uint32_t node, const Tape &tape, size_t value, rulec_value *slots, simdjson::dom::element *elements,
            ValueArena &arena) const;
  void readElements(uint32_t slot, const Tape &tape, size_t array, rulec_value &out, ValueArena &arena) const;

  std::vector<Node> nodes_; ///< nodes_[0] is the root
  /// Per slot: the extractor of its element table, or null.
  std::vector<std::unique_ptr<FieldExtractor>> elementTables_;
  std::vector<uint32_t> elementWidth_; ///< per slot: K
};

/// Sets `out` from a JSON value (strings point into the parsed document).
void toRulecValue(simdjson::dom::element value, rulec_value &out);
void toRulecValue(const Tape &tape, size_t value, rulec_value &out);

} // namespace rulec
