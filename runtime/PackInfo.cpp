//===- PackInfo.cpp -------------------------------------------------------===//
#include "PackInfo.h"

#include "rulec/abi.h"

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

} // namespace rulec
