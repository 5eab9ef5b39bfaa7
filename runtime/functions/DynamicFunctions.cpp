//===- DynamicFunctions.cpp - arrays and property bags ---------------------===//
//
// Dynamic values are JSON text (RULEC_JSON) or an event's array / object
// slot; elements compare by their JSON (set_union, array_index_of, ...).
//
//===----------------------------------------------------------------------===//
#include "functions/Arguments.h"
#include "functions/FunctionLibrary.h"

#include <algorithm>

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

template <bool descending>
void arraySort(rulec_context *ctx, uint32_t, const rulec_value *const *args, rulec_value *out) {
  std::vector<std::string> items;
  if (!arrayItems(ctx, *args[0], items))
    return;
  std::vector<std::pair<SortKey, std::string>> keyed;
  for (const std::string &x : items)
    keyed.emplace_back(sortKey(ctx, x), x);
  std::stable_sort(keyed.begin(), keyed.end(), [&](const auto &a, const auto &b) {
    if (a.first.rank != b.first.rank)
      return a.first.rank < b.first.rank; // types in order, nulls last either way
    if (a.first.rank == 3)
      return false;
    const bool less = a.first.rank == 0 ? a.first.number < b.first.number : a.first.text < b.first.text;
    const bool greater = a.first.rank == 0 ? a.first.number > b.first.number : a.first.text > b.first.text;
    return descending ? greater : less;
  });
  items.clear();
  for (const auto &k : keyed)
    items.push_back(k.second);
  *out = arrayValue(ctx, items);
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

void arrayIndexOf(rulec_context *ctx, uint32_t, const rulec_value *const *args, rulec_value *out) {
  std::vector<std::string> items;
  if (!arrayItems(ctx, *args[0], items))
    return;
  const std::string want = kqlvalue::json(ctx, *args[1]);
  auto at = std::find(items.begin(), items.end(), want);
  *out = intValue(at == items.end() ? -1 : static_cast<int64_t>(at - items.begin()));
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
    {"array_sort_asc", 1, 1, arraySort<false>},
    {"array_sort_desc", 1, 1, arraySort<true>},
    {"array_slice", 3, 3, arraySlice},
    {"array_reverse", 1, 1, arrayReverse},
    {"array_index_of", 2, 2, arrayIndexOf},
};

} // namespace

extern const Family kDynamicFunctions{kTable};

} // namespace rulec::functions
