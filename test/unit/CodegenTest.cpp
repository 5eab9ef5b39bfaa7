//===- CodegenTest.cpp - Native code agrees with the IR's semantics -------===//
//
// Every predicate is JIT-compiled and checked against the reference evaluator:
// hand-picked Python-equality edge cases, then a seeded random differential
// run over many generated predicates and events.
//
//===----------------------------------------------------------------------===//
#include "Jit.h"
#include "ReferenceEvaluator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

using namespace rulec;
using namespace rulec::ir;

namespace {

rulec_value missing() { return rulec_value{}; }
rulec_value null() { rulec_value v{}; v.kind = RULEC_NULL; return v; }
rulec_value boolean(bool b) { rulec_value v{}; v.kind = RULEC_BOOL; v.payload.i = b; return v; }
rulec_value integer(int64_t i) { rulec_value v{}; v.kind = RULEC_INT; v.payload.i = i; return v; }
rulec_value real(double d) { rulec_value v{}; v.kind = RULEC_DOUBLE; v.payload.d = d; return v; }
rulec_value str(const char *s) {
  rulec_value v{};
  v.kind = RULEC_STRING;
  v.payload.s = s;
  v.len = static_cast<uint32_t>(std::strlen(s));
  return v;
}

std::unique_ptr<Expr> eq(uint32_t slot, Scalar c, Op op = Op::Eq) {
  auto e = Expr::makeLeaf(op, slot, {});
  e->constant = std::move(c);
  return e;
}

/// A pack of one log type whose rules are `predicates`, over `slots` fields.
Pack makePack(std::vector<std::unique_ptr<Expr>> predicates, uint32_t slots) {
  Pack pack;
  pack.internLogType("T");
  for (uint32_t i = 0; i < slots; ++i)
    pack.internField({}, {PathStep::makeKey("f" + std::to_string(i))}, KeyMatch::Exact);
  for (auto &p : predicates) {
    Rule r;
    r.info.id = "r" + std::to_string(pack.rules.size());
    r.info.logTypes = {0};
    r.predicate = std::move(p);
    pack.rules.push_back(std::move(r));
  }
  return pack;
}

std::vector<uint32_t> nativeEval(const JitPack &jit, const std::vector<rulec_value> &slots,
                                 uint32_t logType = 0) {
  std::vector<uint32_t> out(jit.info().rules.size() + 1);
  uint32_t n = jit.eval()(slots.data(), logType, out.data());
  out.resize(n);
  return out;
}

TEST(Codegen, PythonEqualityEdges) {
  struct Case {
    Scalar constant;
    rulec_value value;
    bool expected;
  };
  const std::vector<Case> cases = {
      {Scalar::makeInt(403), integer(403), true},
      {Scalar::makeInt(403), real(403.0), true},       // 403 == 403.0
      {Scalar::makeInt(403), str("403"), false},       // "403" != 403
      {Scalar::makeInt(403), missing(), false},
      {Scalar::makeInt(403), null(), false},
      {Scalar::makeInt(1), boolean(true), true},       // True == 1
      {Scalar::makeBool(true), integer(1), true},
      {Scalar::makeBool(false), real(0.0), true},
      {Scalar::makeInt(INT64_MAX), real(0x1p63), false}, // not exactly equal
      {Scalar::makeDouble(0.5), integer(0), false},
      {Scalar::makeDouble(2.0), integer(2), true},
      {Scalar::makeDouble(NAN), real(NAN), false},
      {Scalar::makeString("abc"), str("abc"), true},
      {Scalar::makeString("abc"), str("abcd"), false},
      {Scalar::makeString("abc"), str("ABC"), false},
      {Scalar::makeString(""), str(""), true},
      {Scalar::makeString(""), missing(), false},
  };
  std::vector<std::unique_ptr<Expr>> preds;
  for (uint32_t i = 0; i < cases.size(); ++i)
    preds.push_back(eq(i, cases[i].constant));
  Pack pack = makePack(std::move(preds), static_cast<uint32_t>(cases.size()));
  std::string error;
  auto jit = JitPack::compile(pack, error);
  ASSERT_TRUE(jit) << error;
  std::vector<rulec_value> slots;
  for (const Case &c : cases)
    slots.push_back(c.value);
  std::vector<uint32_t> matched = nativeEval(*jit, slots);
  for (uint32_t i = 0; i < cases.size(); ++i) {
    bool native = std::find(matched.begin(), matched.end(), i) != matched.end();
    EXPECT_EQ(native, cases[i].expected) << "case " << i << ": " << cases[i].constant.repr();
    EXPECT_EQ(test::referenceEval(*pack.rules[i].predicate, slots.data(), pack.fields), cases[i].expected)
        << "reference, case " << i;
  }
}

TEST(Codegen, OnlyTheEventsLogTypeRuns) {
  Pack pack;
  pack.internLogType("A");
  pack.internLogType("B");
  for (uint32_t lt : {0u, 1u, 0u}) {
    Rule r;
    r.info.logTypes = {lt};
    r.predicate = Expr::makeConst(true, {});
    pack.rules.push_back(std::move(r));
  }
  std::string error;
  auto jit = JitPack::compile(pack, error);
  ASSERT_TRUE(jit) << error;
  std::vector<rulec_value> none;
  EXPECT_EQ(nativeEval(*jit, none, 0), (std::vector<uint32_t>{0, 2}));
  EXPECT_EQ(nativeEval(*jit, none, 1), (std::vector<uint32_t>{1}));
  EXPECT_EQ(nativeEval(*jit, none, RULEC_NO_LOG_TYPE), (std::vector<uint32_t>{}));
}

/// Seeded random predicates over 4 slots, checked on random events.
class RandomPredicates {
public:
  explicit RandomPredicates(uint32_t seed) : rng_(seed) {}

  std::unique_ptr<Expr> expr(int depth) {
    int pick = pickInt(0, depth > 0 ? 9 : 4);
    uint32_t slot = static_cast<uint32_t>(pickInt(0, kSlots - 1));
    switch (pick) {
    case 0: return Expr::makeLeaf(Op::Exists, slot, {});
    case 1: return Expr::makeLeaf(Op::IsNull, slot, {});
    case 2: case 3: return eq(slot, constant());
    case 4: return eq(slot, Scalar::makeString(pickInt(0, 1) ? "abc" : ""), Op::EqFold);
    case 5: return Expr::makeNot(expr(depth - 1), {});
    case 6: return Expr::makeConst(pickInt(0, 1), {});
    default: {
      std::vector<std::unique_ptr<Expr>> ops;
      int n = pickInt(1, 4);
      for (int i = 0; i < n; ++i)
        ops.push_back(expr(depth - 1));
      Op op = pick == 7 ? Op::And : pick == 8 ? Op::Or : Op::ExactlyOne;
      return Expr::makeNary(op, std::move(ops), {});
    }
    }
  }

  std::vector<rulec_value> event() {
    static const char *strings[] = {"abc", "ABC", "aBc", "", "abcd", "403"};
    std::vector<rulec_value> slots;
    for (int i = 0; i < kSlots; ++i) {
      switch (pickInt(0, 6)) {
      case 0: slots.push_back(missing()); break;
      case 1: slots.push_back(null()); break;
      case 2: slots.push_back(boolean(pickInt(0, 1))); break;
      case 3: slots.push_back(integer(pickInt(-1, 2) == 2 ? 403 : pickInt(-1, 1))); break;
      case 4: slots.push_back(real(pickInt(0, 1) ? 403.0 : 0.5 * pickInt(-2, 2))); break;
      default: slots.push_back(str(strings[pickInt(0, 5)])); break;
      }
    }
    return slots;
  }

  static constexpr int kSlots = 4;

private:
  int pickInt(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  Scalar constant() {
    switch (pickInt(0, 4)) {
    case 0: return Scalar::makeInt(pickInt(0, 1) ? 403 : pickInt(-1, 1));
    case 1: return Scalar::makeDouble(pickInt(0, 1) ? 403.0 : 0.5 * pickInt(-2, 2));
    case 2: return Scalar::makeBool(pickInt(0, 1));
    default: return Scalar::makeString(pickInt(0, 1) ? "abc" : "403");
    }
  }

  std::mt19937 rng_;
};

TEST(Codegen, RandomPredicatesAgreeWithReference) {
  RandomPredicates gen(20261125);
  std::vector<std::unique_ptr<Expr>> preds;
  for (int i = 0; i < 300; ++i)
    preds.push_back(gen.expr(3));
  Pack pack = makePack(std::move(preds), RandomPredicates::kSlots);
  std::string error;
  auto jit = JitPack::compile(pack, error);
  ASSERT_TRUE(jit) << error;
  size_t totalMatches = 0;
  for (int e = 0; e < 500; ++e) {
    std::vector<rulec_value> slots = gen.event();
    std::vector<uint32_t> native = nativeEval(*jit, slots);
    ASSERT_EQ(native, test::referenceEvalPack(pack, slots.data(), 0)) << "event " << e;
    totalMatches += native.size();
  }
  // The generator must exercise both outcomes, or the comparison proves little.
  EXPECT_GT(totalMatches, 500u * 300u / 10);
  EXPECT_LT(totalMatches, 500u * 300u * 9 / 10);
}

} // namespace
