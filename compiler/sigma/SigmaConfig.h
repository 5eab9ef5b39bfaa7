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

struct ProductConfig {
  std::string product;
  std::string logType;
  std::vector<std::string> fieldTemplates;                 ///< "Event.EventData.{field}", ...
  std::map<std::string, std::vector<std::string>> fieldMap; ///< Sigma name -> paths, in order
  std::map<std::string, std::vector<FieldItem>> categories, services;
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
