//===- SigmaConfig.h - Where Sigma logsources and fields meet the events --===//
//
// Events do not say "product: windows, category: process_creation"; a
// configuration does (pySigma calls it a processing pipeline). Per product:
// the log type its events carry, where a Sigma field name is looked up, and
// the search maps that select a category or a service. The built-in one
// (compiler/sigma/SigmaWindows.yml, compiled into rulec) covers Windows event logs
// rendered as JSON (Sysmon and the common channels); docs/sigma.md shows how
// to write another.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "support/Diagnostics.h"
#include "sigma/SigmaRule.h"

#include <map>
#include <string>
#include <vector>

namespace rulec::sigma {

/// One kind of event a category or service stands for: the search that
/// selects it, and how a rule's fields and values read there (pySigma's
/// field-mapping and value transformations, per source). Sysmon's
/// process_creation is EventID 1 with Sysmon's names; Security 4688 is
/// another source of the same category, with its own names (docs/sigma.md).
struct SourceVariant {
  std::vector<FieldItem> when;                       ///< a search map, ANDed
  std::map<std::string, std::string> fieldMap;       ///< Sigma field -> this source's field name
  /// Per Sigma field: whole values replaced (keys compared ignoring ASCII case).
  std::map<std::string, std::map<std::string, std::string>> valueMap;
  /// Per Sigma field: a leading text replaced (compared ignoring ASCII case).
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> prefixMap;
  /// A rule testing one of these fields gets no match from this source
  /// (the field has no counterpart there).
  std::vector<std::string> unsupported;
};

struct ProductConfig {
  std::string product;
  std::string logType;
  std::vector<std::string> fieldTemplates;                 ///< "Event.EventData.{field}", ...
  std::map<std::string, std::vector<std::string>> fieldMap; ///< Sigma name -> paths, in order
  /// Per category or service: its sources (an event of any of them is one).
  std::map<std::string, std::vector<SourceVariant>> categories, services;
  /// How an event that does not name its log type shows it is this
  /// product's: alternatives, each a list of dotted paths it must all have.
  std::vector<std::vector<std::string>> detect;
};

struct Config {
  std::vector<ProductConfig> products;
  std::vector<std::string> defaultFieldTemplates = {"{field}"};
  /// Values of `%name%` placeholders for the expand modifier (name without %).
  std::map<std::string, std::vector<std::string>> placeholders;

  /// The entry of `product`, or null (then: log type = product, default fields).
  const ProductConfig *find(const std::string &product) const;

  /// Reads a configuration; false with diagnostics on error.
  static bool load(const std::string &yaml, const std::string &name, Config &out, DiagnosticEngine &diags);
  /// The built-in configuration.
  static const Config &builtin();
};

} // namespace rulec::sigma
