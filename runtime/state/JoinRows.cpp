//===- JoinRows.cpp -------------------------------------------------------===//
#include "state/JoinRows.h"

#include <algorithm>

namespace rulec {

bool joinKey(const Columns &columns, const std::vector<std::string> &keys, std::string &out) {
  out.clear();
  for (const std::string &k : keys) {
    const std::string *v = findColumn(columns, k);
    if (!v || *v == "null")
      return false;
    out += *v;
    out += '\x1f';
  }
  return true;
}

JoinShape::JoinShape(const OperatorSpec &spec)
    : lookup_(spec.joinKind == OperatorSpec::JoinKind::LookupLeftOuter ||
              spec.joinKind == OperatorSpec::JoinKind::LookupInner),
      rightKeys_(spec.rightKeys) {}

void JoinShape::see(int side, const Columns &row) {
  for (const auto &[name, value] : row) {
    if (side == 1 && lookup_ && std::count(rightKeys_.begin(), rightKeys_.end(), name))
      continue; // the keys once: the left's
    if (seen_[side].insert(name).second) {
      names_[side].push_back(name);
      renamed_ = false;
    }
  }
}

std::string JoinShape::combine(const Columns *left, const Columns *right) {
  if (!renamed_) {
    std::set<std::string> taken(names_[0].begin(), names_[0].end());
    rightOut_.clear();
    for (const std::string &name : names_[1]) {
      std::string out = name;
      for (int n = 1; taken.count(out); ++n)
        out = name + std::to_string(n);
      taken.insert(out);
      rightOut_.push_back(std::move(out));
    }
    renamed_ = true;
  }
  Columns out;
  for (const std::string &name : names_[0]) {
    const std::string *v = left ? findColumn(*left, name) : nullptr;
    out.emplace_back(name, v ? *v : "null");
  }
  for (size_t i = 0; i < names_[1].size(); ++i) {
    const std::string *v = right ? findColumn(*right, names_[1][i]) : nullptr;
    out.emplace_back(rightOut_[i], v ? *v : "null");
  }
  return rowText(out);
}

} // namespace rulec
