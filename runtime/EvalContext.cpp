//===- EvalContext.cpp ----------------------------------------------------===//
#include "EvalContext.h"

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
} // namespace

void StringSet::insert(std::string_view value, int64_t eventTime) {
  auto put = [&](std::unordered_map<std::string, int64_t> &map, std::string key) {
    auto [it, inserted] = map.emplace(std::move(key), eventTime);
    if (!inserted)
      it->second = std::max(it->second, eventTime);
  };
  put(exact_, std::string(value));
  put(folded_, lowered(value));
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
  for (const auto &[member, time] : folded_)
    if (time >= since &&
        rulec_rt_has(s.data(), static_cast<uint32_t>(s.size()), member.data(),
                     static_cast<uint32_t>(member.size()), 0))
      return true;
  return false;
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
      literals(dbs ? std::move(dbs) : buildLiterals(p)), regexes_(p.regexes.size()) {}

const re2::RE2 &rulec_context::regex(uint32_t i) const {
  if (!regexes_[i]) {
    re2::RE2::Options options;
    options.set_log_errors(false);
    regexes_[i] = std::make_unique<re2::RE2>(pack.regexes[i], options);
  }
  return *regexes_[i];
}

extern "C" const rulec_event_scan *rulec_rt_scan(rulec_context *ctx, const rulec_value *slots, uint32_t logType) {
  return ctx->literals.scan(slots, logType);
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
