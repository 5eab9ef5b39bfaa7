//===- SigmaConfig.cpp ----------------------------------------------------===//
#include "sigma/SigmaConfig.h"

#include "support/YamlFile.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace rulec::sigma {

namespace {
const char *const kBuiltin =
#include "SigmaDefaultConfig.inc"
    ;

/// A typo in a configuration would silently drop a mapping: reject keys it
/// does not know, and sections of the wrong shape.
bool checkMap(const YAML::Node &n, std::initializer_list<const char *> known, const std::string &what,
              const std::string &file, DiagnosticEngine &diags) {
  auto at = [&](const YAML::Node &node) {
    return SourceLocation{std::make_shared<const std::string>(file), node.Mark().line + 1, node.Mark().column + 1};
  };
  if (!n.IsMap()) {
    diags.error(DiagCode::WrongType, at(n), what + " must be a map");
    return false;
  }
  bool ok = true;
  for (const auto &kv : n) {
    const std::string key = kv.first.Scalar();
    if (std::find_if(known.begin(), known.end(), [&](const char *k) { return key == k; }) == known.end()) {
      diags.error(DiagCode::UnknownKey, at(kv.first), "unknown key '" + key + "' in " + what);
      ok = false;
    }
  }
  return ok;
}

std::vector<std::string> strings(const YAML::Node &n) {
  std::vector<std::string> out;
  if (n && n.IsScalar())
    out.push_back(n.Scalar());
  else if (n && n.IsSequence())
    for (const YAML::Node &item : n)
      out.push_back(item.Scalar());
  return out;
}
/// A source of a category or service: a search map alone, or `when:` with
/// the source's `fieldMap`, `valueMap`, `prefixMap` and `unsupported` fields.
SourceVariant parseVariant(const YAML::Node &n, const std::string &file, DiagnosticEngine &diags) {
  SourceVariant v;
  if (!n.IsMap() || !n["when"]) {
    parseSearchMap(n, file, v.when, diags);
    return v;
  }
  if (!checkMap(n, {"when", "fieldMap", "valueMap", "prefixMap", "unsupported"}, "a category or service source",
                file, diags))
    return v;
  parseSearchMap(n["when"], file, v.when, diags);
  if (const YAML::Node map = n["fieldMap"])
    for (const auto &kv : map)
      v.fieldMap[kv.first.Scalar()] = kv.second.Scalar();
  if (const YAML::Node map = n["valueMap"])
    for (const auto &field : map)
      for (const auto &kv : field.second)
        v.valueMap[field.first.Scalar()][kv.first.Scalar()] = kv.second.Scalar();
  if (const YAML::Node map = n["prefixMap"])
    for (const auto &field : map)
      for (const auto &kv : field.second)
        v.prefixMap[field.first.Scalar()].emplace_back(kv.first.Scalar(), kv.second.Scalar());
  v.unsupported = strings(n["unsupported"]);
  return v;
}
} // namespace

const ProductConfig *Config::find(const std::string &product) const {
  for (const ProductConfig &p : products)
    if (p.product == product)
      return &p;
  return nullptr;
}

bool Config::load(const std::string &yaml, const std::string &name, Config &out, DiagnosticEngine &diags) {
  YAML::Node root;
  if (!loadYamlText(yaml, name, root, diags))
    return false;
  const unsigned before = diags.errorCount();
  try {
    if (!checkMap(root, {"logsources", "default", "placeholders"}, "the Sigma configuration", name, diags) &&
        !root.IsMap())
      return false;
    for (const YAML::Node &entry : root["logsources"]) {
      if (!checkMap(entry, {"product", "logType", "detect", "fields", "fieldMap", "categories", "services"},
                    "a logsources entry", name, diags))
        continue;
      if (!entry["product"]) {
        diags.error(DiagCode::MissingKey,
                    {std::make_shared<const std::string>(name), entry.Mark().line + 1, entry.Mark().column + 1},
                    "a logsources entry needs a product");
        continue;
      }
      ProductConfig p;
      p.product = entry["product"].Scalar();
      p.logType = entry["logType"] ? entry["logType"].Scalar() : p.product;
      p.fieldTemplates = strings(entry["fields"]);
      if (p.fieldTemplates.empty())
        p.fieldTemplates = {"{field}"};
      if (const YAML::Node detect = entry["detect"]) {
        if (!detect.IsSequence())
          diags.error(DiagCode::WrongType,
                      {std::make_shared<const std::string>(name), detect.Mark().line + 1, detect.Mark().column + 1},
                      "detect must be a list of field lists");
        else
          for (const YAML::Node &alternative : detect)
            p.detect.push_back(strings(alternative));
      }
      if (const YAML::Node map = entry["fieldMap"])
        for (const auto &kv : map)
          p.fieldMap[kv.first.Scalar()] = strings(kv.second);
      for (const auto &[key, table] : {std::pair<const char *, std::map<std::string, std::vector<SourceVariant>> *>{
                                           "categories", &p.categories},
                                       {"services", &p.services}})
        if (const YAML::Node section = entry[key])
          for (const auto &kv : section) {
            std::vector<SourceVariant> &variants = (*table)[kv.first.Scalar()];
            if (kv.second.IsSequence())
              for (const YAML::Node &v : kv.second)
                variants.push_back(parseVariant(v, name, diags));
            else
              variants.push_back(parseVariant(kv.second, name, diags));
          }
      out.products.push_back(std::move(p));
    }
    if (const YAML::Node map = root["placeholders"])
      for (const auto &kv : map)
        out.placeholders[kv.first.Scalar()] = strings(kv.second);
    if (const YAML::Node d = root["default"])
      if (auto fields = strings(d["fields"]); !fields.empty())
        out.defaultFieldTemplates = fields;
  } catch (const YAML::Exception &e) {
    reportYamlException(e, name, diags);
  }
  return diags.errorCount() == before;
}

const Config &Config::builtin() {
  static const Config config = [] {
    Config c;
    DiagnosticEngine diags;
    load(kBuiltin, "<built-in Sigma configuration>", c, diags);
    return c;
  }();
  return config;
}

} // namespace rulec::sigma
