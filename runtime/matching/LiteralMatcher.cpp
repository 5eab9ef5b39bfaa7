//===- LiteralMatcher.cpp -------------------------------------------------===//
#include "matching/LiteralMatcher.h"

#include "matching/AsciiFold.h"

#include <algorithm>
#include <map>

namespace rulec {

namespace {

void setBit(std::vector<uint64_t> &words, uint32_t bit) { words[bit >> 6] |= uint64_t(1) << (bit & 63); }

/// A radix tree this large is walked with cache misses: its field's values
/// are worth remembering (measured on Image's 840 iendswith needles).
constexpr size_t kMemoAffixNodes = 1024;

LiteralDatabases::Matcher matcherFor(const LiteralSet &spec, uint32_t set, uint32_t base) {
  LiteralDatabases::Matcher m;
  m.set = set;
  m.base = base;
  if (spec.kind == LiteralSet::Kind::NonAscii) {
    m.nonAsciiNeedle = true;
    return m;
  }
  if (spec.kind == LiteralSet::Kind::Equals) {
    m.equals = std::make_unique<EqualsTable>(spec.needles);
    return m;
  }
  if (spec.kind != LiteralSet::Kind::Contains) {
    m.affixes = std::make_unique<AffixTable>(
        spec.needles, spec.kind == LiteralSet::Kind::StartsWith ? AffixTable::Anchor::Start : AffixTable::Anchor::End);
    return m;
  }
  // Needles with a non-ASCII byte apart: they are only looked for in texts
  // that have one.
  std::pair<std::vector<std::string_view>, std::vector<uint32_t>> groups[2];
  for (uint32_t i = 0; i < spec.needles.size(); ++i) {
    const std::string &n = spec.needles[i];
    const bool nonAscii = std::any_of(n.begin(), n.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
    groups[nonAscii].first.push_back(n);
    groups[nonAscii].second.push_back(i);
  }
  for (int nonAscii = 0; nonAscii < 2; ++nonAscii)
    if (!groups[nonAscii].first.empty())
      m.scans.push_back({SubstringScanner(groups[nonAscii].first), std::move(groups[nonAscii].second), nonAscii == 1});
  return m;
}

} // namespace

std::shared_ptr<const LiteralDatabases> LiteralDatabases::build(const PackInfo &pack, std::string &error) {
  auto out = std::make_shared<LiteralDatabases>();
  const std::vector<uint32_t> bases = needleBases(pack.literalSets);
  const uint32_t bits = bases.back();
  out->rules = static_cast<uint32_t>(pack.rules.size());
  out->needleWords = (bits + 63) / 64;
  out->ruleWords = (out->rules + 63) / 64;

  std::map<uint32_t, size_t> fieldOf; // slot -> index in fields
  for (uint32_t s = 0; s < pack.literalSets.size(); ++s) {
    const LiteralSet &spec = pack.literalSets[s];
    if (spec.slot == LiteralSet::kEventText) {
      if (out->keywords || spec.kind != LiteralSet::Kind::Contains) {
        error = "literal set " + std::to_string(s) + " is a second or malformed event-text set";
        return nullptr;
      }
      out->keywords = KeywordScanner::build(spec.needles, spec.groups, error);
      if (!out->keywords) {
        error = "literal set " + std::to_string(s) + ": " + error;
        return nullptr;
      }
      out->keywordBase = bases[s];
      continue;
    }
    if (spec.slot >= pack.fields.size()) {
      error = "literal set " + std::to_string(s) + " tests a field the pack lacks";
      return nullptr;
    }
    bool bad = spec.kind == LiteralSet::Kind::NonAscii && spec.needles != std::vector<std::string>{""};
    for (const std::string &needle : spec.needles)
      if (needle.empty() && (spec.kind == LiteralSet::Kind::Contains || spec.kind == LiteralSet::Kind::StartsWith ||
                             spec.kind == LiteralSet::Kind::EndsWith))
        bad = true;
    if (bad) {
      error = "literal set " + std::to_string(s) + " has a needle it cannot match";
      return nullptr;
    }
    Matcher m = matcherFor(spec, s, bases[s]);
    auto [it, added] = fieldOf.emplace(spec.slot, out->fields.size());
    if (added) {
      out->fields.emplace_back();
      out->fields.back().slot = spec.slot;
      out->fields.back().listRules.assign(out->ruleWords, 0);
    }
    out->fields[it->second].sets.push_back(std::move(m));
  }

  out->fieldOfSlot.assign(pack.fields.size(), -1);
  for (uint32_t f = 0; f < out->fields.size(); ++f)
    out->fieldOfSlot[out->fields[f].slot] = static_cast<int32_t>(f);
  for (Field &field : out->fields) {
    field.memoize = field.sets.size() > 1; // a fold and several lookups or walks
    for (const Matcher &m : field.sets) {
      for (const Matcher::Scan &scan : m.scans)
        field.memoize |= !scan.nonAscii && scan.scanner.filtersEveryPosition();
      field.memoize |= m.affixes && m.affixes->nodes() >= kMemoAffixNodes;
    }
  }

  // The prefilter's tables.
  std::vector<std::vector<uint32_t>> clausesOfBit(bits); // (rule << 2) | clause, per needle bit
  out->unfiltered.assign(out->ruleWords, 0);
  out->allClauses.assign(pack.rules.size(), 0);
  out->logTypeRules.assign(pack.logTypes.size(), std::vector<uint64_t>(out->ruleWords, 0));
  for (uint32_t r = 0; r < pack.rules.size(); ++r) {
    const RuleInfo &rule = pack.rules[r];
    for (uint32_t lt : rule.logTypes) {
      if (lt >= pack.logTypes.size()) {
        error = "rule " + std::to_string(r) + " has a log type the pack lacks";
        return nullptr;
      }
      setBit(out->logTypeRules[lt], r);
    }
    if (rule.requirements.empty())
      setBit(out->unfiltered, r);
    static_assert(RuleInfo::kMaxClauses <= 4, "a needle's entry holds the clause in 2 bits");
    if (rule.requirements.size() > RuleInfo::kMaxClauses || r >= (1u << 30)) {
      error = "rule " + std::to_string(r) + " has more than " + std::to_string(RuleInfo::kMaxClauses) +
              " prefilter clauses";
      return nullptr;
    }
    out->allClauses[r] = static_cast<uint8_t>((1u << rule.requirements.size()) - 1);
    for (uint32_t c = 0; c < rule.requirements.size(); ++c) {
      if (rule.requirements[c].empty()) {
        error = "rule " + std::to_string(r) + " has an empty prefilter clause";
        return nullptr;
      }
      for (const LiteralRef &need : rule.requirements[c]) {
        if (need.set >= pack.literalSets.size() || need.index >= pack.literalSets[need.set].needles.size()) {
          error = "rule " + std::to_string(r) + " requires a needle its pack lacks";
          return nullptr;
        }
        const LiteralSet &spec = pack.literalSets[need.set];
        std::vector<uint32_t> &who = clausesOfBit[bases[need.set] + need.index];
        const uint32_t entry = r << 2 | c;
        if (who.empty() || who.back() != entry)
          who.push_back(entry);
        if (spec.slot == LiteralSet::kEventText) {
          error = "rule " + std::to_string(r) + " requires a keyword (keywords are not prefiltered)";
          return nullptr;
        }
        setBit(out->fields[fieldOf.at(spec.slot)].listRules, r);
      }
    }
  }
  out->needleClauseStart.push_back(0);
  for (const std::vector<uint32_t> &who : clausesOfBit) {
    out->needleClauses.insert(out->needleClauses.end(), who.begin(), who.end());
    out->needleClauseStart.push_back(static_cast<uint32_t>(out->needleClauses.size()));
  }
  return out;
}

LiteralMatcher::LiteralMatcher(std::shared_ptr<const LiteralDatabases> dbs)
    : dbs_(std::move(dbs)), needles_(dbs_->needleWords + 1, 0), candidateBits_(dbs_->ruleWords, 0),
      candidates_(dbs_->rules + 1, RULEC_NO_RULE), held_(dbs_->rules, 0), memo_(dbs_->fields.size()) {
  if (dbs_->keywords) {
    keywordScratch_ = std::make_unique<KeywordScanner::Scratch>(*dbs_->keywords);
    keywordChecked_.assign(dbs_->keywords->size(), 0);
    groupScanned_.assign(dbs_->keywords->groups(), 0);
  }
  touched_.reserve(dbs_->rules);
  result_.candidates = candidates_.data();
  result_.needles = needles_.data();
}

void LiteralMatcher::setEnabledRules(const std::vector<uint8_t> &enabled) {
  enabledRules_.clear();
  if (enabled.empty())
    return;
  enabledRules_.assign(dbs_->ruleWords, 0);
  for (uint32_t r = 0; r < dbs_->rules && r < enabled.size(); ++r)
    if (enabled[r])
      setBit(enabledRules_, r);
}

const char *LiteralMatcher::fold(std::string_view s, bool &nonAscii) {
  if (fold_.size() < s.size() + SubstringScanner::kPadding)
    fold_.resize(s.size() + SubstringScanner::kPadding + 64);
  nonAscii = foldAscii(s.data(), s.size(), fold_.data());
  return fold_.data();
}

void LiteralMatcher::found(uint32_t bit) {
  const LiteralDatabases &dbs = *dbs_;
  setNeedle(bit);
  for (uint32_t k = dbs.needleClauseStart[bit]; k < dbs.needleClauseStart[bit + 1]; ++k) {
    const uint32_t rule = dbs.needleClauses[k] >> 2;
    if (!held_[rule])
      touched_.push_back(rule);
    held_[rule] |= static_cast<uint8_t>(1u << (dbs.needleClauses[k] & 3));
  }
}

bool LiteralMatcher::keywordMayOccur(uint32_t i) {
  const KeywordScanner *keywords = dbs_->keywords.get();
  if (!keywords || i >= keywords->size())
    return false;
  const uint32_t group = keywords->groupOf(i);
  if (!groupScanned_[group]) {
    const uint32_t base = dbs_->keywordBase;
    const bool exact = keywords->scan(group, text_, root_, *keywordScratch_, [&](uint32_t k) {
      const uint32_t bit = base + k;
      setNeedle(bit); // the rules are running: only the bit
    });
    groupScanned_[group] = exact ? 2 : 1;
    groupsScanned_.push_back(group);
  }
  const uint32_t bit = dbs_->keywordBase + i;
  return needles_[bit >> 6] >> (bit & 63) & 1;
}

bool LiteralMatcher::keywordOccurs(uint32_t i) {
  if (!keywordMayOccur(i))
    return false;
  if (groupScanned_[dbs_->keywords->groupOf(i)] == 2)
    return true;
  if (!keywordChecked_[i]) {
    keywordChecked_[i] = dbs_->keywords->occurs(i, text_, root_) ? 1 : 2;
    keywordsChecked_.push_back(i);
  }
  return keywordChecked_[i] == 1;
}

const rulec_event_scan *LiteralMatcher::scan(const rulec_value *slots, uint32_t logType, std::string_view text,
                                             simdjson::dom::element root, const std::vector<uint32_t> *filled) {
  const LiteralDatabases &dbs = *dbs_;
  text_ = text;
  root_ = root;
  for (uint32_t g : groupsScanned_)
    groupScanned_[g] = 0;
  groupsScanned_.clear();
  for (uint32_t i : keywordsChecked_)
    keywordChecked_[i] = 0;
  keywordsChecked_.clear();
  if (logType >= dbs.logTypeRules.size()) {
    candidates_[0] = RULEC_NO_RULE;
    return &result_;
  }
  for (uint32_t w : dirtyWords_) // the last event's needles (a pack may have 30,000)
    needles_[w] = 0;
  dirtyWords_.clear();
  std::copy(dbs.unfiltered.begin(), dbs.unfiltered.end(), candidateBits_.begin());
  if (filled) { // the event's fields: a few dozen of the pack's hundreds
    for (uint32_t slot : *filled)
      if (slot < dbs.fieldOfSlot.size() && dbs.fieldOfSlot[slot] >= 0)
        matchField(static_cast<uint32_t>(dbs.fieldOfSlot[slot]), slots);
  } else {
    for (uint32_t f = 0; f < dbs.fields.size(); ++f)
      matchField(f, slots);
  }
  // A rule runs when each of its clauses held.
  for (uint32_t rule : touched_) {
    if (held_[rule] == dbs.allClauses[rule])
      setBit(candidateBits_, rule);
    held_[rule] = 0;
  }
  touched_.clear();
  const std::vector<uint64_t> &ofType = dbs.logTypeRules[logType];
  uint32_t n = 0;
  const bool masked = !enabledRules_.empty();
  for (uint32_t w = 0; w < dbs.ruleWords; ++w)
    for (uint64_t word = candidateBits_[w] & ofType[w] & (masked ? enabledRules_[w] : ~uint64_t(0)); word;
         word &= word - 1)
      candidates_[n++] = w * 64 + static_cast<uint32_t>(__builtin_ctzll(word));
  candidates_[n] = RULEC_NO_RULE;
  ++counts_.scans;
  counts_.candidates += n;
  return &result_;
}

void LiteralMatcher::matchField(uint32_t f, const rulec_value *slots) {
  const LiteralDatabases &dbs = *dbs_;
  const LiteralDatabases::Field &field = dbs.fields[f];
  const rulec_value &v = slots[field.slot];
  {
    if (v.kind == RULEC_ARRAY) { // Sigma lists match element by element: run them all
      for (uint32_t w = 0; w < dbs.ruleWords; ++w)
        candidateBits_[w] |= field.listRules[w];
      return;
    }
    if (v.kind != RULEC_STRING)
      return; // no needle is in a missing or non-string field
    const std::string_view text(v.payload.s, v.len);
    const bool memoize = memoOn_ && field.memoize && text.size() <= LiteralMemo::kMaxText;
    const bool remember = memoize && memo_.active(f);
    uint64_t hash = 0;
    if (remember) {
      hash = LiteralMemo::hash(text);
      const uint32_t *last;
      if (const uint32_t *bit = memo_.find(f, text, hash, last)) {
        for (; bit != last; ++bit)
          found(*bit);
        return;
      }
    } else if (memoize) {
      memo_.skipped(f);
    }
    foundInField_.clear();
    bool nonAscii = false;
    const char *folded = fold(text, nonAscii);
    for (const LiteralDatabases::Matcher &m : field.sets)
      m.match(folded, v.len, nonAscii, [&](uint32_t index) {
        const uint32_t bit = m.base + index;
        if (needles_[bit >> 6] >> (bit & 63) & 1)
          return; // found before in this value
        if (remember)
          foundInField_.push_back(bit); // only what the memo keeps
        found(bit);
      });
    if (remember)
      memo_.store(f, text, hash, foundInField_);
  }
}

} // namespace rulec
