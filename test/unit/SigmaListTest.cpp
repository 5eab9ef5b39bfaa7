//===- SigmaListTest.cpp - Sigma value tests on list fields ---------------===//
//
// A Sigma rule tests scalars inline; when a tested field holds a list the
// rule runs its postfix program in rulec_rt_sigma_rule (abi.h). Random
// Sigma-shaped predicates over events whose fields are scalars or lists must
// give what the reference evaluator gives, so both paths agree with
// docs/ir.md and with each other.
//
//===----------------------------------------------------------------------===//
#include "EvalContext.h"
#include "ir/IR.h"
#include "codegen/Jit.h"
#include "ir/LiteralSets.h"
#include "ir/Prefilter.h"
#include "ReferenceEvaluator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <deque>
#include <random>

using namespace rulec;
using namespace rulec::ir;

namespace {

constexpr uint32_t kFields = 4;

class RandomSigma {
public:
  /// `literalOnly`: only ieq / icontains leaves under and / or, the shapes
  /// whose requirements the prefilter derives.
  explicit RandomSigma(uint32_t seed, bool literalOnly = false) : rng_(seed), literalOnly_(literalOnly) {}

  Pack pack(int rules) {
    Pack p;
    p.internLogType("T");
    for (uint32_t i = 0; i < kFields; ++i) {
      p.internField({}, {PathStep::makeKey("f" + std::to_string(i))}, KeyMatch::Exact);
      p.internField({i}, {}, KeyMatch::Exact); // the element itself, as SigmaLowering does
    }
    p.regexes.push_back("^a[bB]");
    p.regexes.push_back("(?i)c$");
    for (int r = 0; r < rules; ++r) {
      Rule rule;
      rule.info.logTypes = {0};
      rule.predicate = expr(3);
      p.rules.push_back(std::move(rule));
    }
    return p;
  }

  /// Each field: a scalar, or (one time in three) a list of 0-3 scalars.
  std::vector<rulec_value> event() {
    std::vector<rulec_value> slots;
    for (uint32_t i = 0; i < kFields; ++i) {
      if (pick(0, 2) > 0) {
        slots.push_back(scalar());
        continue;
      }
      storage_.emplace_back();
      const uint32_t n = static_cast<uint32_t>(pick(0, 3));
      for (uint32_t k = 0; k < n; ++k)
        storage_.back().push_back(scalar());
      rulec_value list{};
      list.kind = RULEC_ARRAY;
      list.len = n;
      list.payload.elems = storage_.back().data();
      slots.push_back(list);
    }
    return slots;
  }

private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  rulec_value scalar() {
    static const char *strings[] = {"abc", "ABC", "aBc", "", "10.1.2.3", "8.8.8.8", "403", "ab", "xc"};
    // Literal-only predicates: strings the literal sets scan (4+ bytes, non-ASCII) and some they do not.
    static const char *scanned[] = {"abcd", "ABCD", "xAbCdx", "", "10.1.2.3", "c:\\x.exe", "C:\\X.EXE", "\xc3\xa9" "abcd", "ab",
                                    "a^BC~1", "x^Bd"};
    static const int64_t ints[] = {0, 1, 403, -7, INT64_MAX, 9007199254740993};
    static const double doubles[] = {0.5, 403.0, NAN, 9007199254740992.0};
    rulec_value v{};
    switch (pick(0, 6)) {
    case 0: break; // missing
    case 1: v.kind = RULEC_NULL; break;
    case 2: v.kind = RULEC_BOOL; v.payload.i = pick(0, 1); break;
    case 3: v.kind = RULEC_INT; v.payload.i = ints[pick(0, 5)]; break;
    case 4: v.kind = RULEC_DOUBLE; v.payload.d = doubles[pick(0, 3)]; break;
    default: {
      const char *s = literalOnly_ ? scanned[pick(0, 10)] : strings[pick(0, 8)];
      v.kind = RULEC_STRING;
      v.len = static_cast<uint32_t>(std::strlen(s));
      v.payload.s = s;
    }
    }
    return v;
  }

  std::unique_ptr<Expr> leaf(Op op, Scalar c) {
    auto e = Expr::makeLeaf(op, static_cast<uint32_t>(pick(0, kFields - 1)), {});
    e->constant = std::move(c);
    e->elementwise = pick(0, 4) > 0; // SigmaLowering marks value tests; keep some whole-value ones
    return e;
  }

  std::unique_ptr<Expr> expr(int depth) {
    static const char *texts[] = {"abc", "ab", "", "c", "403", "10.1.2.3"};
    const Scalar text = Scalar::makeString(texts[pick(0, 5)]);
    if (literalOnly_) {
      // "^b" and "~1": short needles with a byte the prefilter requires (Prefilter.cpp, RareBytes).
      static const char *needles[] = {"abcd", "x.exe", "c:\\x", "", "10.1.2.3", "\xc3\xa9", "ab", "^b", "~1"};
      if (depth > 0 && pick(0, 1)) {
        std::vector<std::unique_ptr<Expr>> ops;
        for (int i = pick(1, 3); i > 0; --i)
          ops.push_back(expr(depth - 1));
        return Expr::makeNary(pick(0, 1) ? Op::And : Op::Or, std::move(ops), {});
      }
      static const Op folds[] = {Op::EqFold, Op::ContainsFold, Op::StartsWithFold, Op::EndsWithFold};
      return leaf(folds[pick(0, 3)], Scalar::makeString(needles[pick(0, 8)]));
    }
    switch (pick(0, depth > 0 ? 12 : 9)) {
    case 0: return Expr::makeLeaf(pick(0, 1) ? Op::Exists : Op::IsNull, static_cast<uint32_t>(pick(0, kFields - 1)), {});
    case 1: {
      static const Scalar numbers[] = {Scalar::makeInt(403), Scalar::makeDouble(0.5), Scalar::makeBool(true),
                                       Scalar::makeInt(9007199254740993)};
      return leaf(Op::Eq, pick(0, 1) ? text : numbers[pick(0, 3)]);
    }
    case 2: {
      static const Op ops[] = {Op::Contains, Op::StartsWith, Op::EndsWith};
      return leaf(ops[pick(0, 2)], text);
    }
    case 3: case 4: {
      static const Op ops[] = {Op::EqFold, Op::ContainsFold, Op::StartsWithFold, Op::EndsWithFold};
      return leaf(ops[pick(0, 3)], text);
    }
    case 5: {
      static const Op ops[] = {Op::Lt, Op::Le, Op::Gt, Op::Ge};
      return leaf(ops[pick(0, 3)], pick(0, 1) ? Scalar::makeInt(403) : Scalar::makeDouble(402.5));
    }
    case 6: return leaf(Op::InNetwork, Scalar::makeString("10.0.0.0/8"));
    case 7: {
      auto e = leaf(Op::Regex, Scalar());
      e->index = static_cast<uint32_t>(pick(0, 1));
      return e;
    }
    case 8: {
      auto e = Expr::makeLeaf(Op::FieldCompare, static_cast<uint32_t>(pick(0, kFields - 1)), {});
      e->slot2 = static_cast<uint32_t>(pick(0, kFields - 1));
      e->cmp = pick(0, 1) ? Op::Eq : Op::ContainsFold;
      return e;
    }
    case 9: return Expr::makeConst(pick(0, 1), {});
    case 10: return Expr::makeNot(expr(depth - 1), {});
    default: {
      std::vector<std::unique_ptr<Expr>> ops;
      for (int i = pick(1, 3); i > 0; --i)
        ops.push_back(expr(depth - 1));
      return Expr::makeNary(pick(0, 1) ? Op::And : Op::Or, std::move(ops), {});
    }
    }
  }

  std::mt19937 rng_;
  bool literalOnly_;
  std::deque<std::vector<rulec_value>> storage_;
};

/// Runs `pack` natively over random events and compares each rule with the
/// reference evaluator.
void agreeWithReference(RandomSigma &gen, Pack &pack) {
  std::string error;
  auto jit = JitPack::compile(pack, error);
  ASSERT_TRUE(jit) << error;
  rulec_context ctx(jit->info());
  std::vector<uint32_t> out(pack.rules.size() + 1);
  size_t matches = 0, listEvents = 0;
  for (int e = 0; e < 600; ++e) {
    std::vector<rulec_value> slots = gen.event();
    listEvents += std::any_of(slots.begin(), slots.end(), [](const rulec_value &v) { return v.kind == RULEC_ARRAY; });
    ctx.beginEvent();
    std::vector<uint32_t> native(out.begin(), out.begin() + jit->eval()(slots.data(), 0, out.data(), &ctx));
    std::vector<uint32_t> reference = test::referenceEvalPack(pack, slots.data(), 0, &ctx);
    for (uint32_t r = 0; r < pack.rules.size(); ++r) {
      const bool n = std::count(native.begin(), native.end(), r), ref = std::count(reference.begin(), reference.end(), r);
      ASSERT_EQ(n, ref) << "event " << e << ", rule r" << r << " (rulec check --emit=ir shows the same form)";
    }
    matches += native.size();
  }
  // Both paths ran, and the predicates are neither always nor never true.
  EXPECT_GT(listEvents, 300u);
  EXPECT_LT(listEvents, 600u);
  EXPECT_GT(matches, 600u * 300u / 20);
  EXPECT_LT(matches, 600u * 300u * 9 / 10);
}

TEST(SigmaList, InlineCodeAndListProgramAgreeWithReference) {
  RandomSigma gen(11);
  Pack pack = gen.pack(300);
  agreeWithReference(gen, pack);
}

// The same with every icontains / ieq leaf answered from a literal set
// (Hyperscan and the folded-string lookup, compiler/ir/LiteralSets.h), and the
// rules whose requirements no event field meets skipped (Prefilter.h).
TEST(SigmaList, LiteralSetsAndPrefilterAgreeWithReference) {
  RandomSigma gen(12);
  Pack pack = gen.pack(300);
  assignLiteralSets(pack, 1);
  assignPrefilters(pack);
  ASSERT_GE(pack.literalSets.size(), 4u);
  size_t filtered = 0;
  for (const Rule &rule : pack.rules)
    filtered += !rule.info.requirements.empty();
  EXPECT_GT(filtered, 30u); // the prefilter has rules to skip
  agreeWithReference(gen, pack);
}

TEST(SigmaList, PrefilterOnLiteralPredicatesAgreesWithReference) {
  RandomSigma gen(13, /*literalOnly=*/true);
  Pack pack = gen.pack(300);
  assignLiteralSets(pack, 1);
  assignPrefilters(pack);
  size_t filtered = 0;
  for (const Rule &rule : pack.rules)
    filtered += !rule.info.requirements.empty();
  EXPECT_GT(filtered, 250u);
  agreeWithReference(gen, pack);
}

} // namespace
