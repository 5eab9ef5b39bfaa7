//===- parse_only.cpp - The benchmark's limit: reading the events ---------===//
//
// Reads newline-delimited JSON exactly as `rulec run` does (runtime/
// LineReader.h: large reads, lines parsed in place, one simdjson DOM parse
// per line, the same depth bound) and does nothing else. No rule pack can
// process the events faster than this, so the benchmark reports each
// engine's throughput as a fraction of it.
//
//   rulec-parse-only FILE...   ->  "N events, B bytes, S s: E events/s, M MB/s"
//
//===----------------------------------------------------------------------===//
#include "EventEvaluator.h"
#include "events/LineReader.h"

#include <simdjson.h>

#include <chrono>
#include <fcntl.h>
#include <iostream>
#include <unistd.h>

int main(int argc, char **argv) {
  using rulec::EventEvaluator;
  simdjson::dom::parser parser;
  if (parser.allocate(simdjson::SIMDJSON_PADDING, EventEvaluator::kMaxEventDepth))
    return 2;
  uint64_t events = 0, objects = 0, bytes = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 1; i < argc; ++i) {
    const int fd = ::open(argv[i], O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      std::cerr << "rulec-parse-only: cannot read " << argv[i] << "\n";
      return 2;
    }
    rulec::LineReader reader(fd, EventEvaluator::kMaxEventBytes);
    for (rulec::LineReader::Line line; reader.next(line);) {
      bytes += line.size + 1;
      ++events;
      simdjson::dom::element doc;
      if (!parser.parse(line.text.data(), line.text.size(), false).get(doc) && doc.is_object())
        ++objects; // counted, so that the parse cannot be optimized away
    }
    ::close(fd);
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << events << " events, " << objects << " objects, " << bytes << " bytes, " << s << " s: "
            << static_cast<uint64_t>(events / s) << " events/s, " << bytes / s / 1e6 << " MB/s\n";
  return 0;
}
