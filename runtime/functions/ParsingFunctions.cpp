//===- ParsingFunctions.cpp - parse_url, parse_path, parse_csv, parse_version, parse_command_line, parse_xml, ... ===//
#include "functions/Arguments.h"
#include "functions/FunctionLibrary.h"

namespace rulec::functions {

// Empty until its first function lands.
extern const Family kParsingFunctions{};

} // namespace rulec::functions
