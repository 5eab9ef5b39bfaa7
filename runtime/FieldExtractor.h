//===- FieldExtractor.h - One parsed event -> the pack's slots ------------===//
//
// The pack's field paths are merged into a trie at load time, so one walk of
// the parsed event fills every slot, and a prefix shared by many fields
// (`supporting_data.*`) is looked up once. Fields the event lacks stay
// RULEC_MISSING. Besides the ABI slots, the extractor keeps each slot's
// simdjson element so that titles can render lists and objects.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "PackInfo.h"
#include "rulec/abi.h"

#include <simdjson.h>

#include <vector>

namespace rulec {

class FieldExtractor {
public:
  explicit FieldExtractor(const std::vector<FieldSpec> &fields);

  /// Fills `slots` (one per field) and `elements` from the event's root value.
  void extract(simdjson::dom::element root, rulec_value *slots,
               simdjson::dom::element *elements) const;

private:
  struct Edge {
    PathStep step;
    KeyMatch keyMatch;
    uint32_t child;
  };
  struct Node {
    std::vector<Edge> edges;
    std::vector<uint32_t> slots; ///< fields whose path ends here
  };

  void walk(uint32_t node, simdjson::dom::element value, rulec_value *slots,
            simdjson::dom::element *elements) const;

  std::vector<Node> nodes_; ///< nodes_[0] is the root
};

/// Sets `out` from a JSON value (strings point into the parsed document).
void toRulecValue(simdjson::dom::element value, rulec_value &out);

} // namespace rulec
