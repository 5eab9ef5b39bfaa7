//===- SigmaCorrelationLowering.cpp ---------------------------------------===//
#include "sigma/SigmaCorrelationLowering.h"

#include "sigma/SigmaLowering.h"

#include <algorithm>
#include <map>

namespace rulec::sigma {

namespace {

struct Target {
  bool isCorrelation = false;
  size_t index = 0;
  bool operator==(const Target &o) const { return isCorrelation == o.isCorrelation && index == o.index; }
};

class Resolver {
public:
  Resolver(const std::vector<CompiledRule> &rules, const std::vector<std::unique_ptr<Correlation>> &correlations,
           const Config &config, ir::Pack &pack, DiagnosticEngine &diags)
      : rules_(rules), correlations_(correlations), config_(config), pack_(pack), diags_(diags),
        state_(correlations.size(), Unvisited), packIndex_(correlations.size(), 0) {
    for (size_t i = 0; i < rules.size(); ++i)
      addName(rules[i].rule->id, rules[i].rule->name, {false, i}, rules[i].rule->loc);
    for (size_t i = 0; i < correlations.size(); ++i)
      addName(correlations[i]->id, correlations[i]->name, {true, i}, correlations[i]->loc);
  }

  unsigned run() {
    unsigned added = 0;
    for (size_t i = 0; i < correlations_.size(); ++i)
      added += lower(i);
    return added;
  }

private:
  enum State { Unvisited, Visiting, Done, Failed };

  void addName(const std::string &id, const std::string &name, Target t, const SourceLocation &loc) {
    names_.emplace(id, t);
    if (name.empty() || name == id)
      return;
    if (auto [it, inserted] = names_.emplace(name, t); !inserted && !(it->second == t))
      diags_.error(DiagCode::DuplicateRuleId, loc, "duplicate rule name '" + name + "'");
  }

  bool failWith(const SourceLocation &loc, std::string message) {
    diags_.error(DiagCode::InvalidValue, loc, std::move(message));
    return false;
  }

  /// The event field of group-by name `g` for input `ref`: its alias's field
  /// for that rule, else `g` itself.
  bool fieldFor(const Correlation &c, const std::string &g, const RuleRef &ref, const Target &target,
                std::string &field) {
    for (const FieldAlias &alias : c.aliases) {
      if (alias.name != g)
        continue;
      for (const auto &[rule, name] : alias.fieldByRule) {
        auto it = names_.find(rule);
        if (it != names_.end() && it->second == target) {
          field = name;
          return true;
        }
      }
      return failWith(alias.loc, "alias '" + g + "' has no field for rule '" + ref.text + "'");
    }
    field = g;
    return true;
  }

  bool ruleInput(const Correlation &c, const RuleRef &ref, const CompiledRule &rule, const Target &target,
                 CorrelationSpec::Input &in) {
    if (rule.packIndex < 0)
      return failWith(ref.loc, "correlation '" + c.id + "' names rule '" + ref.text + "', which did not compile");
    in.source = static_cast<uint32_t>(rule.packIndex);
    for (const std::string &g : c.groupBy) {
      std::string field;
      if (!fieldFor(c, g, ref, target, field))
        return false;
      in.groupBy.push_back(fieldSlot(*rule.rule, config_, pack_, field));
    }
    if (!c.valueField.empty())
      in.valueField = fieldSlot(*rule.rule, config_, pack_, c.valueField);
    return true;
  }

  bool correlationInput(const Correlation &c, const RuleRef &ref, const Target &target, CorrelationSpec::Input &in) {
    if (state_[target.index] == Visiting)
      return failWith(ref.loc, "correlation '" + c.id + "' names '" + ref.text + "', which names it back: a cycle");
    if (!lower(target.index))
      return failWith(ref.loc, "correlation '" + c.id + "' names correlation '" + ref.text + "', which has errors");
    in.fromCorrelation = true;
    in.source = packIndex_[target.index];
    const CorrelationSpec &inner = pack_.correlations[in.source].spec;
    auto indexOf = [&](const std::string &field, int64_t &out) {
      auto it = std::find(inner.groupBy.begin(), inner.groupBy.end(), field);
      if (it == inner.groupBy.end())
        return failWith(ref.loc, "'" + field + "' is not a group-by field of correlation '" + ref.text +
                                     "': a chained correlation can only use its inputs' group-by fields");
      out = it - inner.groupBy.begin();
      return true;
    };
    for (const std::string &g : c.groupBy) {
      std::string field;
      int64_t index = 0;
      if (!fieldFor(c, g, ref, target, field) || !indexOf(field, index))
        return false;
      in.groupBy.push_back(static_cast<uint32_t>(index));
    }
    if (!c.valueField.empty() && !indexOf(c.valueField, in.valueField))
      return false;
    return true;
  }

  bool lower(size_t i) {
    if (state_[i] == Done || state_[i] == Failed)
      return state_[i] == Done;
    state_[i] = Visiting;
    const Correlation &c = *correlations_[i];
    CorrelationSpec spec;
    spec.type = c.type;
    spec.id = c.id;
    spec.title = c.title;
    spec.level = c.level;
    spec.sourceFile = c.loc.file ? *c.loc.file : "";
    spec.timespanNanos = c.timespanNanos;
    spec.condition = c.condition;
    spec.groupBy = c.groupBy;
    spec.valueField = c.valueField;

    // Correlations it names first: their fields stay if this one fails.
    for (const RuleRef &ref : c.rules)
      if (auto it = names_.find(ref.text); it != names_.end() && it->second.isCorrelation &&
                                           state_[it->second.index] == Unvisited)
        lower(it->second.index);
    const size_t fieldsBefore = pack_.fields.size();
    bool ok = true;
    std::vector<Target> targets;
    for (const RuleRef &ref : c.rules) {
      auto it = names_.find(ref.text);
      if (it == names_.end()) {
        ok = failWith(ref.loc, "correlation '" + c.id + "' names '" + ref.text +
                                   "', which is neither the id nor the name of a Sigma rule or correlation of the pack");
        continue;
      }
      const Target target = it->second;
      targets.push_back(target);
      CorrelationSpec::Input in;
      const bool good = target.isCorrelation ? correlationInput(c, ref, target, in)
                                             : ruleInput(c, ref, rules_[target.index], target, in);
      ok &= good;
      spec.inputs.push_back(std::move(in));
    }
    for (const FieldAlias &alias : c.aliases)
      for (const auto &[rule, field] : alias.fieldByRule) {
        auto it = names_.find(rule);
        if (it == names_.end() || std::find(targets.begin(), targets.end(), it->second) == targets.end())
          ok = failWith(alias.loc, "alias '" + alias.name + "' maps rule '" + rule + "', which the correlation does not name");
      }
    if (!ok) {
      pack_.fields.resize(fieldsBefore);
      state_[i] = Failed;
      return false;
    }

    const uint32_t index = static_cast<uint32_t>(pack_.correlations.size());
    for (uint32_t k = 0; k < spec.inputs.size(); ++k) {
      const CorrelationSpec::Input &in = spec.inputs[k];
      if (in.fromCorrelation) {
        CorrelationSpec &inner = pack_.correlations[in.source].spec;
        inner.feeds.push_back({index, k});
        inner.emit &= c.generate;
      } else {
        RuleInfo &rule = pack_.rules[in.source].info;
        rule.feeds.push_back({index, k});
        rule.createAlert &= c.generate;
      }
    }
    pack_.correlations.push_back({std::move(spec), c.loc});
    packIndex_[i] = index;
    state_[i] = Done;
    return true;
  }

  const std::vector<CompiledRule> &rules_;
  const std::vector<std::unique_ptr<Correlation>> &correlations_;
  const Config &config_;
  ir::Pack &pack_;
  DiagnosticEngine &diags_;
  std::map<std::string, Target> names_;
  std::vector<State> state_;
  std::vector<uint32_t> packIndex_;
};

} // namespace

unsigned lowerCorrelations(const std::vector<CompiledRule> &rules,
                           const std::vector<std::unique_ptr<Correlation>> &correlations, const Config &config,
                           ir::Pack &pack, DiagnosticEngine &diags) {
  return Resolver(rules, correlations, config, pack, diags).run();
}

} // namespace rulec::sigma
