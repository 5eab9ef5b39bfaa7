//===- RowColumns.cpp -----------------------------------------------------===//
#include "state/RowColumns.h"

#include "output/JsonString.h"

namespace rulec {

Columns columnsOf(simdjson::dom::parser &parser, const std::string &json) {
  Columns out;
  simdjson::dom::object object;
  if (parser.parse(json).get_object().get(object))
    return out; // rows are objects the pack's code wrote
  for (auto field : object)
    out.emplace_back(std::string(field.key), simdjson::minify(field.value));
  return out;
}

std::string rowText(const Columns &columns) {
  std::string out = "{";
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i)
      out += ',';
    appendJsonString(out, columns[i].first);
    out += ':';
    out += columns[i].second;
  }
  return out + "}";
}

const std::string *findColumn(const Columns &columns, const std::string &name) {
  for (const auto &[key, value] : columns)
    if (key == name)
      return &value;
  return nullptr;
}

} // namespace rulec
