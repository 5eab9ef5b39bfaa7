//===- SigmaRegex.h - Sigma's `re` patterns (PCRE) as RE2 patterns --------===//
//
// The Sigma specification names PCRE for the `re` modifier; rulec runs RE2
// (linear time). Where the two read the same pattern differently and RE2 can
// say what PCRE means, the pattern is rewritten: outside multi-line mode,
// PCRE's `$` and `\Z` also match before a newline that ends the text
// (PCRE2 pattern docs, "Circumflex and dollar"), RE2's `$` only at the very
// end and RE2 has no `\Z`; both become `(?:\n?\z)`. Whether multi-line mode
// holds is followed through the pattern's own flag groups (`(?m)`,
// `(?m:...)`, `(?-m)`). Patterns RE2 cannot run at all (lookaround,
// backreferences) are left as they are and rejected by RegexCheck.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

namespace rulec::sigma {

/// `pattern` with PCRE's meaning of `$` and `\Z` spelled for RE2;
/// `multiline`: the `m` modifier is on.
std::string pcreToRe2(const std::string &pattern, bool multiline);

} // namespace rulec::sigma
