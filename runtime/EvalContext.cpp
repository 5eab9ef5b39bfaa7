//===- EvalContext.cpp ----------------------------------------------------===//
#include "EvalContext.h"

#include "matching/AsciiFold.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace rulec {

namespace {
std::string lowered(std::string_view s) {
  std::string out(s);
  for (char &c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
size_t termEnd(std::string_view s, size_t from) {
  while (from < s.size() && isTermByte(s[from]))
    ++from;
  return from;
}
} // namespace

void StringSet::insert(std::string_view value, int64_t eventTime) {
  auto put = [&](std::unordered_map<std::string, int64_t> &map, std::string key) {
    auto [it, inserted] = map.emplace(std::move(key), eventTime);
    if (!inserted)
      it->second = std::max(it->second, eventTime);
    return std::pair{&*it, inserted};
  };
  put(exact_, std::string(value));
  const auto [member, added] = put(folded_, lowered(value));
  if (!added)
    return;
  const std::string_view text = member->first;
  const size_t lead = termEnd(text, 0);
  if (lead == 0)
    untermed_.push_back(member);
  else
    byLeadingTerm_[std::string(text.substr(0, lead))].push_back(member);
}

bool StringSet::hasAny(std::string_view s, int64_t since) const {
  auto has = [&](const Member *m) {
    return m->second >= since && rulec_rt_has(s.data(), static_cast<uint32_t>(s.size()), m->first.data(),
                                              static_cast<uint32_t>(m->first.size()), 0);
  };
  if (std::any_of(untermed_.begin(), untermed_.end(), has))
    return true;
  if (byLeadingTerm_.empty())
    return false;
  foldedText_.resize(s.size());
  foldAscii(s.data(), s.size(), foldedText_.data());
  const std::string_view folded = foldedText_;
  for (size_t start = 0; start < folded.size();) {
    if (!isTermByte(folded[start])) {
      ++start;
      continue;
    }
    const size_t end = termEnd(folded, start);
    if (auto it = byLeadingTerm_.find(folded.substr(start, end - start)); it != byLeadingTerm_.end()) {
      // Each member starts with this term: it matches here when the rest of
      // it follows and, if it ends with a term byte, no term byte follows it.
      const std::string_view rest = folded.substr(start);
      for (const Member *m : it->second) {
        const std::string &text = m->first;
        if (m->second >= since && rest.starts_with(text) &&
            !(isTermByte(text.back()) && text.size() < rest.size() && isTermByte(rest[text.size()])))
          return true;
      }
    }
    start = end;
  }
  return false;
}

bool StringSet::match(std::string_view s, uint32_t mode, int64_t since) const {
  if (mode == RULEC_SET_EQ) {
    auto it = exact_.find(std::string(s));
    return it != exact_.end() && it->second >= since;
  }
  if (mode == RULEC_SET_EQ_FOLD) {
    auto it = folded_.find(lowered(s));
    return it != folded_.end() && it->second >= since;
  }
  return hasAny(s, since);
}

} // namespace rulec

namespace {
std::shared_ptr<const rulec::LiteralDatabases> buildLiterals(const rulec::PackInfo &pack) {
  std::string error;
  auto dbs = rulec::LiteralDatabases::build(pack, error);
  if (!dbs)
    throw std::runtime_error(error);
  return dbs;
}
} // namespace

rulec_context::rulec_context(const rulec::PackInfo &p, std::shared_ptr<const rulec::LiteralDatabases> dbs)
    : pack(p), sets(p.sets.size()), regexGate(p.regexes, p.regexGate),
      literals(dbs ? std::move(dbs) : buildLiterals(p)), regexes_(p.regexes.size()) {
  for (const std::string &name : p.functions)
    functions.push_back(rulec::functions::find(name));
}

const re2::RE2 &rulec_context::regex(uint32_t i) const {
  if (!regexes_[i]) {
    re2::RE2::Options options;
    options.set_log_errors(false);
    regexes_[i] = std::make_unique<re2::RE2>(pack.regexes[i], options);
  }
  return *regexes_[i];
}

extern "C" const rulec_event_scan *rulec_rt_scan(rulec_context *ctx, const rulec_value *slots, uint32_t logType) {
  return ctx->literals.scan(slots, logType, ctx->eventText, ctx->event, ctx->filledSlots);
}

char *rulec_context::scratch(size_t n) {
  // Find the chunk holding offset scratchUsed, skipping chunks too small for n.
  size_t offset = 0;
  for (size_t i = 0; i < scratchChunks.size(); ++i) {
    if (scratchUsed <= offset + scratchSizes[i] && offset + scratchSizes[i] - std::max(scratchUsed, offset) >= n) {
      size_t start = std::max(scratchUsed, offset);
      scratchUsed = start + n;
      return scratchChunks[i].get() + (start - offset);
    }
    offset += scratchSizes[i];
  }
  const size_t size = std::max<size_t>(n, 64 * 1024);
  scratchChunks.push_back(std::make_unique<char[]>(size));
  scratchSizes.push_back(size);
  scratchUsed = offset + n;
  return scratchChunks.back().get();
}

bool rulec_context::slotJson(const rulec_value &v, std::string &out) const {
  if ((v.kind != RULEC_ARRAY && v.kind != RULEC_OBJECT) || !slots || &v < slots || &v >= slots + slotCount)
    return false;
  out = simdjson::minify(elements[&v - slots]);
  return true;
}
