//===- IRJson.cpp ---------------------------------------------------------===//
#include "ir/IRJson.h"

#include "output/JsonString.h"
#include "rulec/abi.h"

#include <cmath>
#include <ostream>
#include <sstream>

namespace rulec::ir {

namespace {

std::string str(std::string_view s) {
  std::string out;
  appendJsonString(out, s);
  return out;
}

std::string scalar(const Scalar &c) {
  switch (c.kind) {
  case Scalar::Null: return "{\"type\":\"null\"}";
  case Scalar::Bool: return std::string("{\"type\":\"bool\",\"value\":") + (c.b ? "true" : "false") + "}";
  case Scalar::Int: return "{\"type\":\"int\",\"value\":" + std::to_string(c.i) + "}";
  case Scalar::Double: {
    if (!std::isfinite(c.d))
      return std::string("{\"type\":\"float\",\"value\":\"") + (std::isnan(c.d) ? "nan" : c.d > 0 ? "inf" : "-inf") + "\"}";
    std::ostringstream os;
    os.precision(17);
    os << c.d;
    return "{\"type\":\"float\",\"value\":" + os.str() + "}";
  }
  case Scalar::String: return "{\"type\":\"str\",\"value\":" + str(c.s) + "}";
  }
  return "null";
}

std::string path(const std::vector<PathStep> &steps) {
  std::string out = "[";
  for (size_t i = 0; i < steps.size(); ++i) {
    const PathStep &s = steps[i];
    out += i ? "," : "";
    out += s.isWildcard ? "{\"any\":true}" : s.isIndex ? "{\"index\":" + std::to_string(s.index) + "}" : str(s.key);
  }
  return out + "]";
}

std::string fields(const std::vector<FieldSpec> &table) {
  std::string out = "[";
  for (size_t i = 0; i < table.size(); ++i) {
    const FieldSpec &f = table[i];
    static const char *keys[] = {"exact", "ci", "loose"};
    out += i ? "," : "";
    out += "{\"path\":" + path(f.path) + ",\"keys\":\"" + keys[static_cast<int>(f.keyMatch)] + "\"";
    if (!f.alternatives.empty()) {
      out += ",\"alternatives\":[";
      for (size_t k = 0; k < f.alternatives.size(); ++k)
        out += (k ? "," : "") + path(f.alternatives[k]);
      out += "]";
    }
    if (!f.elements.empty())
      out += ",\"elements\":" + fields(f.elements);
    out += "}";
  }
  return out + "]";
}

std::string value(const Value &v);

std::string expr(const Expr &e) {
  std::string out = "{\"op\":" + str(opName(e));
  if (e.op > Op::ExactlyOne && e.op != Op::Keyword && e.op != Op::KeywordContains && !e.subject)
    out += ",\"slot\":" + std::to_string(e.slot);
  if (e.subject)
    out += ",\"subject\":" + value(*e.subject);
  if (e.op == Op::FieldCompare)
    out += e.subject2 ? ",\"subject2\":" + value(*e.subject2) : ",\"slot2\":" + std::to_string(e.slot2);
  if (e.op == Op::Has || e.op == Op::InSet || e.op == Op::TimeCmp)
    out += ",\"mode\":" + std::to_string(e.mode);
  if (e.op == Op::InSet || e.op == Op::Regex || e.op == Op::Keyword)
    out += ",\"index\":" + std::to_string(e.index);
  if ((e.op >= Op::Eq && e.op <= Op::Ge) || e.op == Op::InNetwork || e.op == Op::NetworkHasIp || e.op == Op::Has ||
      e.op == Op::TimeCmp || e.op == Op::KeywordContains)
    out += ",\"constant\":" + scalar(e.constant);
  if (e.elementwise)
    out += ",\"elementwise\":true";
  if (!e.operands.empty()) {
    out += ",\"operands\":[";
    for (size_t i = 0; i < e.operands.size(); ++i)
      out += (i ? "," : "") + expr(*e.operands[i]);
    out += "]";
  }
  return out + "}";
}

std::string value(const Value &v) {
  switch (v.kind) {
  case Value::Slot: return "{\"slot\":" + std::to_string(v.slot) + "}";
  case Value::Const:
    if (v.constKind == RULEC_DATETIME || v.constKind == RULEC_TIMESPAN)
      return std::string("{\"const\":{\"type\":\"") + (v.constKind == RULEC_DATETIME ? "datetime" : "timespan") +
             "\",\"nanos\":" + std::to_string(v.constant.i) + "}}";
    return "{\"const\":" + scalar(v.constant) + "}";
  case Value::Call: {
    std::string out = "{\"call\":" + str(v.fn) + ",\"args\":[";
    for (size_t i = 0; i < v.args.size(); ++i)
      out += (i ? "," : "") + value(*v.args[i]);
    return out + "]}";
  }
  case Value::Iff:
    return "{\"iff\":" + expr(*v.cond) + ",\"then\":" + value(*v.args[0]) + ",\"else\":" + value(*v.args[1]) + "}";
  }
  return "null";
}

} // namespace

void printJson(const Pack &pack, std::ostream &os) {
  static const char *kinds[] = {"rule", "query", "set_builder", "summarize"};
  os << "{\"logTypes\":[";
  for (size_t i = 0; i < pack.logTypes.size(); ++i)
    os << (i ? "," : "") << str(pack.logTypes[i]);
  os << "],\n\"fields\":" << fields(pack.fields) << ",\n\"regexes\":[";
  for (size_t i = 0; i < pack.regexes.size(); ++i)
    os << (i ? "," : "") << str(pack.regexes[i]);
  os << "],\n\"rules\":[";
  for (size_t r = 0; r < pack.rules.size(); ++r) {
    const RuleInfo &info = pack.rules[r].info;
    os << (r ? ",\n" : "\n") << "{\"id\":" << str(info.id) << ",\"kind\":\"" << kinds[static_cast<int>(info.kind)]
       << "\",\"logTypes\":[";
    for (size_t i = 0; i < info.logTypes.size(); ++i)
      os << (i ? "," : "") << info.logTypes[i];
    os << "],\"predicate\":" << expr(*pack.rules[r].predicate) << "}";
  }
  os << "]}\n";
}

} // namespace rulec::ir
