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

bool loadYamlFile(const std::string &path, YAML::Node &root, DiagnosticEngine &diags) {
  std::vector<YAML::Node> documents;
  if (!load([&] { documents = YAML::LoadAllFromFile(path); return YAML::Node(); }, path, root, diags))
    return false;
  if (documents.size() > 1) {
    // Reading only the first would drop the others without a word.
    const YAML::Mark m = documents[1].Mark();
    diags.error(DiagCode::Unsupported, {std::make_shared<const std::string>(path), m.line + 1, m.column + 1},
                "a second YAML document in one file: rulec reads one rule per file (Sigma rule "
                "collections and correlation files with '---' are not supported yet)");
    return false;
  }
  if (!documents.empty())
    root = documents[0];
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
