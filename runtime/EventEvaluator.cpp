//===- EventEvaluator.cpp -------------------------------------------------===//
#include "EventEvaluator.h"

#include "events/LineReader.h"

#include <cstring>
#include <new>

namespace rulec {

static std::vector<FieldSpec> concat(std::vector<FieldSpec> a, const std::vector<FieldSpec> &b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

EventEvaluator::EventEvaluator(const PackInfo &pack, NativePack code,
                               std::vector<FieldSpec> extraFields)
    : code_(code), packFieldCount_(static_cast<uint32_t>(pack.fields.size())),
      extractor_(concat(pack.fields, extraFields)), ctx_(pack),
      slots_(pack.fields.size() + extraFields.size()),
      elements_(pack.fields.size() + extraFields.size()),
      matchBuffer_(pack.rules.size() + 1) {
  // The depth bound stays when the parser grows to a larger event.
  if (parser_.allocate(simdjson::SIMDJSON_PADDING, kMaxEventDepth))
    throw std::bad_alloc();
}

static_assert(LineReader::kPadding >= simdjson::SIMDJSON_PADDING, "LineReader's lines can be parsed in place");

std::string EventEvaluator::tooLarge(uint64_t bytes) {
  return "event too large: " + std::to_string(bytes) + " bytes, more than the limit of " +
         std::to_string(kMaxEventBytes >> 20) + " MiB";
}

bool EventEvaluator::load(std::string_view json, std::string &error, bool padded) {
  if (!slots_.empty()) // memset of an empty vector's null data() is undefined (UBSan)
    std::memset(slots_.data(), 0, slots_.size() * sizeof(rulec_value));
  simdjson::dom::element &root = root_;
  if (json.size() > kMaxEventBytes) {
    error = tooLarge(json.size());
    return false;
  }
  if (auto err = parser_.parse(json.data(), json.size(), !padded).get(root)) {
    error = err == simdjson::DEPTH_ERROR
                ? "event nested more than " + std::to_string(kMaxEventDepth) + " levels deep (the limit)"
                : std::string("invalid JSON: ") + simdjson::error_message(err);
    return false;
  }
  if (!root.is_object()) {
    error = "an event must be a JSON object";
    return false;
  }
  arena_.reset();
  ctx_.beginEvent();
  ctx_.event = root;
  extractor_.extract(root, slots_.data(), elements_.data(), arena_);
  return true;
}

const std::vector<uint32_t> &EventEvaluator::evaluate(uint32_t logType) {
  uint32_t n = code_.eval(slots_.data(), logType, matchBuffer_.data(), &ctx_);
  matched_.assign(matchBuffer_.begin(), matchBuffer_.begin() + n);
  return matched_;
}

rulec_value EventEvaluator::column(const RuleInfo &info, uint32_t rule, uint32_t column) {
  const ContextEntry &c = info.columns[column];
  if (!c.computed)
    return slots_[c.slot];
  rulec_value out;
  code_.column(slots_.data(), rule, column, &out, &ctx_);
  return out;
}

const std::string &EventEvaluator::severity(const RuleInfo &info, uint32_t rule) const {
  if (info.dynamicSeverities.empty())
    return info.severity;
  int32_t index = code_.severity(slots_.data(), rule, &ctx_);
  return index < 0 ? info.severity : info.dynamicSeverities[index];
}

} // namespace rulec
