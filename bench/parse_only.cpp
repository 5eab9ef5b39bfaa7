//===- parse_only.cpp - The benchmark's limit: reading the events ---------===//
//
// Reads newline-delimited JSON exactly as `rulec run` does (std::getline,
// simdjson's DOM parser, one document per line) and does nothing else. No
// rule pack can process the events faster than this, so the benchmark
// reports each engine's throughput as a fraction of it.
//
//   rulec-parse-only FILE...   ->  "N events, B bytes, S s: E events/s, M MB/s"
//
//===----------------------------------------------------------------------===//
#include <simdjson.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <string>

int main(int argc, char **argv) {
  simdjson::dom::parser parser;
  uint64_t events = 0, objects = 0, bytes = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    if (!in) {
      std::cerr << "rulec-parse-only: cannot read " << argv[i] << "\n";
      return 2;
    }
    for (std::string line; std::getline(in, line);) {
      bytes += line.size() + 1;
      ++events;
      simdjson::dom::element doc;
      if (!parser.parse(line).get(doc) && doc.is_object())
        ++objects; // counted, so that the parse cannot be optimized away
    }
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << events << " events, " << objects << " objects, " << bytes << " bytes, " << s << " s: "
            << static_cast<uint64_t>(events / s) << " events/s, " << bytes / s / 1e6 << " MB/s\n";
  return 0;
}
