//===- PackInfo.h - What the runtime knows of a compiled rule pack --------===//
//
// A rule pack is its native eval function (see include/rulec/abi.h) plus this
// description: the field table that says how to fill each slot from an event,
// the log-type table, and per rule the metadata the runtime needs for alerting
// (severity, threshold, dedup period, title template). The compiler fills it;
// the runtime only reads it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rulec {

/// One step of a field path: an object key or an array index.
struct PathStep {
  bool isIndex = false;
  std::string key; ///< when !isIndex
  int64_t index = 0; ///< when isIndex; negative counts from the end, as in Python

  bool operator==(const PathStep &o) const {
    return isIndex == o.isIndex && key == o.key && index == o.index;
  }
};

/// How object keys of a path are matched against event keys.
enum class KeyMatch : uint8_t {
  Exact,
  /// Panther: an exact key first, else the first key (in document order)
  /// that is equal ignoring ASCII case.
  ExactThenCaseInsensitive,
};

/// One slot of the pack: a field path into the event.
struct FieldSpec {
  std::vector<PathStep> path;
  KeyMatch keyMatch = KeyMatch::Exact;

  bool operator==(const FieldSpec &o) const { return path == o.path && keyMatch == o.keyMatch; }
  /// Panther KeyPath spelling: a.b[0].c
  std::string str() const;
};

/// An alert title (or dedup) template: literal text and field slots.
struct TemplatePiece {
  bool isField = false;
  std::string text;      ///< literal text, or the placeholder as written
  uint32_t slot = 0;     ///< when isField
  std::string fallback;  ///< rendered when the field is missing
};

struct RuleInfo {
  std::string id;
  std::string displayName;
  std::string severity;
  std::string sourceFile;
  uint32_t threshold = 1;
  uint32_t dedupPeriodMinutes = 60;
  std::vector<TemplatePiece> title; ///< empty: no AlertTitle
  std::vector<uint32_t> logTypes;   ///< indexes into PackInfo::logTypes
};

struct PackInfo {
  std::vector<FieldSpec> fields;
  std::vector<std::string> logTypes;
  std::vector<RuleInfo> rules;

  /// Index of a log type by name, or RULEC_NO_LOG_TYPE.
  uint32_t logTypeIndex(const std::string &name) const;
};

} // namespace rulec
