//===- KqlConstants.h - Kusto constants as the JSON a row holds ------------===//
//
// Rows between the stages of a query's plan are JSON objects (docs/kql.md,
// "The tabular plan"). A constant cell (a datatable's values, a range's
// steps, a printed datetime) is written as Kusto prints its type: numbers
// and booleans as JSON, a datetime as RFC 3339 text, a timespan as
// [-][d.]hh:mm:ss[.fffffff], a guid as its text, a dynamic value as its JSON.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "kql/KqlAst.h"

#include <functional>
#include <optional>
#include <string>

namespace rulec::kql {

/// A scalar constant of Kusto type `type` (Literal::Type; `value` as in
/// Literal) as JSON text.
std::string constantJson(Literal::Type type, const Scalar &value);

/// The JSON of a constant expression: literals, dynamic([...]) / dynamic({...}),
/// typed nulls (`int(null)`, `datetime(null)`), and whatever `fold` makes a
/// constant (scalar lets, constant arithmetic). Nothing when it is not one;
/// `error` then says which part is not.
using ConstantFold = std::function<std::optional<std::pair<Literal::Type, Scalar>>(const Expr &)>;
std::optional<std::string> constantExprJson(const Expr &e, const ConstantFold &fold, std::string &error);

} // namespace rulec::kql
