//===- PackInfo.cpp -------------------------------------------------------===//
#include "PackInfo.h"

#include "rulec/abi.h"

namespace rulec {

std::string FieldSpec::str() const {
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

uint32_t PackInfo::logTypeIndex(const std::string &name) const {
  for (uint32_t i = 0; i < logTypes.size(); ++i)
    if (logTypes[i] == name)
      return i;
  return RULEC_NO_LOG_TYPE;
}

} // namespace rulec
