//===- RowFunctions.cpp - row_number, row_cumsum, prev, ... on serialized rows ===//
//
// Kusto's functions of a serialized row set: each call site (the first
// argument, numbered by the lowering) keeps what the rows before left in the
// context (rulec_context::RowState). The lowering gives them rows in order
// (after sort/top or from a datatable/range/print) in a stage of their own,
// so every row reaches them once; a second call on the same row (a column
// read twice) returns the first result.
//
//===----------------------------------------------------------------------===//
#include "functions/Arguments.h"
#include "functions/FunctionLibrary.h"
#include "functions/TimeValues.h"

namespace rulec::functions {

namespace {

using RowState = rulec_context::RowState;

/// The site's state, and whether this row was seen already (its result is in `out`).
RowState &site(rulec_context *ctx, const rulec_value &id, rulec_value *out, bool &again) {
  RowState &s = ctx->rowStates[id.payload.i];
  again = s.serial == ctx->eventSerial;
  if (again) {
    *out = s.result;
    if (s.result.kind == RULEC_STRING || s.result.kind == RULEC_JSON)
      *out = kqlvalue::string(ctx, s.resultText, s.result.kind);
  }
  s.serial = ctx->eventSerial;
  return s;
}

void remember(RowState &s, const rulec_value &v) {
  s.result = v;
  if (v.kind == RULEC_STRING || v.kind == RULEC_JSON)
    s.resultText.assign(v.payload.s, v.len);
}

bool isTrue(const rulec_value &v) { return v.kind == RULEC_BOOL && v.payload.i; }

/// $row_number(site, start, restart)
void rowNumber(rulec_context *ctx, uint32_t, const rulec_value *const *args, rulec_value *out) {
  bool again;
  RowState &s = site(ctx, *args[0], out, again);
  if (again)
    return;
  const int64_t start = args[1]->kind == RULEC_INT ? args[1]->payload.i : 1;
  s.count = !s.started || isTrue(*args[2]) ? start : s.count + 1;
  s.started = true;
  remember(s, *out = intValue(s.count));
}

/// $row_cumsum(site, term, restart): ints stay ints, reals make it real.
void rowCumsum(rulec_context *ctx, uint32_t, const rulec_value *const *args, rulec_value *out) {
  bool again;
  RowState &s = site(ctx, *args[0], out, again);
  if (again)
    return;
  if (!s.started || isTrue(*args[2])) {
    s.sum = 0;
    s.intSum = 0;
    s.allInts = true;
  }
  s.started = true;
  const rulec_value &t = *args[1];
  if (t.kind == RULEC_INT || t.kind == RULEC_BOOL) {
    s.intSum += t.payload.i;
    s.sum += static_cast<double>(t.payload.i);
  } else if (t.kind == RULEC_DOUBLE) {
    s.allInts = false;
    s.sum += t.payload.d;
  }
  remember(s, *out = s.allInts ? intValue(s.intSum) : doubleValue(s.sum));
}

/// $row_rank_min / $row_rank_dense(site, term, restart): equal consecutive values
/// share a rank; min: the row number where the run began; dense: one more
/// per new value.
template <bool dense>
void rowRank(rulec_context *ctx, uint32_t, const rulec_value *const *args, rulec_value *out) {
  bool again;
  RowState &s = site(ctx, *args[0], out, again);
  if (again)
    return;
  const std::string key = kqlvalue::json(ctx, *args[1]);
  if (isTrue(*args[2])) { // restart: ranks count afresh
    s.count = 0;
    s.rank = 0;
    s.started = false;
  }
  ++s.count;
  if (!s.started || key != s.rankKey)
    s.rank = dense ? s.rank + 1 : s.count;
  s.started = true;
  s.rankKey = key;
  remember(s, *out = intValue(s.rank));
}

/// $prev(site, value, default): the previous row's value (the default on the first row).
void prev(rulec_context *ctx, uint32_t, const rulec_value *const *args, rulec_value *out) {
  bool again;
  RowState &s = site(ctx, *args[0], out, again);
  if (again)
    return;
  rulec_value answer = s.started ? s.last : *args[2];
  if (s.started && (s.last.kind == RULEC_STRING || s.last.kind == RULEC_JSON))
    answer = kqlvalue::string(ctx, s.lastText, s.last.kind);
  remember(s, *out = answer);
  s.started = true;
  s.last = *args[1];
  if (s.last.kind == RULEC_STRING || s.last.kind == RULEC_JSON)
    s.lastText.assign(s.last.payload.s, s.last.len);
}

/// $row_window_session(site, t, maxFromFirst, maxBetweenNeighbors, restart):
/// the start of t's session; a session ends when t is more than maxFromFirst
/// after its start or maxBetweenNeighbors after the previous row, or on restart.
void rowWindowSession(rulec_context *ctx, uint32_t, const rulec_value *const *args, rulec_value *out) {
  bool again;
  RowState &s = site(ctx, *args[0], out, again);
  if (again)
    return;
  rulec_value t;
  if (!asDatetime(*args[1], t) || args[2]->kind != RULEC_TIMESPAN || args[3]->kind != RULEC_TIMESPAN) {
    remember(s, *out = null());
    return;
  }
  const int64_t now = t.payload.i;
  if (!s.started || isTrue(*args[4]) || now - s.sessionStart > args[2]->payload.i ||
      now - s.previousTime > args[3]->payload.i)
    s.sessionStart = now;
  s.started = true;
  s.previousTime = now;
  remember(s, *out = timeValue(RULEC_DATETIME, s.sessionStart));
}

/// $row_id(): an id no other row of this run has (the context and its row
/// count): mv-apply joins a sub-query's rows back to their input row by it.
void rowId(rulec_context *ctx, uint32_t, const rulec_value *const *, rulec_value *out) {
  *out = kqlvalue::string(ctx, std::to_string(reinterpret_cast<uintptr_t>(ctx)) + ":" + std::to_string(ctx->eventSerial));
}

constexpr Function kTable[] = {
    {"$row_id", 0, 0, rowId},
    {"$row_number", 3, 3, rowNumber},        {"$row_cumsum", 3, 3, rowCumsum},
    {"$row_rank_min", 3, 3, rowRank<false>}, {"$row_rank_dense", 3, 3, rowRank<true>},
    {"$prev", 3, 3, prev},                   {"$row_window_session", 5, 5, rowWindowSession},
};

} // namespace

extern const Family kRowFunctions{kTable};

} // namespace rulec::functions
