//===- MathFunctions.cpp - pow, sqrt, log, trigonometry, rounding, bitwise functions ===//
#include "functions/Arguments.h"
#include "functions/FunctionLibrary.h"

namespace rulec::functions {

// Empty until its first function lands.
extern const Family kMathFunctions{};

} // namespace rulec::functions
