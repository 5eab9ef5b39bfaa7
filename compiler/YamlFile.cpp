//===- YamlFile.cpp -------------------------------------------------------===//
#include "YamlFile.h"

#include <functional>
#include <memory>
#include <vector>

namespace rulec {

namespace {
bool load(const std::function<YAML::Node()> &loader, const std::string &name, YAML::Node &root,
          DiagnosticEngine &diags) {
  auto file = std::make_shared<const std::string>(name);
  try {
    root = loader();
    return true;
  } catch (const YAML::BadFile &) {
    diags.error(DiagCode::FileUnreadable, {file, 0, 0}, "cannot read rule file '" + name + "'");
  } catch (const YAML::ParserException &e) {
    diags.error(DiagCode::YamlSyntax, {file, e.mark.line + 1, e.mark.column + 1}, e.msg);
  }
  return false;
}
} // namespace

bool loadYamlDocuments(const std::string &path, std::vector<YAML::Node> &documents, DiagnosticEngine &diags) {
  std::vector<YAML::Node> all;
  YAML::Node unused;
  if (!load([&] { all = YAML::LoadAllFromFile(path); return YAML::Node(); }, path, unused, diags))
    return false;
  for (YAML::Node &d : all)
    if (!d.IsNull())
      documents.push_back(std::move(d));
  return true;
}

bool loadYamlText(const std::string &text, const std::string &name, YAML::Node &root, DiagnosticEngine &diags) {
  return load([&] { return YAML::Load(text); }, name, root, diags);
}

void reportYamlException(const YAML::Exception &e, const std::string &file, DiagnosticEngine &diags) {
  diags.error(DiagCode::YamlSyntax,
              {std::make_shared<const std::string>(file), e.mark.line + 1, e.mark.column + 1}, e.msg);
}

} // namespace rulec
