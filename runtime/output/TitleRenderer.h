//===- TitleRenderer.h - Alert titles and dedup strings from templates ----===//
//
// Renders `Many unauthorized API calls from user [{user}]` for one event.
// Values print as Python's str() would print what Panther's Python engine
// sees: strings as they are, True/False, None, 1.5, lists and dicts in
// Python's repr. A missing field prints the piece's fallback
// (`<USER_NOT_FOUND>`). Results are capped at 1000 characters as in Panther.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "packs/PackInfo.h"
#include "rulec/abi.h"

#include <simdjson.h>

#include <string>

namespace rulec {

constexpr size_t kMaxTitleLength = 1000;

std::string renderTemplate(const std::vector<TemplatePiece> &pieces, const rulec_value *slots,
                           const simdjson::dom::element *elements);

/// Python repr() of a float: shortest round-trip digits, ".0" for integral values.
std::string pythonFloatRepr(double d);

/// Python str() of a JSON value.
std::string pythonStr(simdjson::dom::element value);

} // namespace rulec
