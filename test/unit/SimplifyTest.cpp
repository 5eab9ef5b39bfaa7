//===- SimplifyTest.cpp - The boolean clean-up pass -----------------------===//
#include "ir/Simplify.h"

#include <gtest/gtest.h>

using namespace rulec;
using namespace rulec::ir;

namespace {

std::unique_ptr<Expr> leaf(uint32_t slot) { return Expr::makeLeaf(Op::Exists, slot, {}); }

std::unique_ptr<Expr> nary(Op op, std::vector<std::unique_ptr<Expr>> ops) {
  return Expr::makeNary(op, std::move(ops), {});
}

template <typename... T> std::vector<std::unique_ptr<Expr>> list(T... items) {
  std::vector<std::unique_ptr<Expr>> out;
  (out.push_back(std::move(items)), ...);
  return out;
}

TEST(Simplify, FlattensNestedAndAndDropsSingletons) {
  auto e = simplify(nary(Op::And, list(nary(Op::And, list(leaf(0), leaf(1))), leaf(2))));
  ASSERT_EQ(e->op, Op::And);
  ASSERT_EQ(e->operands.size(), 3u);
  EXPECT_EQ(e->operands[2]->slot, 2u);

  auto single = simplify(nary(Op::And, list(nary(Op::Or, list(leaf(5))))));
  EXPECT_EQ(single->op, Op::Exists);
  EXPECT_EQ(single->slot, 5u);
}

TEST(Simplify, DoesNotMergeDifferentOperators) {
  auto e = simplify(nary(Op::And, list(nary(Op::Or, list(leaf(0), leaf(1))), leaf(2))));
  ASSERT_EQ(e->op, Op::And);
  EXPECT_EQ(e->operands[0]->op, Op::Or);
  auto one = simplify(nary(Op::ExactlyOne, list(nary(Op::ExactlyOne, list(leaf(0), leaf(1))), leaf(2))));
  ASSERT_EQ(one->op, Op::ExactlyOne);
  EXPECT_EQ(one->operands.size(), 2u); // exactly_one does not flatten
}

TEST(Simplify, FoldsConstantsAndDoubleNegation) {
  auto absorbed = simplify(nary(Op::And, list(leaf(0), Expr::makeConst(false, {}))));
  ASSERT_EQ(absorbed->op, Op::Const);
  EXPECT_FALSE(absorbed->boolValue);

  auto neutral = simplify(nary(Op::Or, list(leaf(0), Expr::makeConst(false, {}))));
  EXPECT_EQ(neutral->op, Op::Exists);

  auto orTrue = simplify(nary(Op::Or, list(leaf(0), Expr::makeConst(true, {}))));
  ASSERT_EQ(orTrue->op, Op::Const);
  EXPECT_TRUE(orTrue->boolValue);

  auto notNot = simplify(Expr::makeNot(Expr::makeNot(leaf(3), {}), {}));
  EXPECT_EQ(notNot->op, Op::Exists);

  auto noneOfTrue = simplify(Expr::makeNot(nary(Op::Or, list(Expr::makeConst(true, {}))), {}));
  ASSERT_EQ(noneOfTrue->op, Op::Const);
  EXPECT_FALSE(noneOfTrue->boolValue);
}

} // namespace
