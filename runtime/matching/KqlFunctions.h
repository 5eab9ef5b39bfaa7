//===- KqlFunctions.h - Kusto's functions on dynamic values and strings ----===//
//
// The RULEC_FN_* functions from pack_array on (include/rulec/abi.h), which
// rulec_rt_call hands here: arrays and bags (dynamic values as JSON text),
// string functions, regular expressions (the pack's, by index), base64 and
// URL decoding, IPv4 classes. Each follows the Kusto documentation page of
// its name; docs/kql.md lists them with the choices made. A result Kusto
// leaves undefined (a wrong type, a bad index) is null.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "rulec/abi.h"

struct rulec_context;

namespace rulec {

/// Computes function `fn` into `out` (null when the arguments do not fit).
void kqlFunction(rulec_context *ctx, uint32_t fn, uint32_t argc, const rulec_value *const *args, rulec_value *out);

} // namespace rulec
