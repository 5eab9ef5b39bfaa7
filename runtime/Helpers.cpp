//===- Helpers.cpp - Functions the generated code calls -------------------===//
//
// Declared in include/rulec/abi.h. Kept tiny and C-callable: the JIT binds
// them as absolute symbols, AOT packs link against the runtime library.
//
//===----------------------------------------------------------------------===//
#include "rulec/abi.h"

extern "C" int rulec_rt_ieq(const char *s, uint32_t n, const char *lower, uint32_t lowerN) {
  if (n != lowerN)
    return 0;
  for (uint32_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 'A' && c <= 'Z')
      c = static_cast<unsigned char>(c - 'A' + 'a');
    if (c != static_cast<unsigned char>(lower[i]))
      return 0;
  }
  return 1;
}
