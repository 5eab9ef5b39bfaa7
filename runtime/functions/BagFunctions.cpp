//===- BagFunctions.cpp - bag_has_key, bag_set_key, bag_merge, ... ---------===//
//
// Property bags edited as a tree (Node): keys keep their order, a key named
// twice keeps its last value. Keys may be JSONPaths ("$.a.b", "$['a']"),
// without array indexing, as Kusto documents.
//
//===----------------------------------------------------------------------===//
#include "functions/Arguments.h"
#include "functions/FunctionLibrary.h"

#include <algorithm>

namespace rulec::functions {

namespace {

/// A JSON value whose bags can be edited: a bag's properties in order, or
/// any other value as its JSON.
struct Property;

struct Node {
  bool isBag = false;
  // Not std::pair<std::string, Node>: a pair needs Node complete here
  // (clang with libstdc++ refuses it; a vector of an incomplete type is fine).
  std::vector<Property> properties;
  std::string json;

  Node *find(const std::string &key);
  std::string text() const;
};

struct Property {
  std::string first;
  Node second;
};

Node *Node::find(const std::string &key) {
  for (auto &[k, v] : properties)
    if (k == key)
      return &v;
  return nullptr;
}

std::string Node::text() const {
  if (!isBag)
    return json;
  std::string s = "{";
  for (size_t i = 0; i < properties.size(); ++i)
    s += (i ? "," : "") + jsonQuoted(properties[i].first) + ":" + properties[i].second.text();
  return s + "}";
}

Node toNode(simdjson::dom::element e) {
  Node n;
  simdjson::dom::object object;
  if (e.get_object().get(object)) {
    n.json = simdjson::minify(e);
    return n;
  }
  n.isBag = true;
  for (auto field : object) {
    Node *existing = n.find(std::string(field.key));
    if (existing)
      *existing = toNode(field.value);
    else
      n.properties.push_back({std::string(field.key), toNode(field.value)});
  }
  return n;
}

bool bagArg(rulec_context *ctx, const rulec_value &v, Node &bag) {
  simdjson::dom::element e;
  if (!parseDynamic(ctx, v, e) || !e.is_object())
    return false;
  bag = toNode(e);
  return true;
}

/// A key: a property name, or a JSONPath "$.a.b" / "$['a']['b']" (no array
/// indexing). False for a malformed path.
bool keyPath(std::string_view key, std::vector<std::string> &path) {
  path.clear();
  if (key.empty() || key[0] != '$') {
    path.emplace_back(key);
    return true;
  }
  size_t i = 1;
  while (i < key.size()) {
    if (key[i] == '.') {
      size_t end = i + 1;
      while (end < key.size() && key[end] != '.' && key[end] != '[')
        ++end;
      if (end == i + 1)
        return false;
      path.emplace_back(key.substr(i + 1, end - i - 1));
      i = end;
    } else if (key[i] == '[' && i + 1 < key.size() && (key[i + 1] == '\'' || key[i + 1] == '"')) {
      const char quote = key[i + 1];
      const size_t close = key.find(quote, i + 2);
      if (close == std::string_view::npos || close + 1 >= key.size() || key[close + 1] != ']')
        return false;
      path.emplace_back(key.substr(i + 2, close - i - 2));
      i = close + 2;
    } else {
      return false;
    }
  }
  return !path.empty();
}

void bagHasKey(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  Node bag;
  std::string key;
  std::vector<std::string> path;
  if (!bagArg(ctx, *args[0], bag) || !textArg(ctx, argc, args, 1, key) || !keyPath(key, path))
    return;
  Node *at = &bag;
  for (const std::string &k : path)
    if (!at->isBag || !(at = at->find(k))) {
      *out = boolValue(false);
      return;
    }
  *out = boolValue(true);
}

/// bag_remove_keys(bag, keys): keys (names or JSONPaths) in a dynamic array.
void bagRemoveKeys(rulec_context *ctx, uint32_t, const rulec_value *const *args, rulec_value *out) {
  Node bag;
  std::vector<std::string> keys;
  if (!bagArg(ctx, *args[0], bag) || !arrayItems(ctx, *args[1], keys))
    return;
  for (const std::string &json : keys) {
    simdjson::dom::element e;
    std::string_view key;
    std::vector<std::string> path;
    if (ctx->json.parse(json).get(e) || e.get_string().get(key) || !keyPath(key, path))
      continue;
    Node *at = &bag;
    for (size_t i = 0; at && at->isBag && i + 1 < path.size(); ++i)
      at = at->find(path[i]);
    if (at && at->isBag)
      std::erase_if(at->properties, [&](const auto &p) { return p.first == path.back(); });
  }
  *out = kqlvalue::string(ctx, bag.text(), RULEC_JSON);
}

/// bag_set_key(bag, key, value): the bags on a JSONPath are made as needed
/// (a value on the path that is not a bag is replaced by one).
void bagSetKey(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  Node bag;
  std::string key;
  std::vector<std::string> path;
  if (!bagArg(ctx, *args[0], bag) || !textArg(ctx, argc, args, 1, key) || !keyPath(key, path))
    return;
  Node *at = &bag;
  for (size_t i = 0; i < path.size(); ++i) {
    Node *next = at->find(path[i]);
    if (!next) {
      at->properties.push_back({path[i], Node{}});
      next = &at->properties.back().second;
    }
    at = next;
    if (i + 1 < path.size() && !at->isBag)
      *at = Node{true, {}, ""};
  }
  *at = Node{false, {}, kqlvalue::json(ctx, *args[2])};
  *out = kqlvalue::string(ctx, bag.text(), RULEC_JSON);
}

/// bag_merge(bag1, bag2, ...): the first bag with a key gives its value.
void bagMerge(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  Node merged{true, {}, ""};
  for (uint32_t i = 0; i < argc; ++i) {
    Node bag;
    if (!bagArg(ctx, *args[i], bag))
      return;
    for (auto &property : bag.properties)
      if (!merged.find(property.first))
        merged.properties.push_back(std::move(property));
  }
  *out = kqlvalue::string(ctx, merged.text(), RULEC_JSON);
}

/// bag_zip(keys, values): string keys (others skipped) with the value at the
/// same index, null past the end of values or when values is not an array.
void bagZip(rulec_context *ctx, uint32_t, const rulec_value *const *args, rulec_value *out) {
  std::vector<std::string> keys, values;
  if (!arrayItems(ctx, *args[0], keys))
    return;
  if (!arrayItems(ctx, *args[1], values))
    values.clear();
  Node bag{true, {}, ""};
  for (size_t i = 0; i < keys.size(); ++i) {
    simdjson::dom::element e;
    std::string_view key;
    if (ctx->json.parse(keys[i]).get(e) || e.get_string().get(key))
      continue;
    Node value{false, {}, i < values.size() ? values[i] : "null"};
    if (Node *existing = bag.find(std::string(key)))
      *existing = value;
    else
      bag.properties.push_back({std::string(key), value});
  }
  *out = kqlvalue::string(ctx, bag.text(), RULEC_JSON);
}

/// $pack_all(ignoreNullEmpty): the row as a bag (the lowering gives the call
/// a stage whose input rows hold every column so far); with true, null and
/// empty-string values are left out.
void packAll(rulec_context *ctx, uint32_t, const rulec_value *const *args, rulec_value *out) {
  const bool ignore = args[0]->kind == RULEC_BOOL && args[0]->payload.i;
  simdjson::dom::object row;
  if (ctx->json.parse(ctx->eventText.data(), ctx->eventText.size()).get_object().get(row))
    return;
  std::string bag = "{";
  for (auto field : row) {
    std::string_view text;
    if (ignore && (field.value.is_null() || (!field.value.get_string().get(text) && text.empty())))
      continue;
    bag += (bag.size() > 1 ? "," : "") + jsonQuoted(field.key) + ":" + simdjson::minify(field.value);
  }
  *out = kqlvalue::string(ctx, bag + "}", RULEC_JSON);
}

constexpr Function kTable[] = {
    {"$pack_all", 1, 1, packAll},
    {"bag_has_key", 2, 2, bagHasKey},
    {"bag_remove_keys", 2, 2, bagRemoveKeys},
    {"bag_set_key", 3, 3, bagSetKey},
    {"bag_merge", 2, 64, bagMerge},
    {"bag_zip", 2, 2, bagZip},
};

} // namespace

extern const Family kBagFunctions{kTable};

} // namespace rulec::functions
