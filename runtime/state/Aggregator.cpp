//===- Aggregator.cpp -----------------------------------------------------===//
#include "state/Aggregator.h"

#include "events/EventTime.h"
#include "output/JsonString.h"
#include "output/MatchDescription.h"
#include "output/TitleRenderer.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace rulec {

namespace {

bool isNumber(const rulec_value &v) {
  return v.kind == RULEC_INT || v.kind == RULEC_DOUBLE || v.kind == RULEC_BOOL;
}

double number(const rulec_value &v) {
  return v.kind == RULEC_DOUBLE ? v.payload.d : static_cast<double>(v.payload.i);
}

bool isNull(const rulec_value &v) { return v.kind == RULEC_MISSING || v.kind == RULEC_NULL; }

/// The bin a key value falls in: floor(value / size) * size, for datetimes
/// (ns) or numbers. False when the value is neither.
bool binOf(const rulec_value &v, const AggregateSpec &spec, int64_t &start, std::string &json) {
  if (spec.binIsTime) {
    const int64_t t = rulec_rt_datetime(&v);
    if (t == INT64_MIN)
      return false;
    start = t - ((t % spec.binSize) + spec.binSize) % spec.binSize;
    json.clear();
    appendJsonString(json, formatKustoDatetime(start)); // as every other datetime of a row: joins compare the text
    return true;
  }
  if (!isNumber(v))
    return false;
  const double b = std::floor(number(v) / static_cast<double>(spec.binSize)) * static_cast<double>(spec.binSize);
  start = static_cast<int64_t>(b);
  json = v.kind == RULEC_DOUBLE ? pythonFloatRepr(b) : std::to_string(start);
  return true;
}

} // namespace

Aggregator::Aggregator(const PackInfo &pack, RowSink sink)
    : pack_(pack), sink_(std::move(sink)), groups_(pack.rules.size()) {}

void Aggregator::add(uint32_t r, EventEvaluator &event, int64_t eventTime) {
  const RuleInfo &rule = pack_.rules[r];
  const AggregateSpec &spec = rule.aggregate;
  std::vector<std::string> keys;
  std::string keyText;
  int64_t binStart = eventTime;
  for (size_t k = 0; k < spec.keys.size(); ++k) {
    std::string json;
    if (static_cast<int32_t>(k) == spec.binKey) {
      if (!binOf(event.column(rule, r, spec.keys[k]), spec, binStart, json))
        json = "null"; // Kusto bins null into a null group
    } else {
      json = columnJson(event, rule, r, spec.keys[k]);
    }
    keyText += json;
    keyText += '\x1f';
    keys.push_back(std::move(json));
  }
  auto [it, inserted] = groups_[r].try_emplace(keyText);
  Group &group = it->second;
  if (inserted) {
    group.order = nextOrder_++;
    group.keys = std::move(keys);
    group.time = binStart;
    if (spec.binKey >= 0 && spec.binIsTime && group.keys[spec.binKey] != "null") {
      group.closeAt = binStart + spec.binSize;
      closing_.insert({group.closeAt, group.order, r, keyText});
    }
    group.states.resize(spec.aggregates.size());
  }
  for (size_t a = 0; a < spec.aggregates.size(); ++a) {
    const AggregateSpec::Aggregate &agg = spec.aggregates[a];
    if (agg.condition >= 0) { // sumif, make_set_if, ...: this row only when the predicate holds
      const rulec_value holds = event.column(rule, r, static_cast<uint32_t>(agg.condition));
      if (holds.kind != RULEC_BOOL || !holds.payload.i)
        continue;
    }
    if (agg.input < 0) {
      ++group.states[a].count;
      continue;
    }
    const rulec_value v = event.column(rule, r, static_cast<uint32_t>(agg.input));
    State &s = group.states[a];
    if (agg.input2 >= 0) { // covariance: pairs of numbers, others skipped
      const rulec_value w = event.column(rule, r, static_cast<uint32_t>(agg.input2));
      if (!isNumber(v) || !isNumber(w))
        continue;
      const double x = number(v), y = number(w);
      ++s.count;
      const double dx = x - s.meanX;
      s.meanX += dx / static_cast<double>(s.count);
      s.meanY += (y - s.meanY) / static_cast<double>(s.count);
      s.coMoment += dx * (y - s.meanY);
      continue;
    }
    const std::string json = columnJson(event, rule, r, static_cast<uint32_t>(agg.input));
    if (agg.fn != AggregateSpec::Fn::ArgMax && agg.fn != AggregateSpec::Fn::ArgMin) {
      fold(agg, s, v, json);
      continue;
    }
    // The first row stands until a value beats it (all nulls: that row, as Kusto).
    if (!better(agg.fn == AggregateSpec::Fn::ArgMin, s, v, json) && !s.row.empty())
      continue;
    // The new best row: what it brings along.
    if (agg.carryRow) {
      s.row = simdjson::minify(event.root());
    } else {
      s.row = "{";
      for (size_t i = 0; i < agg.carry.size(); ++i) {
        if (i)
          s.row += ',';
        appendJsonString(s.row, rule.columns[agg.carry[i]].name);
        s.row += ':';
        s.row += columnJson(event, rule, r, agg.carry[i]);
      }
      s.row += '}';
    }
  }
}

bool Aggregator::better(bool less, State &s, const rulec_value &v, const std::string &json) {
  if (isNull(v))
    return false;
  if (isNumber(v)) {
    const double n = number(v);
    if (!s.bestIsNumber && !s.best.empty())
      return false; // numbers and strings do not mix; the first kind seen wins
    if (!s.best.empty() && !(less ? n < s.bestNumber : n > s.bestNumber))
      return false;
    s.best = json;
    s.bestNumber = n;
    s.bestIsNumber = true;
    return true;
  }
  if (s.bestIsNumber || (!s.best.empty() && !(less ? json < s.best : json > s.best))) // ISO datetimes order as text
    return false;
  s.best = json;
  return true;
}

void Aggregator::fold(const AggregateSpec::Aggregate &agg, State &s, const rulec_value &v, const std::string &json) {
  using Fn = AggregateSpec::Fn;
  switch (agg.fn) {
  case Fn::Count:
    ++s.count;
    return;
  case Fn::CountIf:
    if (v.kind == RULEC_BOOL && v.payload.i)
      ++s.count;
    return;
  case Fn::DCount:
    if (!isNull(v))
      s.distinct.insert(json);
    return;
  case Fn::Min:
  case Fn::Max:
  case Fn::ArgMin:
  case Fn::ArgMax:
    better(agg.fn == Fn::Min || agg.fn == Fn::ArgMin, s, v, json); // arg_*'s row: add()
    return;
  case Fn::Sum:
  case Fn::Avg:
    if (!isNumber(v))
      return;
    ++s.count;
    s.hasNumber = true;
    if (v.kind == RULEC_DOUBLE)
      s.allInts = false;
    else
      s.intSum += v.payload.i;
    s.sum += number(v);
    return;
  case Fn::MakeSet: {
    if (isNull(v))
      return;
    // An array's elements join the set, not the array (the make_set page).
    simdjson::dom::array elements;
    if ((v.kind == RULEC_JSON || v.kind == RULEC_ARRAY) && !json_.parse(json).get_array().get(elements)) {
      for (simdjson::dom::element e : elements) {
        std::string item = simdjson::minify(e);
        if (!e.is_null() && static_cast<int64_t>(s.values.size()) < agg.limit && s.distinct.insert(item).second)
          s.values.push_back(std::move(item));
      }
      return;
    }
    if (static_cast<int64_t>(s.values.size()) < agg.limit && s.distinct.insert(json).second)
      s.values.push_back(json);
    return;
  }
  case Fn::MakeBag: {
    // Each bag's properties; a key seen before keeps its first value.
    simdjson::dom::object bag;
    if (isNull(v) || json_.parse(json).get_object().get(bag))
      return;
    for (auto field : bag) {
      std::string key(field.key);
      if (static_cast<int64_t>(s.values.size()) < agg.limit && s.distinct.insert(key).second) {
        std::string property;
        appendJsonString(property, key);
        s.values.push_back(property + ":" + simdjson::minify(field.value));
      }
    }
    return;
  }
  case Fn::MakeList:
    if (!isNull(v) && static_cast<int64_t>(s.values.size()) < agg.limit)
      s.values.push_back(json);
    return;
  case Fn::TakeAny:
    if (s.best.empty() && !isNull(v))
      s.best = json;
    return;
  case Fn::Covariance:
  case Fn::CovarianceP:
    return; // pairs: add()
  }
}

void Aggregator::emit(uint32_t r, const Group &group) {
  const RuleInfo &rule = pack_.rules[r];
  const AggregateSpec &spec = rule.aggregate;
  std::string row = "{";
  std::set<std::string> names; // in the row so far
  auto add = [&](const std::string &name, const std::string &json) {
    names.insert(name);
    if (row.size() > 1)
      row += ',';
    appendJsonString(row, name);
    row += ':';
    row += json;
  };
  for (size_t k = 0; k < spec.keys.size(); ++k)
    add(rule.columns[spec.keys[k]].name, group.keys[k]);
  using Fn = AggregateSpec::Fn;
  for (size_t a = 0; a < spec.aggregates.size(); ++a) {
    const AggregateSpec::Aggregate &agg = spec.aggregates[a];
    const State &s = group.states[a];
    switch (agg.fn) {
    case Fn::Count: case Fn::CountIf: add(agg.name, std::to_string(s.count)); break;
    case Fn::DCount: add(agg.name, std::to_string(s.distinct.size())); break;
    case Fn::Min: case Fn::Max: case Fn::TakeAny: add(agg.name, s.best.empty() ? "null" : s.best); break;
    case Fn::ArgMax:
    case Fn::ArgMin: {
      add(agg.name, s.best.empty() ? "null" : s.best);
      // The best row's columns, each once: not the keys nor columns already in the row.
      simdjson::dom::parser parser;
      simdjson::dom::object carried;
      if (s.row.empty() || parser.parse(s.row).get_object().get(carried))
        break;
      for (auto field : carried) {
        const std::string name(field.key);
        if (!names.count(name))
          add(name, simdjson::minify(field.value));
      }
      break;
    }
    case Fn::Sum:
      add(agg.name, !s.hasNumber ? "null" : s.allInts ? std::to_string(s.intSum) : pythonFloatRepr(s.sum));
      break;
    case Fn::Avg:
      add(agg.name, s.count ? pythonFloatRepr(s.sum / static_cast<double>(s.count)) : "null");
      break;
    case Fn::Covariance: // the sample's (n - 1), or the population's (n)
    case Fn::CovarianceP: {
      const double n = static_cast<double>(s.count) - (agg.fn == Fn::Covariance ? 1 : 0);
      add(agg.name, n > 0 ? pythonFloatRepr(s.coMoment / n) : "null");
      break;
    }
    case Fn::MakeSet: case Fn::MakeList: case Fn::MakeBag: {
      const bool bag = agg.fn == Fn::MakeBag;
      std::string list = bag ? "{" : "[";
      for (size_t i = 0; i < s.values.size(); ++i)
        list += (i ? "," : "") + s.values[i];
      add(agg.name, list + (bag ? "}" : "]"));
      break;
    }
    }
  }
  row += '}';
  sink_(spec.outputLogType, row, group.time);
}

void Aggregator::advance(int64_t watermark) {
  while (!closing_.empty() && std::get<0>(*closing_.begin()) <= watermark) {
    auto [closeAt, order, r, key] = *closing_.begin();
    closing_.erase(closing_.begin());
    auto it = groups_[r].find(key);
    emit(r, it->second);
    groups_[r].erase(it);
  }
}

void Aggregator::flushRule(uint32_t r) {
  if (r >= groups_.size())
    return;
  std::vector<const Group *> all;
  for (const auto &[key, group] : groups_[r])
    all.push_back(&group);
  std::sort(all.begin(), all.end(), [](auto a, auto b) { return a->order < b->order; });
  for (const Group *g : all)
    emit(r, *g);
  const AggregateSpec &spec = pack_.rules[r].aggregate;
  if (all.empty() && spec.keys.empty() && pack_.rules[r].kind == RuleKind::Aggregate) {
    Group none; // summarize without `by` over no rows: one row, as Kusto gives (count() is 0)
    none.states.resize(spec.aggregates.size());
    emit(r, none);
  }
  groups_[r].clear();
  for (auto it = closing_.begin(); it != closing_.end();)
    it = std::get<2>(*it) == r ? closing_.erase(it) : std::next(it);
}

} // namespace rulec
