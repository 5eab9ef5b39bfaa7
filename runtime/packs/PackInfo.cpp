//===- PackInfo.cpp -------------------------------------------------------===//
#include "packs/PackInfo.h"

#include "rulec/abi.h"

#include <algorithm>

namespace rulec {

static std::string pathText(const std::vector<PathStep> &path) {
  std::string out;
  for (const PathStep &step : path) {
    if (step.isWildcard) {
      out += "[*]";
    } else if (step.isIndex) {
      out += "[" + std::to_string(step.index) + "]";
    } else {
      if (!out.empty())
        out += ".";
      out += step.key;
    }
  }
  return out.empty() ? "(element)" : out;
}

std::string FieldSpec::str() const {
  if (alternatives.empty())
    return pathText(path);
  std::string out;
  for (const auto &alt : alternatives)
    out += (out.empty() ? "" : " | ") + pathText(alt);
  return out;
}

uint32_t PackInfo::logTypeIndex(const std::string &name) const {
  for (uint32_t i = 0; i < logTypes.size(); ++i)
    if (logTypes[i] == name)
      return i;
  return RULEC_NO_LOG_TYPE;
}

bool CorrelationSpec::boundedAbove() const {
  for (const Bound &b : condition)
    if (b.cmp == Cmp::Lt || b.cmp == Cmp::Lte || b.cmp == Cmp::Eq)
      return true;
  return false;
}

bool CorrelationSpec::holds(int64_t count) const {
  for (const Bound &b : condition) {
    const bool ok = b.cmp == Cmp::Gt ? count > b.value
                    : b.cmp == Cmp::Gte ? count >= b.value
                    : b.cmp == Cmp::Lt  ? count < b.value
                    : b.cmp == Cmp::Lte ? count <= b.value
                                        : count == b.value;
    if (!ok)
      return false;
  }
  return true;
}

const char *correlationTypeName(CorrelationSpec::Type type) {
  switch (type) {
  case CorrelationSpec::Type::EventCount: return "event_count";
  case CorrelationSpec::Type::ValueCount: return "value_count";
  case CorrelationSpec::Type::Temporal: return "temporal";
  case CorrelationSpec::Type::TemporalOrdered: return "temporal_ordered";
  }
  return "?";
}

const char *correlationCmpName(CorrelationSpec::Cmp cmp) {
  switch (cmp) {
  case CorrelationSpec::Cmp::Gt: return "gt";
  case CorrelationSpec::Cmp::Gte: return "gte";
  case CorrelationSpec::Cmp::Lt: return "lt";
  case CorrelationSpec::Cmp::Lte: return "lte";
  case CorrelationSpec::Cmp::Eq: return "eq";
  }
  return "?";
}

bool LiteralSet::scannable(const std::string &needle) {
  return needle.size() >= 4 ||
         std::any_of(needle.begin(), needle.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

std::vector<uint32_t> needleBases(const std::vector<LiteralSet> &sets) {
  std::vector<uint32_t> bases = {0};
  for (const LiteralSet &set : sets)
    bases.push_back(bases.back() + static_cast<uint32_t>(set.needles.size()));
  return bases;
}

bool PackInfo::ruleReplayed(uint32_t rule, bool streaming) const {
  for (const AnalyticRuleSpec &a : analyticRules)
    if (a.replayed(streaming) && rule >= a.firstRule && rule < a.endRule)
      return true;
  return false;
}

bool PackInfo::operatorReplayed(uint32_t op, bool streaming) const {
  for (const AnalyticRuleSpec &a : analyticRules)
    if (a.replayed(streaming) && op >= a.firstOperator && op < a.endOperator)
      return true;
  return false;
}

} // namespace rulec
