//===- YamlFile.h - Loading YAML rule files with positioned errors --------===//
#pragma once

#include "Diagnostics.h"

#include <yaml-cpp/yaml.h>

#include <string>

namespace rulec {

/// Loads the YAML file at `path` into `root`; reports an unreadable file or a
/// syntax error (with its position) and returns false.
bool loadYamlFile(const std::string &path, YAML::Node &root, DiagnosticEngine &diags);

/// The same for YAML text; `name` names it in diagnostics.
bool loadYamlText(const std::string &text, const std::string &name, YAML::Node &root, DiagnosticEngine &diags);

/// Reports a yaml-cpp exception thrown while walking a document of `file`
/// (e.g. a non-scalar map key) as a yaml-syntax error at its position.
void reportYamlException(const YAML::Exception &e, const std::string &file, DiagnosticEngine &diags);

} // namespace rulec
