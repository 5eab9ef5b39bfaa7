//===- FunctionLibrary.h - Kusto's scalar functions, by name ---------------===//
//
// Every KQL scalar function the generated code can call, in families (one
// file each: ConversionFunctions.cpp, StringFunctions.cpp, ...). A pack
// names the functions it calls (PackInfo::functions) and its code calls them
// by their index in that list (rulec_rt_call); the runtime resolves the
// names when it loads the pack, so a pack never calls the wrong function,
// and one built by a rulec with a function this one lacks is refused.
//
// Names are Kusto's, lower case; names starting with '$' are the lowering's
// own forms (operators, functions whose regular expression the pack
// compiles and passes by index). docs/kql.md gives each function's semantics.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "rulec/abi.h"

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

struct rulec_context;

namespace rulec::functions {

/// Computes one function of `argc` values into `out`, which is null on entry:
/// a result Kusto leaves undefined (a wrong type, a bad index) stays null.
/// Strings it makes live in the context's scratch memory.
using Eval = void (*)(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out);

struct Function {
  std::string_view name;
  uint8_t minArgs, maxArgs; ///< what the lowering accepts
  Eval eval;
};

using Family = std::span<const Function>;

/// The function named `name`, or null.
const Function *find(std::string_view name);

/// Every function, family after family.
std::vector<const Function *> all();

} // namespace rulec::functions
