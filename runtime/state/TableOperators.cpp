//===- TableOperators.cpp -------------------------------------------------===//
#include "state/TableOperators.h"

#include "state/JoinRows.h"
#include "state/RowColumns.h"

#include "events/EventTime.h"
#include "output/JsonString.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <iterator>
#include <map>
#include <cmath>
#include <set>
#include <unordered_map>

namespace rulec {

namespace {

/// A value as sort and join compare it: null, a number, an instant (a string
/// that is a datetime), or other text (strings by their bytes; arrays and
/// objects by their JSON).
struct SortValue {
  enum Kind : uint8_t { Null, Number, Instant, Text } kind = Null;
  double number = 0;
  int64_t integer = 0;
  bool isInteger = false;
  std::string text;

  static SortValue of(simdjson::dom::parser &parser, const std::string *json) {
    SortValue v;
    if (!json || *json == "null")
      return v;
    simdjson::dom::element e;
    if (parser.parse(*json).get(e)) {
      v.kind = Text;
      v.text = *json;
      return v;
    }
    switch (e.type()) {
    case simdjson::dom::element_type::INT64:
      v.kind = Number;
      v.integer = e.get_int64().value_unsafe();
      v.isInteger = true;
      v.number = static_cast<double>(v.integer);
      return v;
    case simdjson::dom::element_type::UINT64:
      v.kind = Number;
      v.number = static_cast<double>(e.get_uint64().value_unsafe());
      return v;
    case simdjson::dom::element_type::DOUBLE:
      v.kind = Number;
      v.number = e.get_double().value_unsafe();
      return v;
    case simdjson::dom::element_type::BOOL:
      v.kind = Number;
      v.isInteger = true;
      v.integer = e.get_bool().value_unsafe() ? 1 : 0;
      v.number = static_cast<double>(v.integer);
      return v;
    case simdjson::dom::element_type::STRING: {
      v.text = std::string(e.get_string().value_unsafe());
      int64_t nanos;
      if (parseTimestamp(v.text, nanos)) {
        v.kind = Instant;
        v.integer = nanos;
      } else {
        v.kind = Text;
      }
      return v;
    }
    default:
      v.kind = Text;
      v.text = *json;
      return v;
    }
  }

  /// -1, 0, 1; values of different kinds order by kind.
  static int compare(const SortValue &a, const SortValue &b) {
    if (a.kind != b.kind)
      return a.kind < b.kind ? -1 : 1;
    switch (a.kind) {
    case Null: return 0;
    case Number:
      if (a.isInteger && b.isInteger)
        return a.integer < b.integer ? -1 : a.integer > b.integer;
      return a.number < b.number ? -1 : a.number > b.number;
    case Instant: return a.integer < b.integer ? -1 : a.integer > b.integer;
    case Text: return a.text < b.text ? -1 : a.text > b.text;
    }
    return 0;
  }
};

} // namespace

TableOperators::TableOperators(const PackInfo &pack, RowSink sink, std::optional<Stream> stream)
    : pack_(pack), sink_(std::move(sink)), rows_(pack.operators.size()), streamJoins_(pack.operators.size()) {
  if (stream)
    for (size_t op = 0; op < pack.operators.size(); ++op)
      if (pack.operators[op].kind == OperatorSpec::Kind::Join)
        streamJoins_[op] = std::make_unique<StreamJoin>(pack.operators[op],
                                                        pack.operators[op].windowNanos + stream->lateness,
                                                        stream->maxBytes);
}

bool TableOperators::streamable(const PackInfo &pack, bool replayed, std::string &why) {
  // A scheduled Sentinel rule runs as a batch over each of its windows (the
  // replay): any operator will do there.
  // So does a query with an ago() window whose plan needs its whole input:
  // it runs over each window in turn (AnalyticRuleSpec::hunting).
  const std::string windows = " (in stream mode such a query runs over each window of its 'where TimeGenerated > "
                              "ago(X)' in turn, and this one has none)";
  for (uint32_t r = 0; r < pack.rules.size(); ++r)
    if (pack.rules[r].toScalar >= 0 && !(replayed && pack.ruleReplayed(r, true))) {
      why = "toscalar() at " + pack.scalars[pack.rules[r].toScalar] + " needs its whole input first" + windows;
      return false;
    }
  for (uint32_t index = 0; index < pack.operators.size(); ++index) {
    const OperatorSpec &op = pack.operators[index];
    if (replayed && pack.operatorReplayed(index, true))
      continue;
    if (op.kind == OperatorSpec::Kind::Sort) {
      why = op.name + " needs its whole input: a stream cannot be sorted" + windows;
      return false;
    }
    if (op.kind == OperatorSpec::Kind::BagUnpack) {
      why = op.name + " needs its whole input (its columns are those of every row's bag)" + windows;
      return false;
    }
    if (op.innerColumns) {
      why = op.name + " (kind=inner) needs its whole input (its columns are those every input has)" + windows;
      return false;
    }
    if (op.kind == OperatorSpec::Kind::Join && op.windowNanos == OperatorSpec::kWholeInput) {
      why = op.name + " (a summarize per input row, joined back to the row) needs its whole input" + windows;
      return false;
    }
    if (op.kind == OperatorSpec::Kind::Join && op.windowNanos <= 0) {
      why = op.name + " has no window: in stream mode a join keeps its rows for the rule's queryPeriod or the "
                      "query's 'where TimeGenerated > ago(X)', and query '" + op.rule + "' has neither";
      return false;
    }
  }
  return true;
}

bool TableOperators::savable(const PackInfo &pack, bool replayed, bool streaming, std::string &why) {
  for (uint32_t index = 0; index < pack.operators.size(); ++index)
    if (const OperatorSpec &op = pack.operators[index];
        !(replayed && pack.operatorReplayed(index, streaming)) && (op.kind == OperatorSpec::Kind::Sort || op.kind == OperatorSpec::Kind::Join ||
                                           op.kind == OperatorSpec::Kind::BagUnpack || op.innerColumns)) {
      why = "the rows " + op.name + " keeps are not saved yet (--state)";
      return false;
    }
  return true;
}

void TableOperators::add(uint32_t op, uint32_t input, const std::string &row, int64_t time, bool pinned) {
  const OperatorSpec &spec = pack_.operators[op];
  if (StreamJoin *join = streamJoins_[op].get()) {
    join->add(input & 1, row, time, pinned, sinkFor(op));
    return;
  }
  switch (spec.kind) {
  case OperatorSpec::Kind::Union:
    if (spec.innerColumns)
      rows_[op][0].push_back(Row{row, time, input});
    else
      sink_(spec.outputLogType, row, time);
    return;
  case OperatorSpec::Kind::MvExpand: expand(spec, Row{row, time}); return;
  case OperatorSpec::Kind::Sort:
  case OperatorSpec::Kind::Join:
  case OperatorSpec::Kind::BagUnpack: rows_[op][input & 1].push_back(Row{row, time}); return;
  }
}

void TableOperators::advance(int64_t time) {
  for (size_t op = 0; op < streamJoins_.size(); ++op)
    if (StreamJoin *join = streamJoins_[op].get())
      join->advance(time, sinkFor(static_cast<uint32_t>(op)));
}

StreamJoin::Sink TableOperators::sinkFor(uint32_t op) {
  return [this, logType = pack_.operators[op].outputLogType](const std::string &row, int64_t time) {
    sink_(logType, row, time);
  };
}

void TableOperators::flush(uint32_t op) {
  if (StreamJoin *join = streamJoins_[op].get()) {
    join->finish(sinkFor(op));
    return;
  }
  switch (pack_.operators[op].kind) {
  case OperatorSpec::Kind::Sort: sort(op); break;
  case OperatorSpec::Kind::Join: join(op); break;
  case OperatorSpec::Kind::BagUnpack: bagUnpack(op); break;
  case OperatorSpec::Kind::Union:
    if (pack_.operators[op].innerColumns)
      unionInner(op);
    break;
  default: break;
  }
  rows_[op][0].clear();
  rows_[op][1].clear();
}

/// An expanded element (JSON) as `to typeof(type)` makes it: Kusto's
/// conversion of a dynamic value, null when it does not convert.
static std::string convertElement(simdjson::dom::parser &parser, const std::string &json, const std::string &type) {
  simdjson::dom::element e;
  if (type.empty() || parser.parse(json).get(e) || e.is_null())
    return type == "string" ? "\"\"" : json;
  int64_t i = 0;
  double d = 0;
  bool b = false;
  std::string_view text;
  const bool isText = !e.get_string().get(text);
  if (type == "string") {
    std::string out;
    appendJsonString(out, isText ? text : std::string_view(json));
    return out;
  }
  if (type == "long" || type == "int") {
    if (!e.get_int64().get(i))
      return std::to_string(i);
    if (!e.get_double().get(d))
      return d > -0x1p63 && d < 0x1p63 ? std::to_string(static_cast<int64_t>(d)) : "null";
    if (!e.get_bool().get(b))
      return b ? "1" : "0";
    if (isText && std::from_chars(text.data(), text.data() + text.size(), i).ptr == text.data() + text.size() &&
        !text.empty())
      return std::to_string(i);
    return "null";
  }
  if (type == "real" || type == "double") {
    if (!e.get_double().get(d) || (isText && std::from_chars(text.data(), text.data() + text.size(), d).ptr ==
                                                 text.data() + text.size() && !text.empty()))
    {
      char buf[32];
      return std::isfinite(d) ? std::string(buf, std::to_chars(buf, buf + sizeof buf, d).ptr) : "null";
    }
    return "null";
  }
  if (type == "bool" || type == "boolean") {
    if (!e.get_bool().get(b))
      return b ? "true" : "false";
    if (!e.get_int64().get(i))
      return i ? "true" : "false";
    if (isText && (text == "true" || text == "false"))
      return std::string(text);
    return "null";
  }
  int64_t nanos; // datetime, date
  if (isText && parseKustoDatetime(text, nanos)) {
    std::string out;
    appendJsonString(out, formatKustoDatetime(nanos));
    return out;
  }
  return "null";
}

void TableOperators::expand(const OperatorSpec &spec, const Row &row) {
  Columns columns = columnsOf(parser_, row.json);
  // Each expanded column's elements (a null value is one null element).
  std::vector<std::vector<std::string>> elements(spec.expand.size());
  size_t rows = 0;
  for (size_t c = 0; c < spec.expand.size(); ++c) {
    const std::string *value = findColumn(columns, spec.expand[c]);
    simdjson::dom::element e;
    simdjson::dom::array array;
    simdjson::dom::object object;
    if (!value || *value == "null" || parser_.parse(*value).get(e)) {
      elements[c].push_back("null");
    } else if (!e.get_array().get(array)) {
      for (simdjson::dom::element item : array)
        elements[c].push_back(simdjson::minify(item));
    } else if (!e.get_object().get(object)) { // a bag: one-entry bags, or [key, value] with kind=array
      for (auto field : object) {
        std::string entry = spec.bagsAsArrays ? "[" : "{";
        appendJsonString(entry, field.key);
        entry += (spec.bagsAsArrays ? "," : ":") + simdjson::minify(field.value) + (spec.bagsAsArrays ? "]" : "}");
        elements[c].push_back(std::move(entry));
      }
    } else {
      elements[c].push_back(*value);
    }
    rows = std::max(rows, elements[c].size());
  }
  for (size_t c = 0; c < spec.expandTypes.size() && c < elements.size(); ++c)
    for (std::string &element : elements[c])
      element = convertElement(parser_, element, spec.expandTypes[c]);
  if (spec.limit >= 0)
    rows = std::min<size_t>(rows, static_cast<size_t>(spec.limit));
  // The expanded columns' whole arrays leave the row first: copying them
  // into every output row made a long array's expansion quadratic.
  for (size_t c = 0; c < spec.expand.size(); ++c) {
    bool present = false;
    for (auto &[key, v] : columns)
      if (key == spec.expand[c]) {
        v.clear();
        present = true;
      }
    if (!present)
      columns.emplace_back(spec.expand[c], std::string());
  }
  for (size_t i = 0; i < rows; ++i) {
    Columns out = columns;
    for (size_t c = 0; c < spec.expand.size(); ++c) {
      const std::string &value = i < elements[c].size() ? elements[c][i] : "null";
      for (auto &[key, v] : out)
        if (key == spec.expand[c])
          v = value;
    }
    if (!spec.itemIndex.empty())
      out.emplace_back(spec.itemIndex, std::to_string(i));
    sink_(spec.outputLogType, rowText(out), row.time);
  }
}

void TableOperators::sort(uint32_t op) {
  const OperatorSpec &spec = pack_.operators[op];
  std::vector<Row> &rows = rows_[op][0];
  struct Keyed {
    std::vector<SortValue> keys;
    size_t index;
  };
  std::vector<Keyed> keyed(rows.size());
  std::vector<size_t> partitionOf(rows.size(), 0); // ordinal of the row's partition, by first appearance
  std::unordered_map<std::string, size_t> partitions;
  simdjson::dom::parser valueParser;
  for (size_t i = 0; i < rows.size(); ++i) {
    const Columns columns = columnsOf(parser_, rows[i].json);
    keyed[i].index = i;
    if (!spec.partition.empty()) {
      const std::string *p = findColumn(columns, spec.partition);
      partitionOf[i] = partitions.try_emplace(p ? *p : "null", partitions.size()).first->second;
    }
    for (const OperatorSpec::SortKey &k : spec.sortKeys)
      keyed[i].keys.push_back(SortValue::of(valueParser, findColumn(columns, k.column)));
  }
  std::stable_sort(keyed.begin(), keyed.end(), [&](const Keyed &a, const Keyed &b) {
    if (partitionOf[a.index] != partitionOf[b.index])
      return partitionOf[a.index] < partitionOf[b.index];
    for (size_t k = 0; k < spec.sortKeys.size(); ++k) {
      const SortValue &x = a.keys[k], &y = b.keys[k];
      const bool xNull = x.kind == SortValue::Null, yNull = y.kind == SortValue::Null;
      if (xNull != yNull) // nulls first or last, whichever the direction
        return spec.sortKeys[k].nullsFirst ? xNull : yNull;
      const int c = SortValue::compare(x, y);
      if (c)
        return spec.sortKeys[k].descending ? c > 0 : c < 0;
    }
    return false;
  });
  // Keys that were expressions were computed into hidden columns: dropped here.
  const bool hidden = std::any_of(spec.sortKeys.begin(), spec.sortKeys.end(),
                                  [](const auto &k) { return k.column.rfind(kHiddenSortKey, 0) == 0; });
  size_t taken = 0; // in the current partition
  for (size_t i = 0; i < keyed.size(); ++i) {
    taken = i > 0 && partitionOf[keyed[i].index] == partitionOf[keyed[i - 1].index] ? taken + 1 : 0;
    if (spec.limit >= 0 && taken >= static_cast<size_t>(spec.limit))
      continue;
    const Row &row = rows[keyed[i].index];
    if (!hidden) {
      sink_(spec.outputLogType, row.json, row.time);
      continue;
    }
    Columns columns = columnsOf(parser_, row.json);
    columns.erase(std::remove_if(columns.begin(), columns.end(),
                                 [](const auto &c) { return c.first.rfind(kHiddenSortKey, 0) == 0; }),
                  columns.end());
    sink_(spec.outputLogType, rowText(columns), row.time);
  }
}

void TableOperators::join(uint32_t op) {
  using Kind = OperatorSpec::JoinKind;
  const OperatorSpec &spec = pack_.operators[op];
  std::vector<Columns> left, right;
  for (const Row &r : rows_[op][0])
    left.push_back(columnsOf(parser_, r.json));
  for (const Row &r : rows_[op][1])
    right.push_back(columnsOf(parser_, r.json));
  // Each side's column names, over all its rows: an unmatched row of an
  // outer join has the other side's columns as nulls.
  JoinShape shape(spec);
  for (const Columns &row : left)
    shape.see(0, row);
  for (const Columns &row : right)
    shape.see(1, row);
  // The right side by key.
  std::unordered_map<std::string, std::vector<size_t>> byKey;
  std::string key;
  for (size_t i = 0; i < right.size(); ++i)
    if (joinKey(right[i], spec.rightKeys, key))
      byKey[key].push_back(i);
  std::vector<uint8_t> rightMatched(right.size(), 0);
  std::set<std::string> leftKeysSeen; // innerunique: the first left row per key
  const auto &leftRows = rows_[op][0];
  const auto &rightRows = rows_[op][1];
  const Kind kind = spec.joinKind == Kind::LookupLeftOuter ? Kind::LeftOuter
                    : spec.joinKind == Kind::LookupInner   ? Kind::Inner
                                                           : spec.joinKind;
  for (size_t i = 0; i < left.size(); ++i) {
    const bool hasKey = joinKey(left[i], spec.leftKeys, key);
    if (kind == Kind::InnerUnique && (!hasKey || !leftKeysSeen.insert(key).second))
      continue;
    auto it = hasKey ? byKey.find(key) : byKey.end();
    const std::vector<size_t> *matches = it == byKey.end() ? nullptr : &it->second;
    if (matches)
      for (size_t j : *matches)
        rightMatched[j] = 1;
    const int64_t time = leftRows[i].time;
    switch (kind) {
    case Kind::InnerUnique:
    case Kind::Inner:
    case Kind::LeftOuter:
    case Kind::RightOuter:
    case Kind::FullOuter:
      if (matches && kind != Kind::RightOuter) {
        for (size_t j : *matches)
          sink_(spec.outputLogType, shape.combine(&left[i], &right[j]), time);
      } else if (!matches && (kind == Kind::LeftOuter || kind == Kind::FullOuter)) {
        sink_(spec.outputLogType, shape.combine(&left[i], nullptr), time);
      }
      break;
    case Kind::LeftAnti:
      if (!matches)
        sink_(spec.outputLogType, leftRows[i].json, time);
      break;
    case Kind::LeftSemi:
      if (matches)
        sink_(spec.outputLogType, leftRows[i].json, time);
      break;
    case Kind::RightAnti:
    case Kind::RightSemi: break; // from the right side, below
    }
  }
  // Right outer: each right row with its matching left rows, in right order.
  if (kind == Kind::RightOuter) {
    std::unordered_map<std::string, std::vector<size_t>> leftByKey;
    for (size_t i = 0; i < left.size(); ++i)
      if (joinKey(left[i], spec.leftKeys, key))
        leftByKey[key].push_back(i);
    for (size_t j = 0; j < right.size(); ++j) {
      auto it = joinKey(right[j], spec.rightKeys, key) ? leftByKey.find(key) : leftByKey.end();
      if (it == leftByKey.end()) {
        sink_(spec.outputLogType, shape.combine(nullptr, &right[j]), rightRows[j].time);
        continue;
      }
      for (size_t i : it->second)
        sink_(spec.outputLogType, shape.combine(&left[i], &right[j]), rightRows[j].time);
    }
    return;
  }
  for (size_t j = 0; j < right.size(); ++j) {
    if (kind == Kind::FullOuter && !rightMatched[j])
      sink_(spec.outputLogType, shape.combine(nullptr, &right[j]), rightRows[j].time);
    else if ((kind == Kind::RightAnti && !rightMatched[j]) || (kind == Kind::RightSemi && rightMatched[j]))
      sink_(spec.outputLogType, rightRows[j].json, rightRows[j].time);
  }
}

/// evaluate bag_unpack: the bag column goes, each property of the bags
/// becomes a column (prefix + key): the row's other columns first, then the
/// new ones sorted by name, null where a row's bag lacks one (Kusto's
/// output has one schema). A property named like a column: keep_source keeps
/// the column, replace_source takes the property (null where the bag lacks
/// it); Kusto's default, error, fails the query: here the column is kept
/// and a warning names the property. An output schema picks the columns:
/// "*" the input's other columns, properties only when listed.
void TableOperators::bagUnpack(uint32_t op) {
  const OperatorSpec &spec = pack_.operators[op];
  const std::string &bagColumn = spec.expand.empty() ? std::string() : spec.expand[0];
  struct Unpacked {
    Columns kept, properties;
    int64_t time;
  };
  std::vector<Unpacked> rows;
  std::vector<std::string> sourceNames;
  std::set<std::string> seenSource, newNames;
  for (const Row &row : rows_[op][0]) {
    Unpacked u{{}, {}, row.time};
    std::string bag;
    for (auto &[name, value] : columnsOf(parser_, row.json)) {
      if (name == bagColumn) {
        bag = std::move(value);
        continue;
      }
      if (seenSource.insert(name).second)
        sourceNames.push_back(name);
      u.kept.emplace_back(std::move(name), std::move(value));
    }
    simdjson::dom::object object;
    if (!bag.empty() && !parser_.parse(bag).get_object().get(object))
      for (auto field : object) {
        const std::string key(field.key);
        if (std::find(spec.ignored.begin(), spec.ignored.end(), key) != spec.ignored.end())
          continue;
        u.properties.emplace_back(spec.prefix + key, simdjson::minify(field.value));
        newNames.insert(spec.prefix + key);
      }
    rows.push_back(std::move(u));
  }
  const bool replace = spec.conflict == "replace_source";
  for (const std::string &name : newNames)
    if (seenSource.count(name) && spec.conflict != "replace_source" && spec.conflict != "keep_source")
      std::fprintf(stderr, "rulec: warning: %s: the property '%s' is also a column: Kusto fails the query "
                           "(columnsConflict='error'); the column is kept\n", spec.name.c_str(), name.c_str());
  std::vector<std::string> order = sourceNames;
  for (const std::string &name : newNames)
    if (!seenSource.count(name))
      order.push_back(name);
  if (!spec.schema.empty()) {
    std::vector<std::string> picked;
    for (const std::string &name : spec.schema) {
      if (name != "*") {
        picked.push_back(name);
        continue;
      }
      for (const std::string &other : sourceNames) // the input's columns; properties only when listed
        if (std::find(spec.schema.begin(), spec.schema.end(), other) == spec.schema.end())
          picked.push_back(other);
    }
    order = std::move(picked);
  }
  for (const Unpacked &u : rows) {
    Columns out;
    for (const std::string &name : order) {
      const std::string *value = newNames.count(name) && (replace || !seenSource.count(name))
                                     ? findColumn(u.properties, name)
                                     : findColumn(u.kept, name);
      out.emplace_back(name, value ? *value : "null");
    }
    sink_(spec.outputLogType, rowText(out), u.time);
  }
}

/// union kind=inner: the columns every input's rows have (an input without
/// rows shows none, and so does not narrow them: rows carry no schema), in
/// the order each row has them.
void TableOperators::unionInner(uint32_t op) {
  const OperatorSpec &spec = pack_.operators[op];
  std::map<uint32_t, std::set<std::string>> columnsOfInput;
  std::vector<Columns> rows;
  for (const Row &row : rows_[op][0]) {
    rows.push_back(columnsOf(parser_, row.json));
    std::set<std::string> &names = columnsOfInput[row.input];
    for (const auto &[name, value] : rows.back())
      names.insert(name);
  }
  std::set<std::string> common;
  for (auto input = columnsOfInput.begin(); input != columnsOfInput.end(); ++input) {
    if (input == columnsOfInput.begin()) {
      common = input->second;
      continue;
    }
    std::set<std::string> both;
    std::set_intersection(common.begin(), common.end(), input->second.begin(), input->second.end(),
                          std::inserter(both, both.begin()));
    common = std::move(both);
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    Columns kept;
    for (auto &[name, value] : rows[i])
      if (common.count(name))
        kept.emplace_back(std::move(name), std::move(value));
    sink_(spec.outputLogType, rowText(kept), rows_[op][0][i].time);
  }
}

} // namespace rulec
