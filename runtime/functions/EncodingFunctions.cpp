//===- EncodingFunctions.cpp - hashes, base64 of arrays, URL encoding, compression, punycode ===//
#include "functions/Arguments.h"
#include "functions/FunctionLibrary.h"

namespace rulec::functions {

// Empty until its first function lands.
extern const Family kEncodingFunctions{};

} // namespace rulec::functions
