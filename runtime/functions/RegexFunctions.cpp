//===- RegexFunctions.cpp - extract, extract_all, replace_regex, trim ------===//
//
// Their regular expressions are constants the pack compiles (RE2, Kusto's
// own engine); the lowering passes the regex's index as an int argument.
//
//===----------------------------------------------------------------------===//
#include "functions/Arguments.h"
#include "functions/FunctionLibrary.h"

#include <re2/re2.h>

#include <algorithm>
#include <cstdlib>

namespace rulec::functions {

namespace {

const re2::RE2 *regexArg(rulec_context *ctx, const rulec_value &v) {
  if (v.kind != RULEC_INT || v.payload.i < 0 || static_cast<size_t>(v.payload.i) >= ctx->pack.regexes.size())
    return nullptr;
  const re2::RE2 &re = ctx->regex(static_cast<uint32_t>(v.payload.i));
  return re.ok() ? &re : nullptr;
}

/// $extract(re, group, s)
void extract(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text;
  const re2::RE2 *re = regexArg(ctx, *args[0]);
  if (!re || args[1]->kind != RULEC_INT || !textArg(ctx, argc, args, 2, text))
    return;
  const int group = static_cast<int>(args[1]->payload.i);
  if (group < 0 || group > re->NumberOfCapturingGroups())
    return;
  std::vector<re2::StringPiece> groups(static_cast<size_t>(group) + 1);
  if (re->Match(text, 0, text.size(), re2::RE2::UNANCHORED, groups.data(), group + 1) && groups[group].data())
    *out = kqlvalue::string(ctx, std::string_view(groups[group].data(), groups[group].size()));
}

/// $extract_all(re, s [, "g1,g2,..."]): the matches, or with groups one
/// array of groups per match; the third argument (group numbers the lowering
/// resolved) picks the groups.
void extractAll(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text, picked;
  const re2::RE2 *re = regexArg(ctx, *args[0]);
  if (!re || !textArg(ctx, argc, args, 1, text) || (argc > 2 && !textArg(ctx, argc, args, 2, picked)))
    return;
  const int groups = re->NumberOfCapturingGroups();
  std::vector<int> wanted;
  for (size_t at = 0; at < picked.size();) {
    const size_t comma = std::min(picked.find(',', at), picked.size());
    const int g = std::atoi(picked.substr(at, comma - at).c_str());
    if (g < 0 || g > groups)
      return;
    wanted.push_back(g);
    at = comma + 1;
  }
  std::vector<re2::StringPiece> found(static_cast<size_t>(groups) + 1);
  std::vector<std::string> items;
  for (size_t at = 0; at <= text.size();) {
    if (!re->Match(text, at, text.size(), re2::RE2::UNANCHORED, found.data(), groups + 1))
      break;
    auto piece = [&](int g) {
      return found[g].data() ? jsonQuoted(std::string_view(found[g].data(), found[g].size())) : "null";
    };
    if (!wanted.empty()) {
      std::string tuple = "[";
      for (size_t k = 0; k < wanted.size(); ++k)
        tuple += (k ? "," : "") + piece(wanted[k]);
      items.push_back(tuple + "]");
    } else if (groups <= 1) {
      items.push_back(piece(groups));
    } else {
      std::string tuple = "[";
      for (int g = 1; g <= groups; ++g)
        tuple += (g > 1 ? "," : "") + piece(g);
      items.push_back(tuple + "]");
    }
    const size_t end = static_cast<size_t>(found[0].data() - text.data()) + found[0].size();
    at = end > at ? end : at + 1; // an empty match moves on a byte
  }
  if (!items.empty())
    *out = arrayValue(ctx, items);
}

/// $replace_regex(s, re, rewrite)
void replaceRegex(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text, rewrite;
  const re2::RE2 *re = regexArg(ctx, *args[1]);
  if (!re || !textArg(ctx, argc, args, 0, text) || !textArg(ctx, argc, args, 2, rewrite))
    return;
  re2::RE2::GlobalReplace(&text, *re, rewrite);
  *out = kqlvalue::string(ctx, text);
}

/// Regexes made by the lowering: ^(?:re)+ at the start, (?:re)+$ at the end;
/// the last argument is the text.
void trimWith(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text;
  if (!textArg(ctx, argc, args, argc - 1, text))
    return;
  for (uint32_t i = 0; i + 1 < argc; ++i) {
    const re2::RE2 *re = regexArg(ctx, *args[i]);
    if (!re)
      return;
    re2::RE2::Replace(&text, *re, "");
  }
  *out = kqlvalue::string(ctx, text);
}

constexpr Function kTable[] = {
    {"$extract", 3, 3, extract},          {"$extract_all", 2, 3, extractAll}, {"$replace_regex", 3, 3, replaceRegex},
    {"$trim", 3, 3, trimWith},            {"$trim_start", 2, 2, trimWith},    {"$trim_end", 2, 2, trimWith},
};

} // namespace

extern const Family kRegexFunctions{kTable};

} // namespace rulec::functions
