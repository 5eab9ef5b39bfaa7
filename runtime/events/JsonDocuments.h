//===- JsonDocuments.h - Concatenated JSON documents ----------------------===//
//
// Event inputs are JSON lines by default. Some tools write whole documents
// one after another, pretty-printed (evtx_dump, SigmaHQ's regression data);
// `rulec run --events-format json` reads those. The splitter finds each
// top-level value by bracket depth, outside strings, without parsing it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string_view>
#include <vector>

namespace rulec {

struct JsonDocument {
  std::string_view text;
  size_t line = 1; ///< 1-based line where the document starts
};

/// Splits `text` into its top-level JSON values. A stray character between
/// documents, or an unterminated last one, becomes a document of its own, so
/// that parsing it reports the error at its line.
std::vector<JsonDocument> splitJsonDocuments(std::string_view text);

} // namespace rulec
