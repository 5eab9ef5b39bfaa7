//===- DynamicFunctions.cpp - arrays and property bags ---------------------===//
//
// Dynamic values are JSON text (RULEC_JSON) or an event's array / object
// slot; elements compare by their JSON (set_union, array_index_of, ...).
//
//===----------------------------------------------------------------------===//
#include "functions/Arguments.h"
#include "functions/FunctionLibrary.h"
#include "functions/TimeValues.h"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace rulec::functions {

namespace {

void packArray(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::vector<std::string> items;
  for (uint32_t i = 0; i < argc; ++i)
    items.push_back(kqlvalue::json(ctx, *args[i]));
  *out = arrayValue(ctx, items);
}

/// bag_pack(k1, v1, ...): keys are strings.
void bagPack(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  if (argc % 2)
    return;
  std::string bag = "{";
  for (uint32_t i = 0; i < argc; i += 2) {
    if (args[i]->kind != RULEC_STRING)
      return;
    bag += (i ? "," : "") + jsonQuoted(std::string_view(args[i]->payload.s, args[i]->len)) + ":" +
           kqlvalue::json(ctx, *args[i + 1]);
  }
  *out = kqlvalue::string(ctx, bag + "}", RULEC_JSON);
}

void arrayLength(rulec_context *ctx, uint32_t, const rulec_value *const *args, rulec_value *out) {
  std::vector<std::string> items;
  if (arrayItems(ctx, *args[0], items))
    *out = intValue(static_cast<int64_t>(items.size()));
}

enum class Combine { Concat, Union, Intersect, Difference };

template <Combine kind>
void combine(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::vector<std::vector<std::string>> arrays(argc);
  for (uint32_t i = 0; i < argc; ++i)
    if (!arrayItems(ctx, *args[i], arrays[i]))
      return;
  std::vector<std::string> result;
  auto has = [](const std::vector<std::string> &a, const std::string &x) {
    return std::find(a.begin(), a.end(), x) != a.end();
  };
  if (kind == Combine::Concat) {
    for (const auto &a : arrays)
      result.insert(result.end(), a.begin(), a.end());
  } else if (kind == Combine::Union) {
    for (const auto &a : arrays)
      for (const std::string &x : a)
        if (!has(result, x))
          result.push_back(x);
  } else {
    for (const std::string &x : arrays[0]) {
      bool keep = !has(result, x);
      for (uint32_t i = 1; i < argc && keep; ++i)
        keep = has(arrays[i], x) == (kind == Combine::Intersect);
      if (keep)
        result.push_back(x);
    }
  }
  *out = arrayValue(ctx, result);
}

void bagKeys(rulec_context *ctx, uint32_t, const rulec_value *const *args, rulec_value *out) {
  std::vector<std::pair<std::string, std::string>> bag;
  if (!bagItems(ctx, *args[0], bag))
    return;
  std::vector<std::string> items;
  for (const auto &[key, value] : bag)
    items.push_back(jsonQuoted(key));
  *out = arrayValue(ctx, items);
}

/// An element's text for strcat_array: a string without its quotes.
std::string elementText(rulec_context *ctx, const std::string &json) {
  simdjson::dom::element e;
  std::string_view s;
  if (!ctx->json.parse(json).get(e) && !e.get_string().get(s))
    return std::string(s);
  return json == "null" ? "" : json;
}

void strcatArray(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::vector<std::string> items;
  std::string separator, text;
  if (!arrayItems(ctx, *args[0], items) || !textArg(ctx, argc, args, 1, separator))
    return;
  for (size_t i = 0; i < items.size(); ++i)
    text += (i ? separator : "") + elementText(ctx, items[i]);
  *out = kqlvalue::string(ctx, text);
}

/// array_sort_*: numbers before strings before the rest, nulls last.
struct SortKey {
  int rank = 3;
  double number = 0;
  std::string text;
};

SortKey sortKey(rulec_context *ctx, const std::string &json) {
  SortKey k;
  simdjson::dom::element e;
  if (ctx->json.parse(json).get(e))
    return k;
  double d;
  int64_t i;
  uint64_t u;
  std::string_view s;
  if (!e.get_int64().get(i))
    k = {0, static_cast<double>(i), ""};
  else if (!e.get_uint64().get(u))
    k = {0, static_cast<double>(u), ""};
  else if (!e.get_double().get(d))
    k = {0, d, ""};
  else if (!e.get_string().get(s))
    k = {1, 0, std::string(s)};
  else if (!e.is_null())
    k = {2, 0, json};
  return k;
}

/// array_sort_*(array1 [, array2, ...] [, nulls_last]): nulls last unless
/// nulls_last is false. With one array, that array sorted; with several, an
/// array of them (Kusto returns one per input, which `[i]` picks): the first
/// sorted, the others reordered to match, null for one whose length differs.
template <bool descending>
void arraySort(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  bool nullsLast = true;
  uint32_t arrays = argc;
  if (argc > 1 && args[argc - 1]->kind == RULEC_BOOL) {
    nullsLast = args[argc - 1]->payload.i != 0;
    --arrays;
  }
  std::vector<std::string> items;
  if (!arrayItems(ctx, *args[0], items))
    return;
  std::vector<std::pair<SortKey, size_t>> keyed;
  for (size_t i = 0; i < items.size(); ++i)
    keyed.emplace_back(sortKey(ctx, items[i]), i);
  std::stable_sort(keyed.begin(), keyed.end(), [&](const auto &a, const auto &b) {
    const bool nullA = a.first.rank == 3, nullB = b.first.rank == 3;
    if (nullA || nullB)
      return nullA != nullB && (nullsLast ? nullB : nullA);
    if (a.first.rank != b.first.rank)
      return a.first.rank < b.first.rank; // types in order either way
    const bool less = a.first.rank == 0 ? a.first.number < b.first.number : a.first.text < b.first.text;
    const bool greater = a.first.rank == 0 ? a.first.number > b.first.number : a.first.text > b.first.text;
    return descending ? greater : less;
  });
  auto reordered = [&](const std::vector<std::string> &values) {
    std::vector<std::string> sorted;
    for (const auto &k : keyed)
      sorted.push_back(values[k.second]);
    return sorted;
  };
  if (arrays == 1) {
    *out = arrayValue(ctx, reordered(items));
    return;
  }
  std::vector<std::string> results;
  for (uint32_t a = 0; a < arrays; ++a) {
    std::vector<std::string> values;
    if (a == 0)
      values = items;
    else if (!arrayItems(ctx, *args[a], values) || values.size() != items.size()) {
      results.push_back("null");
      continue;
    }
    std::string json = "[";
    for (const std::string &v : reordered(values))
      json += (json.size() > 1 ? "," : "") + v;
    results.push_back(json + "]");
  }
  *out = arrayValue(ctx, results);
}

void arraySlice(rulec_context *ctx, uint32_t, const rulec_value *const *args, rulec_value *out) {
  std::vector<std::string> items;
  if (!arrayItems(ctx, *args[0], items) || args[1]->kind != RULEC_INT || args[2]->kind != RULEC_INT)
    return;
  const int64_t n = static_cast<int64_t>(items.size());
  int64_t from = args[1]->payload.i, to = args[2]->payload.i;
  if (from < 0)
    from += n;
  if (to < 0)
    to += n;
  from = std::max<int64_t>(from, 0);
  to = std::min<int64_t>(to, n - 1);
  std::vector<std::string> slice;
  for (int64_t i = from; i <= to; ++i)
    slice.push_back(items[static_cast<size_t>(i)]);
  *out = arrayValue(ctx, slice);
}

void arrayReverse(rulec_context *ctx, uint32_t, const rulec_value *const *args, rulec_value *out) {
  std::vector<std::string> items;
  if (!arrayItems(ctx, *args[0], items))
    return;
  std::reverse(items.begin(), items.end());
  *out = arrayValue(ctx, items);
}

/// array_index_of(array, value [, start [, length [, occurrence]]]): a
/// negative start counts from the end; length -1 is unlimited; null for
/// length < -1 or occurrence < 0 (occurrence 0 finds nothing).
void arrayIndexOf(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::vector<std::string> items;
  if (!arrayItems(ctx, *args[0], items))
    return;
  int64_t options[3] = {0, -1, 1}; // start, length, occurrence
  for (uint32_t i = 2; i < argc; ++i) {
    if (args[i]->kind != RULEC_INT)
      return;
    options[i - 2] = args[i]->payload.i;
  }
  const int64_t n = static_cast<int64_t>(items.size());
  int64_t start = options[0], length = options[1], occurrence = options[2];
  if (length < -1 || occurrence < 0)
    return;
  start = start < 0 ? std::max<int64_t>(n + start, 0) : std::min(start, n);
  const int64_t end = length == -1 ? n : std::min(n, start + std::min(length, n));
  const std::string want = kqlvalue::json(ctx, *args[1]);
  int64_t seen = 0;
  for (int64_t i = start; i < end; ++i)
    if (items[static_cast<size_t>(i)] == want && ++seen == occurrence) {
      *out = intValue(i);
      return;
    }
  *out = intValue(-1);
}

void setHasElement(rulec_context *ctx, uint32_t, const rulec_value *const *args, rulec_value *out) {
  std::vector<std::string> items;
  if (arrayItems(ctx, *args[0], items))
    *out = boolValue(std::find(items.begin(), items.end(), kqlvalue::json(ctx, *args[1])) != items.end());
}

/// A JSON element's kind, for the functions that read elements' values.
simdjson::dom::element_type elementType(rulec_context *ctx, const std::string &json, simdjson::dom::element &e) {
  if (ctx->json.parse(json).get(e))
    return simdjson::dom::element_type::NULL_VALUE;
  return e.type();
}

/// array_iff(conditions, when_true, when_false): per condition (a bool, or a
/// number: true when not 0; anything else gives null) the element of
/// when_true / when_false at that index (null past its end) or the scalar.
void arrayIff(rulec_context *ctx, uint32_t, const rulec_value *const *args, rulec_value *out) {
  std::vector<std::string> conditions, branches[2];
  bool isArray[2];
  std::string scalar[2];
  if (!arrayItems(ctx, *args[0], conditions))
    return;
  for (int b = 0; b < 2; ++b) {
    isArray[b] = arrayItems(ctx, *args[1 + b], branches[b]);
    if (!isArray[b])
      scalar[b] = kqlvalue::json(ctx, *args[1 + b]);
  }
  std::vector<std::string> result;
  for (size_t i = 0; i < conditions.size(); ++i) {
    simdjson::dom::element e;
    int pick = -1; // 0: when_true, 1: when_false
    switch (elementType(ctx, conditions[i], e)) {
    case simdjson::dom::element_type::BOOL: pick = e.get_bool().value() ? 0 : 1; break;
    case simdjson::dom::element_type::INT64: pick = e.get_int64().value() ? 0 : 1; break;
    case simdjson::dom::element_type::UINT64: pick = e.get_uint64().value() ? 0 : 1; break;
    case simdjson::dom::element_type::DOUBLE: pick = e.get_double().value() != 0 ? 0 : 1; break;
    default: break;
    }
    if (pick < 0)
      result.push_back("null");
    else if (!isArray[pick])
      result.push_back(scalar[pick]);
    else
      result.push_back(i < branches[pick].size() ? branches[pick][i] : "null");
  }
  *out = arrayValue(ctx, result);
}

/// array_rotate_left/right(array, n): n modulo the length; a negative n
/// rotates the other way.
template <bool left>
void arrayRotate(rulec_context *ctx, uint32_t, const rulec_value *const *args, rulec_value *out) {
  std::vector<std::string> items;
  if (!arrayItems(ctx, *args[0], items) || args[1]->kind != RULEC_INT)
    return;
  const int64_t n = static_cast<int64_t>(items.size());
  if (n > 0) {
    int64_t k = args[1]->payload.i % n;
    if (!left)
      k = -k;
    if (k < 0)
      k += n;
    std::rotate(items.begin(), items.begin() + k, items.end());
  }
  *out = arrayValue(ctx, items);
}

/// array_shift_left/right(array, n [, fill]): the same length, vacated
/// places filled with `fill` (null by default); a negative n shifts the
/// other way.
template <bool left>
void arrayShift(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::vector<std::string> items;
  if (!arrayItems(ctx, *args[0], items) || args[1]->kind != RULEC_INT)
    return;
  const std::string fill = argc > 2 ? kqlvalue::json(ctx, *args[2]) : "null";
  const int64_t n = static_cast<int64_t>(items.size());
  int64_t k = args[1]->payload.i;
  k = std::clamp<int64_t>(k, -n, n);
  if (!left)
    k = -k; // > 0: toward the start
  std::vector<std::string> shifted(items.size(), fill);
  for (int64_t i = 0; i < n; ++i)
    if (i + k >= 0 && i + k < n)
      shifted[static_cast<size_t>(i)] = items[static_cast<size_t>(i + k)];
  *out = arrayValue(ctx, shifted);
}

/// An element as a long (a whole number), for array_split's indices.
bool elementInt(rulec_context *ctx, const std::string &json, int64_t &value) {
  simdjson::dom::element e;
  return !ctx->json.parse(json).get(e) && !e.get_int64().get(value);
}

/// array_split(array, index or indices): pieces [0, i1), [i1, i2), ...,
/// [iN, length); a negative index counts from the end; indices are clamped
/// to the array and to the index before them, so the pieces never overlap.
void arraySplit(rulec_context *ctx, uint32_t, const rulec_value *const *args, rulec_value *out) {
  std::vector<std::string> items, indexItems;
  if (!arrayItems(ctx, *args[0], items))
    return;
  std::vector<int64_t> cuts;
  if (args[1]->kind == RULEC_INT) {
    cuts.push_back(args[1]->payload.i);
  } else {
    if (!arrayItems(ctx, *args[1], indexItems))
      return;
    for (const std::string &x : indexItems) {
      int64_t v;
      if (!elementInt(ctx, x, v))
        return;
      cuts.push_back(v);
    }
  }
  const int64_t n = static_cast<int64_t>(items.size());
  std::vector<std::string> pieces;
  int64_t from = 0;
  cuts.push_back(n);
  for (int64_t cut : cuts) {
    if (cut < 0)
      cut = cut < -n ? 0 : n + cut;
    cut = std::clamp<int64_t>(cut, from, n);
    std::vector<std::string> piece(items.begin() + from, items.begin() + cut);
    pieces.push_back("[");
    for (size_t i = 0; i < piece.size(); ++i)
      pieces.back() += (i ? "," : "") + piece[i];
    pieces.back() += "]";
    from = cut;
  }
  *out = arrayValue(ctx, pieces);
}

/// array_sum: a real; null when an element is not a number.
void arraySum(rulec_context *ctx, uint32_t, const rulec_value *const *args, rulec_value *out) {
  std::vector<std::string> items;
  if (!arrayItems(ctx, *args[0], items))
    return;
  double sum = 0;
  for (const std::string &x : items) {
    simdjson::dom::element e;
    double d;
    if (ctx->json.parse(x).get(e) || e.is_bool() || e.get_double().get(d))
      return;
    sum += d;
  }
  *out = doubleValue(sum);
}

/// jaccard_index(set1, set2): |distinct intersection| / |distinct union|
/// (NaN when both are empty).
void jaccardIndex(rulec_context *ctx, uint32_t, const rulec_value *const *args, rulec_value *out) {
  std::vector<std::string> a, b;
  if (!arrayItems(ctx, *args[0], a) || !arrayItems(ctx, *args[1], b))
    return;
  std::sort(a.begin(), a.end());
  a.erase(std::unique(a.begin(), a.end()), a.end());
  std::sort(b.begin(), b.end());
  b.erase(std::unique(b.begin(), b.end()), b.end());
  std::vector<std::string> common;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(common));
  const double both = static_cast<double>(a.size() + b.size() - common.size());
  *out = doubleValue(static_cast<double>(common.size()) / both);
}

/// zip(array1, array2, ...): [[a1[0], a2[0], ...], ...] as long as the
/// longest, null where an array is shorter.
void zip(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::vector<std::vector<std::string>> arrays(argc);
  size_t longest = 0;
  for (uint32_t i = 0; i < argc; ++i) {
    if (!arrayItems(ctx, *args[i], arrays[i]))
      return;
    longest = std::max(longest, arrays[i].size());
  }
  std::vector<std::string> rows;
  for (size_t r = 0; r < longest; ++r) {
    std::string row = "[";
    for (uint32_t i = 0; i < argc; ++i)
      row += (i ? "," : "") + (r < arrays[i].size() ? arrays[i][r] : std::string("null"));
    rows.push_back(row + "]");
  }
  *out = arrayValue(ctx, rows);
}

/// range(start, stop [, step]): start, start + step, ... while not past
/// stop; numbers (reals when any is one, step 1 by default), datetimes or
/// timespans (a timespan step, 1h by default). A zero step or mixed kinds:
/// null. At most 2^20 elements, as Kusto: a longer series is cut there.
void range(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  static constexpr int64_t kMaxElements = int64_t(1) << 20;
  rulec_value start = *args[0], stop = *args[1];
  if ((start.kind == RULEC_DATETIME || stop.kind == RULEC_DATETIME) &&
      !(asDatetime(start, start) && asDatetime(stop, stop)))
    return; // a datetime column of a table arrives as its text
  std::string array = "[";
  auto add = [&](const rulec_value &v) { array += (array.size() > 1 ? "," : "") + kqlvalue::json(ctx, v); };
  auto isNumber = [](const rulec_value &v) { return v.kind == RULEC_INT || v.kind == RULEC_DOUBLE; };
  if (isNumber(start) && isNumber(stop) && (argc < 3 || isNumber(*args[2]))) {
    const bool reals =
        start.kind == RULEC_DOUBLE || stop.kind == RULEC_DOUBLE || (argc > 2 && args[2]->kind == RULEC_DOUBLE);
    if (!reals) {
      const int64_t a = start.payload.i, b = stop.payload.i, step = argc > 2 ? args[2]->payload.i : 1;
      if (step == 0)
        return;
      const __int128 span = static_cast<__int128>(b) - a;
      const __int128 count = (span == 0 || (span > 0) == (step > 0)) ? span / step + 1 : 0;
      for (int64_t i = 0; i < count && i < kMaxElements; ++i)
        add(intValue(static_cast<int64_t>(a + static_cast<__int128>(i) * step)));
    } else {
      auto real = [](const rulec_value &v) { return v.kind == RULEC_DOUBLE ? v.payload.d : double(v.payload.i); };
      const double a = real(start), b = real(stop), step = argc > 2 ? real(*args[2]) : 1.0;
      if (step == 0 || !std::isfinite(a) || !std::isfinite(b) || !std::isfinite(step))
        return;
      const double count = std::floor((b - a) / step) + 1;
      for (int64_t i = 0; i < count && i < kMaxElements; ++i)
        add(doubleValue(a + static_cast<double>(i) * step));
    }
  } else if ((start.kind == RULEC_DATETIME || start.kind == RULEC_TIMESPAN) && stop.kind == start.kind &&
             (argc < 3 || args[2]->kind == RULEC_TIMESPAN)) {
    const int64_t a = start.payload.i, b = stop.payload.i;
    const int64_t step = argc > 2 ? args[2]->payload.i : int64_t(3600) * 1000000000;
    if (step == 0)
      return;
    const __int128 span = static_cast<__int128>(b) - a;
    const __int128 count = (span == 0 || (span > 0) == (step > 0)) ? span / step + 1 : 0;
    for (int64_t i = 0; i < count && i < kMaxElements; ++i) {
      rulec_value v{};
      v.kind = start.kind;
      v.payload.i = static_cast<int64_t>(a + static_cast<__int128>(i) * step);
      add(v);
    }
  } else {
    return;
  }
  *out = kqlvalue::string(ctx, array + "]", RULEC_JSON);
}

/// A JSON value with every bag's keys sorted (ordinal), minified.
void canonicalJson(simdjson::dom::element e, std::string &out, int depth) {
  if (depth > 256) { // deeper than any parsed document gets
    out += simdjson::minify(e);
    return;
  }
  simdjson::dom::array array;
  simdjson::dom::object object;
  if (!e.get_array().get(array)) {
    out += '[';
    bool first = true;
    for (simdjson::dom::element item : array) {
      out += first ? "" : ",";
      first = false;
      canonicalJson(item, out, depth + 1);
    }
    out += ']';
  } else if (!e.get_object().get(object)) {
    std::vector<std::pair<std::string_view, simdjson::dom::element>> fields;
    for (auto field : object)
      fields.emplace_back(field.key, field.value);
    std::stable_sort(fields.begin(), fields.end(), [](const auto &x, const auto &y) { return x.first < y.first; });
    out += '{';
    for (size_t i = 0; i < fields.size(); ++i) {
      out += (i ? "," : "") + jsonQuoted(fields[i].first) + ":";
      canonicalJson(fields[i].second, out, depth + 1);
    }
    out += '}';
  } else {
    out += simdjson::minify(e);
  }
}

/// dynamic_to_json(x): a dynamic value's JSON with bags' keys sorted; any
/// other value's text (tostring).
void dynamicToJson(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  const rulec_value &v = *args[0];
  if (v.kind == RULEC_JSON || v.kind == RULEC_ARRAY || v.kind == RULEC_OBJECT) {
    simdjson::dom::element e;
    if (!parseDynamic(ctx, v, e))
      return;
    std::string text;
    canonicalJson(e, text, 0);
    *out = kqlvalue::string(ctx, text);
    return;
  }
  std::string text;
  if (textArg(ctx, argc, args, 0, text))
    *out = kqlvalue::string(ctx, text);
}

constexpr Function kTable[] = {
    {"pack_array", 1, 64, packArray},
    {"bag_pack", 0, 128, bagPack},
    {"pack", 0, 128, bagPack},
    {"array_length", 1, 1, arrayLength},
    {"array_concat", 1, 64, combine<Combine::Concat>},
    {"set_union", 1, 64, combine<Combine::Union>},
    {"set_intersect", 2, 64, combine<Combine::Intersect>},
    {"set_difference", 2, 64, combine<Combine::Difference>},
    {"bag_keys", 1, 1, bagKeys},
    {"strcat_array", 2, 2, strcatArray},
    {"array_sort_asc", 1, 64, arraySort<false>},
    {"array_sort_desc", 1, 64, arraySort<true>},
    {"array_slice", 3, 3, arraySlice},
    {"array_reverse", 1, 1, arrayReverse},
    {"array_index_of", 2, 5, arrayIndexOf},
    {"set_has_element", 2, 2, setHasElement},
    {"array_iff", 3, 3, arrayIff},
    {"array_iif", 3, 3, arrayIff},
    {"array_rotate_left", 2, 2, arrayRotate<true>},
    {"array_rotate_right", 2, 2, arrayRotate<false>},
    {"array_shift_left", 2, 3, arrayShift<true>},
    {"array_shift_right", 2, 3, arrayShift<false>},
    {"array_split", 2, 2, arraySplit},
    {"array_sum", 1, 1, arraySum},
    {"jaccard_index", 2, 2, jaccardIndex},
    {"zip", 2, 16, zip},
    {"range", 2, 3, range},
    {"dynamic_to_json", 1, 1, dynamicToJson},
};

} // namespace

extern const Family kDynamicFunctions{kTable};

} // namespace rulec::functions
