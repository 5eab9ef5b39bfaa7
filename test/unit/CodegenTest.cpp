//===- CodegenTest.cpp - Native code agrees with the IR's semantics -------===//
//
// Every predicate is JIT-compiled and checked against the reference evaluator:
// hand-picked Python-equality edge cases, then a seeded random differential
// run over many generated predicates and events.
//
//===----------------------------------------------------------------------===//
#include "codegen/Codegen.h"
#include "EvalContext.h"
#include "events/EventTime.h"
#include "codegen/Jit.h"
#include "ReferenceEvaluator.h"

#include <array>

#include <gtest/gtest.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include <cmath>
#include <cstring>
#include <random>
#include <set>

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
  rulec_context ctx(jit.info());
  uint32_t n = jit.eval()(slots.data(), logType, out.data(), &ctx);
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

/// Seeded random predicates over every leaf op, operator and element op,
/// against values that probe their edges (NaN, 2^63, IPs, empty strings).
class RandomAllOps {
public:
  static constexpr uint32_t kScalars = 4; ///< $0..$3; $4 is a list of {element, sub}
  static constexpr uint32_t kList = 4;

  explicit RandomAllOps(uint32_t seed) : rng_(seed) {}

  Pack pack(int rules) {
    Pack p;
    p.internLogType("T");
    for (uint32_t i = 0; i < kScalars; ++i)
      p.internField({}, {PathStep::makeKey("f" + std::to_string(i))}, KeyMatch::Exact);
    p.internField({}, {PathStep::makeKey("list")}, KeyMatch::Exact);
    p.internField({kList}, {}, KeyMatch::Exact);
    p.internField({kList}, {PathStep::makeKey("sub")}, KeyMatch::Exact);
    p.sets.push_back({"S", 0});
    p.regexes.push_back("^a[bB]");
    for (int r = 0; r < rules; ++r) {
      Rule rule;
      rule.info.logTypes = {0};
      rule.predicate = expr(3, kScalars, true);
      p.rules.push_back(std::move(rule));
    }
    return p;
  }

  std::vector<rulec_value> event() {
    std::vector<rulec_value> slots;
    for (uint32_t i = 0; i < kScalars; ++i)
      slots.push_back(value());
    rulec_value list{};
    if (pick(0, 3) > 0) {
      const uint32_t n = static_cast<uint32_t>(pick(0, 3));
      storage_.emplace_back();
      for (uint32_t k = 0; k < 2 * n; ++k)
        storage_.back().push_back(value());
      list.kind = RULEC_ARRAY;
      list.len = n;
      list.payload.elems = storage_.back().data();
    }
    slots.push_back(list);
    return slots;
  }

private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  rulec_value value() {
    static const char *strings[] = {"abc", "ABC", "aBcD", "", "10.1.2.3", "192.168.1.1", "8.8.8.8",
                                    "::1", "2001:db8::1", "10.0.0.0/8", "403", "ab", "100.64.0.1",
                                    "Amazon_abc-def ghi", "2024-01-01T00:00:00Z", "2024-03-01 12:00:00"};
    static const int64_t ints[] = {0, 1, -1, 403, INT64_MAX, INT64_MIN, 9007199254740993};
    static const double doubles[] = {0.5, -0.5, 403.0, 1e300, NAN, 0x1p63, -0x1p63, 9007199254740992.0};
    switch (pick(0, 7)) {
    case 0: return missing();
    case 1: return null();
    case 2: return boolean(pick(0, 1));
    case 3: return integer(ints[pick(0, 6)]);
    case 4: return real(doubles[pick(0, 7)]);
    case 5: { rulec_value v{}; v.kind = RULEC_OBJECT; v.len = static_cast<uint32_t>(pick(0, 1)); return v; }
    default: return str(strings[pick(0, 15)]);
    }
  }

public:
  /// The context the pack's sets and regexes live in.
  void fill(rulec_context &ctx) {
    ctx.now = 1709294400LL * kNanosPerSecond; // 2024-03-01T12:00:00Z
    for (const char *m : {"abc", "10.1.2.3", "def ghi", "X"})
      ctx.sets[0].insert(m, 0);
  }

private:
  Scalar number() {
    static const int64_t ints[] = {0, 1, -1, 403, INT64_MAX, INT64_MIN, 9007199254740993};
    static const double doubles[] = {0.5, -0.5, 403.0, 1e300, NAN, 0x1p63, -0x1p63, 9007199254740992.0};
    return pick(0, 1) ? Scalar::makeInt(ints[pick(0, 6)]) : Scalar::makeDouble(doubles[pick(0, 7)]);
  }

  Scalar text(bool lower) {
    static const char *strings[] = {"abc", "ab", "", "bcd", "10.1.2.3", "403", "c"};
    std::string s = strings[pick(0, 6)];
    if (!lower && pick(0, 1))
      s = s == "abc" ? "ABC" : s;
    return Scalar::makeString(s);
  }

public:
  /// An and/or of `n` operands over `slots` (2: a list element's) that
  /// codegen splits into outlined functions: all operands but one cannot
  /// decide it (`x or true` in an and); the one at a random place does, and
  /// varies from event to event (it tests whether a field exists).
  std::unique_ptr<Expr> hugeJunction(Op op, int n, uint32_t slots) {
    const Op dual = op == Op::And ? Op::Or : Op::And;
    auto pair = [&](std::unique_ptr<Expr> a, std::unique_ptr<Expr> b) {
      std::vector<std::unique_ptr<Expr>> two;
      two.push_back(std::move(a));
      two.push_back(std::move(b));
      return Expr::makeNary(dual, std::move(two), {});
    };
    std::vector<std::unique_ptr<Expr>> ops;
    for (int i = 0; i < n; ++i)
      ops.push_back(pair(expr(1, slots, false), Expr::makeConst(op == Op::And, {})));
    const uint32_t slot = static_cast<uint32_t>(pick(0, static_cast<int>(slots) - 1));
    ops[static_cast<size_t>(pick(0, n - 1))] = Expr::makeLeaf(Op::Exists, slot, {});
    return Expr::makeNary(op, std::move(ops), {});
  }

  /// Rules of huge junctions: flat, nested, and inside list quantifiers.
  Pack hugePack() {
    Pack p = pack(0);
    auto add = [&](std::unique_ptr<Expr> e) {
      Rule rule;
      rule.info.logTypes = {0};
      rule.predicate = std::move(e);
      p.rules.push_back(std::move(rule));
    };
    add(hugeJunction(Op::And, 2000, kScalars));
    add(hugeJunction(Op::Or, 2000, kScalars));
    add(hugeJunction(Op::And, 300, kScalars));
    add(hugeJunction(Op::Or, 100, kScalars));
    std::vector<std::unique_ptr<Expr>> nested;
    for (int i = 0; i < 3; ++i)
      nested.push_back(hugeJunction(i % 2 ? Op::Or : Op::And, 200, kScalars));
    add(Expr::makeNary(Op::And, std::move(nested), {}));
    // Small operands before a large one (this recursed without end once).
    std::vector<std::unique_ptr<Expr>> smallFirst;
    smallFirst.push_back(Expr::makeLeaf(Op::Exists, 0, {}));
    smallFirst.push_back(Expr::makeLeaf(Op::Exists, 1, {}));
    smallFirst.push_back(hugeJunction(Op::Or, 300, kScalars));
    add(Expr::makeNary(Op::And, std::move(smallFirst), {}));
    for (Op quantifier : {Op::AnyElement, Op::AllElements}) {
      auto e = Expr::makeLeaf(quantifier, kList, {});
      e->operands.push_back(hugeJunction(quantifier == Op::AnyElement ? Op::And : Op::Or, 1000, 2));
      add(std::move(e));
    }
    return p;
  }

private:
  std::unique_ptr<Expr> expr(int depth, uint32_t slots, bool top) {
    const uint32_t slot = static_cast<uint32_t>(pick(0, static_cast<int>(slots) - 1));
    const int choice = pick(0, depth > 0 ? 18 : 14);
    switch (choice) {
    case 12: {
      static const char *terms[] = {"abc", "ab", "amazon_", "def", "-def", "ghi", "c", "10.1", ""};
      auto e = eq(slot, Scalar::makeString(terms[pick(0, 8)]), Op::Has);
      e->mode = static_cast<uint32_t>(pick(0, 1) ? RULEC_HAS_CS : 0) | (pick(0, 2) == 0 ? RULEC_HAS_PREFIX : 0) |
                (pick(0, 2) == 0 ? RULEC_HAS_SUFFIX : 0);
      return withConverts(std::move(e));
    }
    case 13: {
      auto e = Expr::makeLeaf(pick(0, 1) ? Op::InSet : Op::Regex, slot, {});
      e->mode = static_cast<uint32_t>(pick(0, 2));
      return withConverts(std::move(e));
    }
    case 14: {
      auto e = eq(slot, Scalar::makeInt(pick(0, 1) ? -30LL * 86400 * kNanosPerSecond : 1704067200LL * kNanosPerSecond),
                  Op::TimeCmp);
      e->mode = e->constant.i < 0;
      e->cmp = static_cast<Op>(static_cast<int>(Op::Lt) + pick(0, 3));
      return e;
    }
    case 0: return Expr::makeLeaf(pick(0, 2) == 0 ? Op::Exists : pick(0, 1) ? Op::IsNull : Op::IsEmpty, slot, {});
    case 1: {
      Scalar c = pick(0, 2) == 0 ? text(false) : pick(0, 1) ? number() : Scalar::makeBool(pick(0, 1));
      return eq(slot, c);
    }
    case 2: {
      static const Op ops[] = {Op::Contains, Op::StartsWith, Op::EndsWith};
      return eq(slot, text(false), ops[pick(0, 2)]);
    }
    case 3: {
      static const Op ops[] = {Op::EqFold, Op::ContainsFold, Op::StartsWithFold, Op::EndsWithFold};
      return eq(slot, text(true), ops[pick(0, 3)]);
    }
    case 4: case 5: {
      static const Op ops[] = {Op::Lt, Op::Le, Op::Gt, Op::Ge};
      return eq(slot, number(), ops[pick(0, 3)]);
    }
    case 6: {
      static const Op ops[] = {Op::IsIp, Op::IsIpv4, Op::IsIpv6, Op::IsPrivateIp, Op::IsGlobalIp};
      return Expr::makeLeaf(ops[pick(0, 4)], slot, {});
    }
    case 7:
      return eq(slot, Scalar::makeString(pick(0, 1) ? "10.0.0.0/8" : "::/0"), Op::InNetwork);
    case 8:
      return eq(slot, Scalar::makeString(pick(0, 1) ? "10.1.2.3" : "::1"), Op::NetworkHasIp);
    case 9: case 10: {
      auto e = Expr::makeLeaf(Op::FieldCompare, slot, {});
      e->slot2 = static_cast<uint32_t>(pick(0, static_cast<int>(slots) - 1));
      e->cmp = static_cast<Op>(static_cast<int>(Op::Eq) + pick(0, 11));
      return e;
    }
    case 11: return Expr::makeConst(pick(0, 1), {});
    case 15: return Expr::makeNot(expr(depth - 1, slots, top), {});
    case 16:
      if (top) {
        static const Op ops[] = {Op::AnyElement, Op::AllElements, Op::OneElement};
        auto e = Expr::makeLeaf(ops[pick(0, 2)], kList, {});
        e->operands.push_back(expr(depth - 1, 2, false));
        return e;
      }
      [[fallthrough]];
    default: {
      std::vector<std::unique_ptr<Expr>> ops;
      const int n = pick(1, 3);
      for (int i = 0; i < n; ++i)
        ops.push_back(expr(depth - 1, slots, top));
      return Expr::makeNary(choice == 17 ? Op::And : choice == 18 ? Op::Or : Op::ExactlyOne,
                            std::move(ops), {});
    }
    }
  }

  /// Now and then, a leaf tests a computed value: conversions of its slot,
  /// a strcat, or an iff between two slots.
  std::unique_ptr<Expr> withConverts(std::unique_ptr<Expr> e) {
    switch (pick(0, 5)) {
    case 0: case 1: {
      auto v = Value::makeSlot(e->slot);
      for (int n = pick(1, 2); n > 0; --n) {
        std::vector<std::unique_ptr<Value>> args;
        args.push_back(std::move(v));
        v = Value::makeCall(std::array{"tostring", "tolower", "toupper"}[pick(0, 2)], std::move(args));
      }
      e->subject = std::move(v);
      break;
    }
    case 2: {
      std::vector<std::unique_ptr<Value>> args;
      args.push_back(Value::makeSlot(e->slot));
      args.push_back(Value::makeConst(Scalar::makeString("-def")));
      e->subject = Value::makeCall("strcat", std::move(args));
      break;
    }
    case 3: {
      auto v = std::make_unique<Value>();
      v->kind = Value::Iff;
      v->cond = Expr::makeLeaf(Op::IsNull, e->slot, {});
      v->args.push_back(Value::makeConst(Scalar::makeString("abc")));
      v->args.push_back(Value::makeSlot(e->slot));
      e->subject = std::move(v);
      break;
    }
    default:
      break;
    }
    return e;
  }

  std::mt19937 rng_;
  std::vector<std::vector<rulec_value>> storage_;
};

TEST(Codegen, EveryOpAgreesWithReference) {
  RandomAllOps gen(7);
  Pack pack = gen.pack(400);
  std::string error;
  auto jit = JitPack::compile(pack, error);
  ASSERT_TRUE(jit) << error;
  rulec_context ctx(jit->info());
  gen.fill(ctx);
  std::vector<uint32_t> out(pack.rules.size() + 1);
  size_t totalMatches = 0;
  for (int e = 0; e < 400; ++e) {
    std::vector<rulec_value> slots = gen.event();
    ctx.beginEvent();
    std::vector<uint32_t> native(out.begin(), out.begin() + jit->eval()(slots.data(), 0, out.data(), &ctx));
    std::vector<uint32_t> reference = test::referenceEvalPack(pack, slots.data(), 0, &ctx);
    if (native != reference) {
      // Name the first rule that disagrees, with its IR.
      for (uint32_t r = 0; r < pack.rules.size(); ++r) {
        bool n = std::count(native.begin(), native.end(), r), ref = std::count(reference.begin(), reference.end(), r);
        if (n != ref)
          FAIL() << "event " << e << ", rule r" << r << ": native " << n << ", reference " << ref
                 << " (rulec check --emit=ir shows the same form)";
      }
    }
    totalMatches += native.size();
  }
  EXPECT_GT(totalMatches, 400u * 400u / 10);
  EXPECT_LT(totalMatches, 400u * 400u * 9 / 10);
}

/// Junctions of thousands of operands compile as outlined functions
/// (Codegen.cpp, junction) and still agree with the reference evaluator.
TEST(Codegen, HugeJunctionsAgreeWithReference) {
  RandomAllOps gen(11);
  Pack pack = gen.hugePack();
  llvm::LLVMContext llvmContext;
  size_t parts = 0;
  std::unique_ptr<llvm::Module> module = codegen::generate(pack, llvmContext);
  for (const llvm::Function &f : *module)
    parts += f.getName().contains(".part");
  EXPECT_GT(parts, 20u) << "the junctions were not outlined";

  std::string error;
  auto jit = JitPack::compile(pack, error);
  ASSERT_TRUE(jit) << error;
  rulec_context ctx(jit->info());
  gen.fill(ctx);
  std::vector<uint32_t> out(pack.rules.size() + 1), matches(pack.rules.size());
  const int events = 400;
  for (int e = 0; e < events; ++e) {
    std::vector<rulec_value> slots = gen.event();
    ctx.beginEvent();
    std::vector<uint32_t> native(out.begin(), out.begin() + jit->eval()(slots.data(), 0, out.data(), &ctx));
    ASSERT_EQ(native, test::referenceEvalPack(pack, slots.data(), 0, &ctx)) << "event " << e;
    for (uint32_t r : native)
      ++matches[r];
  }
  // Each rule must both hold and fail on some events, or it proves little.
  for (size_t r = 0; r < matches.size(); ++r) {
    EXPECT_GT(matches[r], 0u) << "rule " << r;
    EXPECT_LT(matches[r], static_cast<uint32_t>(events)) << "rule " << r;
  }
}

/// Every helper generated code declares is one the JIT binds: JIT code must
/// not depend on what the process happens to export (the fuzz targets export
/// nothing, and a keyword pack failed to link there).
TEST(Codegen, JitBindsEveryHelperCodegenDeclares) {
  RandomAllOps gen(5);
  Pack pack = gen.pack(3);
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> module = codegen::generate(pack, llvmContext);
  std::set<std::string> bound;
  for (const RuntimeHelper &h : runtimeHelpers()) {
    EXPECT_NE(h.address, nullptr) << h.name;
    bound.insert(h.name);
  }
  size_t declared = 0;
  for (const llvm::Function &f : *module) {
    if (!f.isDeclaration() || !f.getName().starts_with("rulec_rt_"))
      continue;
    ++declared;
    EXPECT_TRUE(bound.count(f.getName().str())) << f.getName().str() << " is not bound in Jit.cpp runtimeHelpers()";
  }
  EXPECT_GE(declared, 15u); // codegen declares them all up front
}

} // namespace
