//===- Diagnostics.cpp ----------------------------------------------------===//
#include "support/Diagnostics.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <ostream>

namespace rulec {

std::string SourceLocation::str() const {
  if (!file)
    return "<unknown>";
  if (line <= 0)
    return *file;
  return *file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

const char *diagCodeName(DiagCode code) {
  switch (code) {
  case DiagCode::FileUnreadable: return "file-unreadable";
  case DiagCode::YamlSyntax: return "yaml-syntax";
  case DiagCode::MissingKey: return "missing-key";
  case DiagCode::WrongType: return "wrong-type";
  case DiagCode::InvalidValue: return "invalid-value";
  case DiagCode::UnknownKey: return "unknown-key";
  case DiagCode::UnknownCondition: return "unknown-condition";
  case DiagCode::Unsupported: return "unsupported";
  case DiagCode::BadKeyPath: return "bad-key-path";
  case DiagCode::BadTemplate: return "bad-template";
  case DiagCode::DuplicateRuleId: return "duplicate-rule-id";
  case DiagCode::SuspiciousKey: return "suspicious-key";
  case DiagCode::SuspiciousLogic: return "suspicious-logic";
  case DiagCode::Deprecated: return "deprecated";
  case DiagCode::ListComparison: return "list-comparison";
  case DiagCode::KqlSyntax: return "kql-syntax";
  case DiagCode::NotARule: return "not-a-rule";
  case DiagCode::LimitExceeded: return "limit-exceeded";
  case DiagCode::PythonSyntax: return "python-syntax";
  }
  return "unknown";
}

void DiagnosticEngine::report(Severity severity, DiagCode code, SourceLocation loc,
                              std::string message) {
  if (severity == Severity::Error)
    ++errors_;
  diags_.push_back({severity, code, std::move(loc), std::move(message)});
}

static const char *severityName(Severity s) {
  switch (s) {
  case Severity::Note: return "note";
  case Severity::Warning: return "warning";
  case Severity::Error: return "error";
  }
  return "error";
}

namespace {
/// Reads each file once, however many diagnostics point into it.
class SourceLineCache {
public:
  const std::string *line(const std::string &file, int lineNo) {
    auto it = files_.find(file);
    if (it == files_.end()) {
      std::vector<std::string> lines;
      std::ifstream in(file);
      for (std::string l; std::getline(in, l);)
        lines.push_back(l);
      it = files_.emplace(file, std::move(lines)).first;
    }
    if (lineNo < 1 || lineNo > static_cast<int>(it->second.size()))
      return nullptr;
    return &it->second[lineNo - 1];
  }

private:
  std::map<std::string, std::vector<std::string>> files_;
};
} // namespace

void DiagnosticEngine::print(std::ostream &os) const {
  std::vector<const Diagnostic *> sorted;
  for (const Diagnostic &d : diags_)
    sorted.push_back(&d);
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic *a, const Diagnostic *b) {
    const std::string fa = a->loc.file ? *a->loc.file : "", fb = b->loc.file ? *b->loc.file : "";
    return std::tie(fa, a->loc.line, a->loc.column) < std::tie(fb, b->loc.line, b->loc.column);
  });
  SourceLineCache cache;
  for (const Diagnostic *d : sorted) {
    if (d->loc.file)
      os << d->loc.str() << ": ";
    os << severityName(d->severity) << ": " << d->message << " [" << diagCodeName(d->code)
       << "]\n";
    if (!d->loc.valid())
      continue;
    if (const std::string *text = cache.line(*d->loc.file, d->loc.line)) {
      os << "  " << *text << "\n  ";
      for (int i = 1; i < d->loc.column && i <= static_cast<int>(text->size()); ++i)
        os << ((*text)[i - 1] == '\t' ? '\t' : ' ');
      os << "^\n";
    }
  }
}

} // namespace rulec
