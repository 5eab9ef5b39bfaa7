//===- RegexCheck.cpp -----------------------------------------------------===//
#include "support/RegexCheck.h"

#include "support/Limits.h"

#include <re2/re2.h>

namespace rulec {

std::optional<RegexProblem> checkRegex(const std::string &pattern, const std::string &badPattern) {
  re2::RE2::Options options(re2::RE2::Quiet);
  options.set_max_mem(limits::kMaxRegexMemory);
  re2::RE2 re(pattern, options);
  if (re.ok())
    return std::nullopt;
  if (re.error_code() == re2::RE2::ErrorPatternTooLarge)
    return RegexProblem{DiagCode::LimitExceeded,
                        "regular expression too large: RE2 needs more than " +
                            std::to_string(limits::kMaxRegexMemory >> 20) + " MiB to compile '" +
                            (pattern.size() > 80 ? pattern.substr(0, 80) + "...'" : pattern + "'")};
  return RegexProblem{DiagCode::Unsupported, badPattern + re.error()};
}

void requireRegex(const std::string &pattern, const SourceLocation &loc, const std::string &badPattern) {
  if (auto problem = checkRegex(pattern, badPattern))
    throw Unsupported{loc, problem->message, problem->code};
}

} // namespace rulec
