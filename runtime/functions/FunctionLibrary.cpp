//===- FunctionLibrary.cpp ------------------------------------------------===//
#include "functions/FunctionLibrary.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace rulec::functions {

// One line per family file.
extern const Family kConversionFunctions;
extern const Family kStringFunctions;
extern const Family kRegexFunctions;
extern const Family kDynamicFunctions;
extern const Family kArithmeticFunctions;
extern const Family kIpFunctions;
extern const Family kDatetimeFunctions;
extern const Family kEncodingFunctions;
extern const Family kParsingFunctions;
extern const Family kMathFunctions;
extern const Family kKeyValueFunctions;
extern const Family kRowFunctions;
extern const Family kBagFunctions;
extern const Family kUnitFunctions;
extern const Family kTimeZoneFunctions;

std::vector<const Function *> all() {
  std::vector<const Function *> out;
  for (const Family &family : {kConversionFunctions, kStringFunctions, kRegexFunctions, kDynamicFunctions,
                               kArithmeticFunctions, kIpFunctions, kDatetimeFunctions, kEncodingFunctions,
                               kParsingFunctions, kMathFunctions, kBagFunctions, kKeyValueFunctions, kRowFunctions,
                               kUnitFunctions, kTimeZoneFunctions})
    for (const Function &f : family)
      out.push_back(&f);
  return out;
}

const Function *find(std::string_view name) {
  static const auto *byName = [] {
    auto *map = new std::unordered_map<std::string_view, const Function *>;
    for (const Function *f : all())
      map->emplace(f->name, f); // names are unique (FunctionLibraryTest)
    return map;
  }();
  auto it = byName->find(name);
  return it == byName->end() ? nullptr : it->second;
}

} // namespace rulec::functions
