//===- SigmaConfig.cpp ----------------------------------------------------===//
#include "SigmaConfig.h"

#include "YamlFile.h"

#include <yaml-cpp/yaml.h>

namespace rulec::sigma {

namespace {
const char *const kBuiltin =
#include "SigmaDefaultConfig.inc"
    ;

std::vector<std::string> strings(const YAML::Node &n) {
  std::vector<std::string> out;
  if (n && n.IsScalar())
    out.push_back(n.Scalar());
  else if (n && n.IsSequence())
    for (const YAML::Node &item : n)
      out.push_back(item.Scalar());
  return out;
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
    for (const YAML::Node &entry : root["logsources"]) {
      ProductConfig p;
      p.product = entry["product"].Scalar();
      p.logType = entry["logType"] ? entry["logType"].Scalar() : p.product;
      p.fieldTemplates = strings(entry["fields"]);
      if (p.fieldTemplates.empty())
        p.fieldTemplates = {"{field}"};
      if (const YAML::Node map = entry["fieldMap"])
        for (const auto &kv : map)
          p.fieldMap[kv.first.Scalar()] = strings(kv.second);
      for (const auto &[key, table] : {std::pair<const char *, std::map<std::string, std::vector<FieldItem>> *>{
                                           "categories", &p.categories},
                                       {"services", &p.services}})
        if (const YAML::Node section = entry[key])
          for (const auto &kv : section)
            parseSearchMap(kv.second, name, (*table)[kv.first.Scalar()], diags);
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
