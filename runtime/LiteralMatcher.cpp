//===- LiteralMatcher.cpp -------------------------------------------------===//
#include "LiteralMatcher.h"

#include "rulec/abi.h"

#include <hs.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

namespace rulec {

std::shared_ptr<const LiteralDatabases> LiteralDatabases::build(const PackInfo &pack, std::string &error) {
  auto out = std::make_shared<LiteralDatabases>();
  for (const LiteralSet &spec : pack.literalSets) {
    Set set;
    set.spec = &spec;
    if (spec.kind != LiteralSet::Kind::Contains) {
      for (uint32_t i = 0; i < spec.needles.size(); ++i) {
        set.needles.emplace(spec.needles[i], i);
        set.lengths.push_back(spec.needles[i].size());
      }
      std::sort(set.lengths.begin(), set.lengths.end());
      set.lengths.erase(std::unique(set.lengths.begin(), set.lengths.end()), set.lengths.end());
    } else if (!spec.compiled.empty() &&
               hs_deserialize_database(spec.compiled.data(), spec.compiled.size(), &set.db) == HS_SUCCESS) {
      // compiled ahead of time for this kind of CPU
    } else {
      set.db = nullptr; // another CPU's database: compile it here
      std::vector<const char *> patterns;
      std::vector<size_t> lengths;
      std::vector<unsigned> flags, ids;
      for (uint32_t i = 0; i < spec.needles.size(); ++i) {
        patterns.push_back(spec.needles[i].data());
        lengths.push_back(spec.needles[i].size());
        flags.push_back(HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH);
        ids.push_back(i);
      }
      hs_compile_error_t *compileError = nullptr;
      if (hs_compile_lit_multi(patterns.data(), flags.data(), ids.data(), lengths.data(),
                               static_cast<unsigned>(patterns.size()), HS_MODE_BLOCK, nullptr, &set.db,
                               &compileError) != HS_SUCCESS) {
        error = std::string("Hyperscan cannot compile literal set of field $") + std::to_string(spec.slot) + ": " +
                (compileError && compileError->message ? compileError->message : "unknown error");
        hs_free_compile_error(compileError);
        return nullptr;
      }
    }
    set.rulesByNeedle.resize(spec.needles.size());
    out->sets.push_back(std::move(set));
  }
  out->unfiltered.assign(pack.rules.size(), 1);
  for (uint32_t r = 0; r < pack.rules.size(); ++r)
    for (const LiteralRef &need : pack.rules[r].requiredNeedles) {
      if (need.set >= out->sets.size() || need.index >= out->sets[need.set].rulesByNeedle.size()) {
        error = "rule " + std::to_string(r) + " requiredNeedles a needle its pack lacks";
        return nullptr;
      }
      out->unfiltered[r] = 0;
      out->sets[need.set].rulesByNeedle[need.index].push_back(r);
      if (out->sets[need.set].rules.empty() || out->sets[need.set].rules.back() != r)
        out->sets[need.set].rules.push_back(r);
    }
  return out;
}

bool LiteralDatabases::precompile(PackInfo &pack, std::string &error) {
  for (LiteralSet &set : pack.literalSets)
    set.compiled.clear();
  std::shared_ptr<const LiteralDatabases> dbs = build(pack, error);
  if (!dbs)
    return false;
  for (size_t i = 0; i < dbs->sets.size(); ++i) {
    if (!dbs->sets[i].db)
      continue;
    char *bytes = nullptr;
    size_t length = 0;
    if (hs_serialize_database(dbs->sets[i].db, &bytes, &length) != HS_SUCCESS) {
      error = "Hyperscan cannot serialize a literal database";
      return false;
    }
    pack.literalSets[i].compiled.assign(bytes, length);
    std::free(bytes);
  }
  return true;
}

LiteralDatabases::~LiteralDatabases() {
  for (Set &s : sets)
    hs_free_database(s.db);
}

LiteralMatcher::LiteralMatcher(std::shared_ptr<const LiteralDatabases> dbs) : dbs_(std::move(dbs)) {
  for (const LiteralDatabases::Set &set : dbs_->sets) {
    if (set.db && hs_alloc_scratch(set.db, &scratch_) != HS_SUCCESS)
      throw std::runtime_error("Hyperscan cannot allocate scratch space");
    states_.push_back({0, std::vector<uint64_t>((set.spec->needles.size() + 63) / 64)});
  }
}

LiteralMatcher::~LiteralMatcher() { hs_free_scratch(scratch_); }

void LiteralMatcher::scan(uint32_t set, std::string_view s, State &state) {
  std::fill(state.bits.begin(), state.bits.end(), 0);
  const LiteralDatabases::Set &db = dbs_->sets[set];
  if (db.db) {
    auto onMatch = [](unsigned id, unsigned long long, unsigned long long, unsigned, void *bits) -> int {
      static_cast<uint64_t *>(bits)[id / 64] |= uint64_t(1) << (id % 64);
      return 0;
    };
    hs_scan(db.db, s.data(), static_cast<unsigned>(s.size()), 0, scratch_, onMatch, state.bits.data());
    return;
  }
  folded_.assign(s);
  for (char &c : folded_)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  auto look = [&](std::string_view piece) {
    if (auto it = db.needles.find(piece); it != db.needles.end())
      state.bits[it->second / 64] |= uint64_t(1) << (it->second % 64);
  };
  const std::string_view folded = folded_;
  switch (db.spec->kind) {
  case LiteralSet::Kind::Equals:
    look(folded);
    break;
  case LiteralSet::Kind::StartsWith:
  case LiteralSet::Kind::EndsWith:
    for (size_t n : db.lengths) {
      if (n > folded.size())
        break;
      look(db.spec->kind == LiteralSet::Kind::StartsWith ? folded.substr(0, n) : folded.substr(folded.size() - n));
    }
    break;
  case LiteralSet::Kind::Contains:
    break;
  }
}

const uint8_t *LiteralMatcher::prefilter(const rulec_value *slots) {
  candidates_ = dbs_->unfiltered;
  for (uint32_t set = 0; set < dbs_->sets.size(); ++set) {
    const LiteralDatabases::Set &db = dbs_->sets[set];
    const rulec_value &v = slots[db.spec->slot];
    if (v.kind == RULEC_ARRAY) { // Sigma lists match element by element: run them all
      for (uint32_t r : db.rules)
        candidates_[r] = 1;
      continue;
    }
    if (v.kind != RULEC_STRING)
      continue; // no needle is in a missing or non-string field
    State &state = states_[set];
    if (state.epoch != epoch_) {
      state.epoch = epoch_;
      scan(set, std::string_view(v.payload.s, v.len), state);
    }
    for (size_t w = 0; w < state.bits.size(); ++w)
      for (uint64_t word = state.bits[w]; word; word &= word - 1)
        for (uint32_t r : db.rulesByNeedle[w * 64 + static_cast<size_t>(__builtin_ctzll(word))])
          candidates_[r] = 1;
  }
  return candidates_.data();
}

bool LiteralMatcher::match(uint32_t set, uint32_t index, std::string_view s) {
  State &state = states_[set];
  if (state.epoch != epoch_) {
    state.epoch = epoch_;
    scan(set, s, state);
  }
  return (state.bits[index / 64] >> (index % 64)) & 1;
}

} // namespace rulec
