//===- EventEvaluator.cpp -------------------------------------------------===//
#include "EventEvaluator.h"

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#include <algorithm>
#include <chrono>

#include "events/LineReader.h"

#include <cstring>
#include <new>

namespace rulec {

static std::vector<FieldSpec> concat(std::vector<FieldSpec> a, const std::vector<FieldSpec> &b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

EventEvaluator::EventEvaluator(const PackInfo &pack, NativePack code, std::vector<FieldSpec> extraFields,
                               std::shared_ptr<const LiteralDatabases> literals)
    : code_(code), packFieldCount_(static_cast<uint32_t>(pack.fields.size())),
      extractor_(concat(pack.fields, extraFields)), ctx_(pack, std::move(literals)),
      slots_(pack.fields.size() + extraFields.size()),
      elements_(pack.fields.size() + extraFields.size()),
      matchBuffer_(pack.rules.size() + 1) {
  // The depth bound stays when the parser grows to a larger event.
  if (parser_.allocate(simdjson::SIMDJSON_PADDING, kMaxEventDepth))
    throw std::bad_alloc();
  // Where helpers find an array or object slot's JSON (the vectors never grow).
  ctx_.slots = slots_.data();
  ctx_.elements = elements_.data();
  ctx_.slotCount = slots_.size();
}

static_assert(LineReader::kPadding >= simdjson::SIMDJSON_PADDING, "LineReader's lines can be parsed in place");

std::string EventEvaluator::tooLarge(uint64_t bytes) {
  return "event too large: " + std::to_string(bytes) + " bytes, more than the limit of " +
         std::to_string(kMaxEventBytes >> 20) + " MiB";
}

bool EventEvaluator::load(std::string_view json, std::string &error, bool padded) {
  for (uint32_t slot : filled_) // only the last event's: a large pack has thousands of slots
    std::memset(&slots_[slot], 0, sizeof(rulec_value));
  filled_.clear();
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
  ctx_.eventText = json;
  ctx_.filledSlots = &filled_;
  extractor_.extract(root, slots_.data(), elements_.data(), arena_, &filled_);
  return true;
}

namespace {
/// The time-stamp counter (cycles at a constant rate), else nanoseconds.
inline uint64_t ticks() {
#if defined(__x86_64__)
  return __rdtsc();
#else
  return static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
#endif
}
} // namespace

void RuleProfile::add(const RuleProfile &other) {
  cycles.resize(std::max(cycles.size(), other.cycles.size()), 0);
  runs.resize(std::max(runs.size(), other.runs.size()), 0);
  for (size_t r = 0; r < other.cycles.size(); ++r) {
    cycles[r] += other.cycles[r];
    runs[r] += other.runs[r];
  }
  scanCycles += other.scanCycles;
}

bool EventEvaluator::setProfile(RuleProfile *profile) {
  if (profile && !code_.rules)
    return false;
  profile_ = profile;
  if (profile_) {
    profile_->cycles.resize(matchBuffer_.size(), 0);
    profile_->runs.resize(matchBuffer_.size(), 0);
  }
  return true;
}

const std::vector<uint32_t> &EventEvaluator::evaluate(uint32_t logType) {
  if (profile_) {
    // What rulec_pack_eval does, each step timed.
    const uint64_t start = ticks();
    const rulec_event_scan *scan = rulec_rt_scan(&ctx_, slots_.data(), logType);
    uint64_t before = ticks();
    profile_->scanCycles += before - start;
    matched_.clear();
    for (const uint32_t *rule = scan->candidates; *rule != RULEC_NO_RULE; ++rule) {
      const bool hit = code_.rules[*rule](slots_.data(), &ctx_, scan->needles) != 0;
      const uint64_t after = ticks();
      profile_->cycles[*rule] += after - before;
      ++profile_->runs[*rule];
      before = after;
      if (hit)
        matched_.push_back(*rule);
    }
    return matched_;
  }
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
