//===- EventEvaluator.cpp -------------------------------------------------===//
#include "EventEvaluator.h"

#include <cstring>

namespace rulec {

static std::vector<FieldSpec> concat(std::vector<FieldSpec> a, const std::vector<FieldSpec> &b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

EventEvaluator::EventEvaluator(const PackInfo &pack, rulec_pack_eval_fn eval,
                               std::vector<FieldSpec> extraFields)
    : eval_(eval), packFieldCount_(static_cast<uint32_t>(pack.fields.size())),
      extractor_(concat(pack.fields, extraFields)),
      slots_(pack.fields.size() + extraFields.size()),
      elements_(pack.fields.size() + extraFields.size()),
      matchBuffer_(pack.rules.size() + 1) {}

bool EventEvaluator::load(const std::string &json, std::string &error) {
  std::memset(slots_.data(), 0, slots_.size() * sizeof(rulec_value));
  simdjson::dom::element root;
  if (auto err = parser_.parse(json).get(root)) {
    error = std::string("invalid JSON: ") + simdjson::error_message(err);
    return false;
  }
  if (!root.is_object()) {
    error = "an event must be a JSON object";
    return false;
  }
  extractor_.extract(root, slots_.data(), elements_.data());
  return true;
}

const std::vector<uint32_t> &EventEvaluator::evaluate(uint32_t logType) {
  uint32_t n = eval_(slots_.data(), logType, matchBuffer_.data());
  matched_.assign(matchBuffer_.begin(), matchBuffer_.begin() + n);
  return matched_;
}

} // namespace rulec
