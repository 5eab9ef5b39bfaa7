//===- RowColumns.h - A row of a query's plan as its columns ---------------===//
//
// Rows between a query's stages are JSON objects (docs/kql.md, "The tabular
// plan"); the runtime operators read them as columns in order, each value
// as its JSON text, and print them back.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <simdjson.h>

#include <string>
#include <utility>
#include <vector>

namespace rulec {

/// A row's columns, in order: name and value as JSON text.
using Columns = std::vector<std::pair<std::string, std::string>>;

/// The columns of a row (empty when it is not an object).
Columns columnsOf(simdjson::dom::parser &parser, const std::string &json);

/// The row as a JSON object.
std::string rowText(const Columns &columns);

/// The value of column `name`, or null when the row has none.
const std::string *findColumn(const Columns &columns, const std::string &name);

} // namespace rulec
