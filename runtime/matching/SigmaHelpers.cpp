//===- SigmaHelpers.cpp - Sigma rules on events with lists; keywords ------===//
//
// Keyword searches (rulec_rt_keyword*, include/rulec/abi.h) look in every
// value of the event; plain keywords through the pack's one keyword scan
// (KeywordScanner.h), others as regexes over each value.
//
// rulec_rt_sigma_rule (include/rulec/abi.h): a Sigma rule's predicate as a
// postfix program, run when one of the rule's fields holds a list. Each
// value test holds for a list when it holds for some element (docs/sigma.md
// "Values and matching"); on scalars it is the test the generated code makes
// inline, done with the same runtime functions (rulec_rt_compare_fields,
// regex, IP networks), and test/unit/SigmaListTest.cpp checks the two agree.
// The generated code calls this only for the rare event with a list where a
// rule tests a value, so the code of every leaf stays free of loops.
//
//===----------------------------------------------------------------------===//
#include "EvalContext.h"
#include "matching/IpAddress.h"
#include "matching/EventValues.h"
#include "rulec/abi.h"

#include <string_view>
#include <vector>

namespace {

bool scalarTest(rulec_context *ctx, const rulec_value &v, uint32_t op, const rulec_value &c) {
  switch (op) {
  case RULEC_SIGMA_REGEX:
    return v.kind == RULEC_STRING && rulec_rt_regex_match(ctx, static_cast<uint32_t>(c.payload.i), v.payload.s, v.len);
  case RULEC_SIGMA_IN_NETWORK: {
    rulec::IpNetwork net;
    if (v.kind != RULEC_STRING || !rulec::parseIpNetwork(std::string_view(c.payload.s, c.len), net, false))
      return false;
    return rulec_rt_ip_in_net(v.payload.s, v.len, net.address.bytes.data(), net.prefix,
                              static_cast<uint32_t>(net.address.version));
  }
  default:
    return rulec_rt_compare_fields(&v, &c, op);
  }
}

/// The instruction's constant as a value; a string's bytes are in the
/// program, after its instructions.
rulec_value constantOf(const rulec_sigma_insn *program, const rulec_sigma_insn &insn) {
  rulec_value c{};
  c.kind = insn.kind;
  c.len = insn.len;
  if (insn.kind == RULEC_STRING)
    c.payload.s = reinterpret_cast<const char *>(program) + insn.constant.offset;
  else
    c.payload.i = insn.constant.i; // the bits of a double too
  return c;
}

bool test(rulec_context *ctx, const rulec_value &v, const rulec_sigma_insn *program, const rulec_sigma_insn &insn) {
  const rulec_value c = constantOf(program, insn);
  if (insn.elementwise && v.kind == RULEC_ARRAY) {
    if (!v.payload.elems)
      return false;
    for (uint32_t i = 0; i < v.len; ++i)
      if (scalarTest(ctx, v.payload.elems[i], insn.arg, c))
        return true;
    return false;
  }
  return scalarTest(ctx, v, insn.arg, c);
}

} // namespace

extern "C" int rulec_rt_sigma_rule(rulec_context *ctx, const rulec_value *slots, const rulec_sigma_insn *program,
                                   uint32_t n) {
  std::vector<bool> stack; // the slow path: a list is rare
  stack.reserve(16);
  auto popN = [&](uint32_t k, bool all) {
    bool r = all;
    for (uint32_t i = 0; i < k; ++i) {
      r = all ? (r && stack.back()) : (r || stack.back());
      stack.pop_back();
    }
    stack.push_back(r);
  };
  for (uint32_t i = 0; i < n; ++i) {
    const rulec_sigma_insn &insn = program[i];
    const rulec_value &v = slots[insn.slot];
    switch (insn.op) {
    case RULEC_SIGMA_CONST: stack.push_back(insn.arg != 0); break;
    case RULEC_SIGMA_NOT: stack.back() = !stack.back(); break;
    case RULEC_SIGMA_AND: popN(insn.arg, true); break;
    case RULEC_SIGMA_OR: popN(insn.arg, false); break;
    case RULEC_SIGMA_EXISTS: stack.push_back(v.kind != RULEC_MISSING); break;
    case RULEC_SIGMA_IS_NULL: stack.push_back(v.kind < RULEC_BOOL); break;
    case RULEC_SIGMA_TEST: stack.push_back(test(ctx, v, program, insn)); break;
    case RULEC_SIGMA_FIELDS: stack.push_back(rulec_rt_compare_fields(&v, &slots[insn.arg], insn.elementwise)); break;
    case RULEC_SIGMA_KEYWORD: stack.push_back(rulec_rt_keyword(ctx, insn.arg)); break;
    case RULEC_SIGMA_KEYWORD_CONTAINS: stack.push_back(rulec_rt_keyword_contains(ctx, insn.arg)); break;
    }
  }
  return !stack.empty() && stack.back();
}

// Keywords search every value: strings, and numbers and booleans as the
// event's text writes them (docs/sigma.md "Keywords").
extern "C" int rulec_rt_keyword(rulec_context *ctx, uint32_t regex) {
  const re2::RE2 &re = ctx->regex(regex);
  if (!re.ok())
    return 0;
  return rulec::anyEventValue(ctx->event, ctx->eventText, [&](std::string_view value) {
    return re2::RE2::PartialMatch(re2::StringPiece(value.data(), value.size()), re);
  });
}

extern "C" int rulec_rt_keyword_contains(rulec_context *ctx, uint32_t keyword) {
  return ctx->literals.keywordOccurs(keyword);
}

extern "C" int rulec_rt_keyword_may_occur(rulec_context *ctx, uint32_t keyword) {
  return ctx->literals.keywordMayOccur(keyword);
}
