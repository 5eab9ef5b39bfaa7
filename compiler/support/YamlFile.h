//===- YamlFile.h - Loading YAML rule files with positioned errors --------===//
#pragma once

#include "support/Diagnostics.h"

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace rulec {

/// Loads every document of the YAML file at `path` (a Sigma file may hold
/// rules and correlations separated by `---`); empty documents are left out.
/// Reports an unreadable file or a syntax error (with its position) and
/// returns false.
bool loadYamlDocuments(const std::string &path, std::vector<YAML::Node> &documents, DiagnosticEngine &diags);

/// One file's result of loadYamlFiles.
struct LoadedYamlFile {
  bool ok = false;
  std::vector<YAML::Node> documents;
  DiagnosticEngine diags; ///< this file's diagnostics, for the caller to merge
};

/// loadYamlDocuments for each of `paths`, on up to `threads` threads (YAML
/// parsing is most of the frontend's time). Results are in `paths` order.
std::vector<LoadedYamlFile> loadYamlFiles(const std::vector<std::string> &paths, unsigned threads);

/// The same for YAML text; `name` names it in diagnostics.
bool loadYamlText(const std::string &text, const std::string &name, YAML::Node &root, DiagnosticEngine &diags);

/// Reports a yaml-cpp exception thrown while walking a document of `file`
/// (e.g. a non-scalar map key) as a yaml-syntax error at its position.
void reportYamlException(const YAML::Exception &e, const std::string &file, DiagnosticEngine &diags);

} // namespace rulec
