//===- fuzz_compile_run.cpp - Generated rules, compiled and run ----------===//
//
// The input drives a generator (FuzzedDataProvider) that writes one rule: a
// Sigma rule (searches with modifiers, keywords, null, a condition
// expression), a Panther rule (nested All/Any, list conditions, the
// condition zoo) or a KQL query (where/extend with operators and
// functions), over a small set of fields, with values taken from the input.
// The rule goes through the frontend; if it compiles, it is JIT-compiled (a
// pack the frontend accepted must always compile: anything else aborts) and
// run over a few fixed events plus one event holding the rule's own values,
// so that comparisons also take their "true" paths.
//
//===----------------------------------------------------------------------===//
#include "FuzzSupport.h"

#include "output/AlertJson.h"
#include "support/Diagnostics.h"
#include "Frontend.h"
#include "codegen/Jit.h"
#include "output/JsonString.h"
#include "Scanner.h"

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace rulec;

namespace {

const char *const kFields[] = {"user", "action", "count", "ratio", "ip", "tags", "cmd", "nested.key", "items", "flag"};
const char *const kSigmaModifiers[] = {"contains", "startswith", "endswith", "all", "re", "i", "m", "s", "base64",
                                       "base64offset", "wide", "utf16le", "utf16be", "utf16", "windash", "cidr",
                                       "lt", "lte", "gt", "gte", "exists", "cased", "fieldref", "neq", "expand"};
const char *const kPantherConditions[] = {
    "Equals", "DoesNotEqual", "IEquals", "IDoesNotEqual", "Contains", "DoesNotContain", "IContains",
    "IDoesNotContain", "StartsWith", "EndsWith", "IStartsWith", "IEndsWith", "DoesNotStartWith",
    "IsGreaterThan", "IsGreaterThanOrEqual", "IsLessThan", "IsLessThanOrEqual", "IsIn", "IsNotIn", "Exists",
    "DoesNotExist", "IsNull", "IsNotNull", "IsNullOrEmpty", "IsNotNullOrEmpty", "IsIPAddress", "IsIPv4Address",
    "IsIPv6Address", "IsIPAddressPrivate", "IsIPAddressPublic", "IsIPAddressInCIDR", "IsIPAddressNotInCIDR",
    "CIDRContainsIPAddresses", "AlwaysTrue", "AlwaysFalse"};
const char *const kKqlOperators[] = {"==", "!=", "=~", "!~", "contains", "!contains", "contains_cs", "has",
                                     "!has", "has_cs", "startswith", "endswith", "hasprefix", "hassuffix",
                                     "matches regex", "in", "in~", "!in", "has_any", "<", "<=", ">", ">="};
const char *const kKqlFunctions[] = {"tolower", "toupper", "strlen", "tostring", "toint", "tolong", "todouble",
                                     "tobool", "isempty", "isnotempty", "isnull", "isnotnull", "trim_start",
                                     "parse_json", "ipv4_is_private", "reverse"};

template <size_t N> const char *pick(FuzzedDataProvider &p, const char *const (&list)[N]) {
  return list[p.ConsumeIntegralInRange<size_t>(0, N - 1)];
}

/// A YAML double-quoted scalar of arbitrary bytes.
std::string yamlQuoted(const std::string &s) {
  std::string out = "\"";
  static const char hex[] = "0123456789abcdef";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

/// A KQL string literal of arbitrary bytes (non-printing ones dropped).
std::string kqlQuoted(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (c == '\n' || c == '\r')
      continue;
    out += c;
  }
  return out + "\"";
}

struct Generator {
  FuzzedDataProvider &p;
  std::vector<std::string> values; ///< every string value used, for the matching event

  std::string value() {
    std::string v = p.ConsumeRandomLengthString(24);
    values.push_back(v);
    return v;
  }
  /// A YAML scalar: mostly a string, sometimes a number, bool or null.
  std::string yamlValue() {
    switch (p.ConsumeIntegralInRange(0, 9)) {
    case 0:
      return std::to_string(p.ConsumeIntegral<int64_t>());
    case 1:
      return std::to_string(p.ConsumeFloatingPoint<double>());
    case 2:
      return p.ConsumeBool() ? "true" : "false";
    case 3:
      return "null";
    default:
      return yamlQuoted(value());
    }
  }

  std::string sigma() {
    std::string out = "title: fuzz\nid: fuzz-rule\nname: fuzz_rule\nlogsource: {product: app}\ndetection:\n";
    const int searches = p.ConsumeIntegralInRange(1, 4);
    for (int s = 0; s < searches; ++s) {
      out += "  s" + std::to_string(s) + ":\n";
      if (p.ConsumeIntegralInRange(0, 5) == 0) { // keywords
        const int n = p.ConsumeIntegralInRange(1, 3);
        for (int k = 0; k < n; ++k)
          out += "    - " + yamlValue() + "\n";
        continue;
      }
      const int items = p.ConsumeIntegralInRange(1, 3);
      for (int i = 0; i < items; ++i) {
        out += std::string("    ") + pick(p, kFields);
        const int mods = p.ConsumeIntegralInRange(0, 3);
        for (int m = 0; m < mods; ++m)
          out += std::string("|") + pick(p, kSigmaModifiers);
        out += ":";
        if (p.ConsumeBool()) {
          out += " " + yamlValue() + "\n";
        } else {
          const int n = p.ConsumeIntegralInRange(1, 3);
          out += "\n";
          for (int k = 0; k < n; ++k)
            out += "      - " + yamlValue() + "\n";
        }
      }
    }
    out += "  condition: " + sigmaCondition(searches, 0) + "\n";
    return out;
  }
  std::string sigmaCondition(int searches, int depth) {
    const std::string name = "s" + std::to_string(p.ConsumeIntegralInRange(0, searches - 1));
    switch (depth > 2 ? 0 : p.ConsumeIntegralInRange(0, 6)) {
    case 0:
      return name;
    case 1:
      return "not " + sigmaCondition(searches, depth + 1);
    case 2:
      return "(" + sigmaCondition(searches, depth + 1) + " and " + sigmaCondition(searches, depth + 1) + ")";
    case 3:
      return sigmaCondition(searches, depth + 1) + " or " + sigmaCondition(searches, depth + 1);
    case 4:
      return "1 of s*";
    case 5:
      return p.ConsumeBool() ? "all of them" : "1 of them";
    default:
      return "all of s*";
    }
  }

  std::string panther() {
    std::string out = "AnalysisType: rule\nEnabled: true\nRuleID: Fuzz.Rule\nLogTypes: [app]\nSeverity: Low\n";
    if (p.ConsumeBool())
      out += "Threshold: " + std::to_string(p.ConsumeIntegralInRange(1, 3)) + "\nDedupPeriodMinutes: 5\n";
    if (p.ConsumeBool())
      out += "AlertTitle: " + yamlQuoted("{" + std::string(pick(p, kFields)) + "} " + value()) + "\n";
    out += "Detection:\n";
    pantherList(out, "  ", 0);
    return out;
  }
  void pantherList(std::string &out, const std::string &indent, int depth) {
    const int n = p.ConsumeIntegralInRange(1, 3);
    for (int i = 0; i < n; ++i) {
      const int kind = depth > 2 ? 0 : p.ConsumeIntegralInRange(0, 5);
      if (kind == 4 || kind == 5) {
        out += indent + "- " + (kind == 4 ? "All" : "Any") + ":\n";
        pantherList(out, indent + "    ", depth + 1);
        continue;
      }
      if (kind == 3) {
        out += indent + "- KeyPath: items\n" + indent + "  Condition: " +
               (p.ConsumeBool() ? "AnyElement" : "AllElements") + "\n" + indent + "  Expressions:\n";
        pantherList(out, indent + "    ", depth + 1);
        continue;
      }
      std::string key = pick(p, kFields);
      if (p.ConsumeIntegralInRange(0, 4) == 0)
        key += p.ConsumeBool() ? "[*].name" : "[0]";
      out += indent + "- KeyPath: " + key + "\n" + indent + "  Condition: " + pick(p, kPantherConditions) + "\n";
      switch (p.ConsumeIntegralInRange(0, 3)) {
      case 0:
        break;
      case 1: {
        const int k = p.ConsumeIntegralInRange(1, 3);
        out += indent + "  Values:\n";
        for (int v = 0; v < k; ++v)
          out += indent + "    - " + yamlValue() + "\n";
        break;
      }
      default:
        out += indent + "  Value: " + yamlValue() + "\n";
      }
    }
  }

  std::string kql() {
    std::string out = "app\n";
    const int n = p.ConsumeIntegralInRange(1, 3);
    for (int i = 0; i < n; ++i) {
      if (p.ConsumeIntegralInRange(0, 3) == 0)
        out += std::string("| extend x") + std::to_string(i) + " = " + pick(p, kKqlFunctions) + "(" +
               kqlField() + ")\n";
      else
        out += "| where " + kqlPredicate(0) + "\n";
    }
    if (p.ConsumeBool())
      out += "| project user, " + kqlField() + "\n";
    return out;
  }
  std::string kqlField() {
    std::string f = pick(p, kFields);
    return f == "nested.key" ? "nested.key" : f;
  }
  std::string kqlPredicate(int depth) {
    switch (depth > 2 ? 0 : p.ConsumeIntegralInRange(0, 4)) {
    case 1:
      return "(" + kqlPredicate(depth + 1) + " and " + kqlPredicate(depth + 1) + ")";
    case 2:
      return kqlPredicate(depth + 1) + " or " + kqlPredicate(depth + 1);
    case 3:
      return "not(" + kqlPredicate(depth + 1) + ")";
    default: {
      const std::string op = pick(p, kKqlOperators);
      std::string rhs;
      if (op == "in" || op == "in~" || op == "!in" || op == "has_any")
        rhs = "(" + kqlQuoted(value()) + ", " + kqlQuoted(value()) + ")";
      else if (op[0] == '<' || op[0] == '>')
        rhs = std::to_string(p.ConsumeIntegral<int32_t>());
      else
        rhs = kqlQuoted(value());
      return kqlField() + " " + op + " " + rhs;
    }
    }
  }
};

/// Fixed events of log type `app`, plus one made of the rule's own values.
std::vector<std::string> events(const std::vector<std::string> &values) {
  std::vector<std::string> out = {
      R"({"p_log_type":"app","p_event_time":"2024-06-01T00:00:00Z","user":"Admin","action":"login","count":5,"ratio":0.25,"ip":"10.1.2.3","tags":["admin","x"],"cmd":"cmd.exe /c whoami","nested":{"key":"v"},"items":[{"name":"root","size":12},{"name":"b"}],"flag":true})",
      R"({"p_log_type":"app","p_event_time":"2024-06-01T00:01:00Z","user":"","action":null,"count":"7","ip":"2001:db8::1","tags":[],"cmd":"SQBFAFgA","nested":{"key":[1,2]},"items":[],"flag":"true"})",
      R"({"p_log_type":"app","p_event_time":"2024-06-01T00:02:00Z","user":"Jöhn","count":1e300,"ratio":-0.0,"ip":"not an ip","tags":"admin","items":{"name":"x"}})",
      R"({"p_log_type":"app","p_event_time":"2024-06-01T00:03:00Z","count":18446744073709551615,"nested":null})",
  };
  std::string own = R"({"p_log_type":"app","p_event_time":"2024-06-01T00:04:00Z")";
  const std::vector<std::string> keys = {"user", "action", "ip", "cmd"};
  for (size_t i = 0; i < values.size() && i < keys.size(); ++i) {
    own += ",";
    appendJsonString(own, keys[i]);
    own += ":";
    appendJsonString(own, values[i]);
  }
  own += R"(,"tags":[)";
  for (size_t i = 0; i < values.size() && i < 4; ++i) {
    if (i)
      own += ",";
    appendJsonString(own, values[i]);
  }
  out.push_back(own + "]}");
  return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const std::string yml = fuzz::scratchPath(".yml"), kql = fuzz::scratchPath(".kql");
  FuzzedDataProvider provider(data, size);
  Generator gen{provider, {}};
  const int language = provider.ConsumeIntegralInRange(0, 2);
  const std::string &path = language == 2 ? kql : yml;
  fuzz::writeFile(path, language == 0 ? gen.sigma() : language == 1 ? gen.panther() : gen.kql());

  DiagnosticEngine diags;
  Frontend fe = runFrontend({path}, FrontendOptions{}, diags);
  if (fe.compiled == 0)
    return 0;
  std::string error;
  std::unique_ptr<JitPack> pack = JitPack::compile(fe.pack, error);
  if (!pack) {
    std::fprintf(stderr, "fuzz_compile_run: a rule the frontend accepted did not compile: %s\n", error.c_str());
    std::abort();
  }
  const PackInfo &info = pack->info();
  std::ostream &out = fuzz::nullStream();
  Scanner scanner(
      info, pack->native(), ScanOptions{"app", "", false, fuzz::kNow},
      [&](const Alert &a) { out << alertToJson(a, info.rules[a.rule]); },
      [&](const RuleInfo &rule, const std::string &row) { out << rowToJson(rule, row); },
      [&](const CorrelationAlert &a) { out << correlationAlertToJson(a, info.correlations[a.correlation]); },
      [&](const AnalyticRuleSpec &, const std::string &alert) { out << alert; }, out);
  uint64_t line = 0;
  for (const std::string &event : events(gen.values))
    scanner.feed(event, "fuzz", ++line);
  scanner.finish();
  return 0;
}
