//===- Diagnostics.h - Errors and warnings as values ----------------------===//
//
// Stages never print or throw for a bad rule: they add a Diagnostic (severity,
// stable code, location, message) to a DiagnosticEngine, and go on with the
// next rule. The driver sorts and prints them clang-style, with the source line
// and a caret:
//
//   rule.yml:8:18: error: unknown Condition 'Equalz' [unknown-condition]
//         Condition: Equalz
//                    ^
//
//===----------------------------------------------------------------------===//
#pragma once

#include "support/SourceLocation.h"

#include <iosfwd>
#include <string>
#include <vector>

namespace rulec {

enum class Severity { Note, Warning, Error };

/// Stable codes: tests and users may match on them, so never renumber.
enum class DiagCode {
  FileUnreadable,      // "file-unreadable"
  YamlSyntax,          // "yaml-syntax"
  MissingKey,          // "missing-key"
  WrongType,           // "wrong-type"
  InvalidValue,        // "invalid-value"
  UnknownKey,          // "unknown-key"
  UnknownCondition,    // "unknown-condition"
  Unsupported,         // "unsupported"
  BadKeyPath,          // "bad-key-path"
  BadTemplate,         // "bad-template"
  DuplicateRuleId,     // "duplicate-rule-id"
  SuspiciousKey,       // "suspicious-key"
  SuspiciousLogic,     // "suspicious-logic"
  Deprecated,          // "deprecated"
  ListComparison,      // "list-comparison"
  KqlSyntax,           // "kql-syntax"
  NotARule,            // "not-a-rule"
  LimitExceeded,       // "limit-exceeded" (compiler/support/Limits.h)
  PythonSyntax,        // "python-syntax"
};

const char *diagCodeName(DiagCode code);

struct Diagnostic {
  Severity severity;
  DiagCode code;
  SourceLocation loc;
  std::string message;
};

class DiagnosticEngine {
public:
  void report(Severity severity, DiagCode code, SourceLocation loc, std::string message);
  void error(DiagCode code, SourceLocation loc, std::string message) {
    report(Severity::Error, code, std::move(loc), std::move(message));
  }
  void warning(DiagCode code, SourceLocation loc, std::string message) {
    report(Severity::Warning, code, std::move(loc), std::move(message));
  }

  const std::vector<Diagnostic> &diagnostics() const { return diags_; }
  unsigned errorCount() const { return errors_; }
  bool hasErrors() const { return errors_ != 0; }

  /// Prints all diagnostics sorted by file, line and column, each with its
  /// source line and a caret when the file can be read.
  void print(std::ostream &os) const;

private:
  std::vector<Diagnostic> diags_;
  unsigned errors_ = 0;
};

} // namespace rulec
