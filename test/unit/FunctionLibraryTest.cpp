//===- FunctionLibraryTest.cpp - the KQL function library's table ----------===//
//
// Packs name the functions they call; the runtime finds them by name. A
// name two families both define would silently resolve to one of them.
//
//===----------------------------------------------------------------------===//
#include "functions/FunctionLibrary.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

using namespace rulec::functions;

TEST(FunctionLibrary, NamesAreUniqueAndEveryEntryCallable) {
  std::set<std::string_view> names;
  for (const Function *f : all()) {
    EXPECT_TRUE(names.insert(f->name).second) << "defined twice: " << f->name;
    EXPECT_NE(f->eval, nullptr) << f->name;
    EXPECT_LE(f->minArgs, f->maxArgs) << f->name;
    EXPECT_EQ(find(f->name), f) << f->name;
  }
  EXPECT_GT(names.size(), 200u);
}

TEST(FunctionLibrary, UnknownNamesAreNotFound) {
  EXPECT_EQ(find("no_such_function"), nullptr);
  EXPECT_EQ(find(""), nullptr);
  EXPECT_NE(find("$add"), nullptr);
}
