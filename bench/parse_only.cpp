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
// Windows event logs (.evtx, told by their "ElfFile" header): each file is
// read into memory first, then the time is that of decoding every record to
// JSON (runtime/events/EvtxReader.h) and parsing it with simdjson; B is the
// bytes of EVTX input. `--libevtx` times libevtx's XML rendering of the same
// records instead (libevtx_file_get_record_by_index and
// libevtx_record_get_utf8_xml_string), for comparison.
//
//===----------------------------------------------------------------------===//
#include "EventEvaluator.h"
#include "events/EvtxReader.h"
#include "events/LineReader.h"

#include <libevtx.h>
#include <simdjson.h>

#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

bool isEvtxFile(const char *path) {
  char head[8] = {};
  std::ifstream in(path, std::ios::binary);
  in.read(head, sizeof head);
  return rulec::isEvtxMagic(std::string_view(head, static_cast<size_t>(in.gcount())));
}

/// EVTX files: read first, then decode and parse (or render with libevtx).
int evtxMode(int first, int argc, char **argv, bool libevtx, simdjson::dom::parser &parser) {
  uint64_t events = 0, objects = 0, bytes = 0, damaged = 0;
  double s = 0;
  for (int i = first; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    std::string data = content.str();
    if (!in || !rulec::isEvtxMagic(data)) {
      std::cerr << "rulec-parse-only: " << argv[i] << " is not an EVTX file\n";
      return 2;
    }
    bytes += data.size();
    if (libevtx) {
      // libevtx reads by name; the file is in the page cache now.
      libevtx_file_t *file = nullptr;
      if (libevtx_file_initialize(&file, nullptr) != 1 ||
          libevtx_file_open(file, argv[i], LIBEVTX_OPEN_READ, nullptr) != 1) {
        std::cerr << "rulec-parse-only: libevtx cannot open " << argv[i] << "\n";
        return 2;
      }
      std::vector<uint8_t> xml;
      const auto start = std::chrono::steady_clock::now();
      int n = 0;
      libevtx_file_get_number_of_records(file, &n, nullptr);
      for (int r = 0; r < n; ++r) {
        libevtx_record_t *record = nullptr;
        size_t size = 0;
        if (libevtx_file_get_record_by_index(file, r, &record, nullptr) == 1 &&
            libevtx_record_get_utf8_xml_string_size(record, &size, nullptr) == 1) {
          xml.resize(size);
          if (libevtx_record_get_utf8_xml_string(record, xml.data(), size, nullptr) == 1)
            ++objects;
        }
        libevtx_record_free(&record, nullptr);
        ++events;
      }
      s += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      libevtx_file_close(file, nullptr);
      libevtx_file_free(&file, nullptr);
      continue;
    }
    const auto start = std::chrono::steady_clock::now();
    rulec::EvtxReader reader;
    std::string error;
    if (!reader.openBytes(std::move(data), error)) {
      std::cerr << "rulec-parse-only: " << argv[i] << ": " << error << "\n";
      return 2;
    }
    std::string_view json;
    uint64_t id;
    while (reader.next(json, id, [](const std::string &) {})) {
      ++events;
      simdjson::dom::element doc;
      if (!parser.parse(json.data(), json.size(), false).get(doc) && doc.is_object())
        ++objects;
    }
    damaged += reader.stats().damagedRecords;
    s += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  std::cout << events << " events, " << objects << " objects, " << bytes << " bytes of EVTX, " << s << " s: "
            << static_cast<uint64_t>(events / s) << " events/s, " << bytes / s / 1e6 << " MB/s"
            << (libevtx ? " (libevtx XML)" : "") << (damaged ? ", damaged records: " + std::to_string(damaged) : "")
            << "\n";
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  using rulec::EventEvaluator;
  simdjson::dom::parser parser;
  if (parser.allocate(simdjson::SIMDJSON_PADDING, EventEvaluator::kMaxEventDepth))
    return 2;
  const bool libevtx = argc > 1 && std::strcmp(argv[1], "--libevtx") == 0;
  if (libevtx || (argc > 1 && isEvtxFile(argv[1])))
    return evtxMode(libevtx ? 2 : 1, argc, argv, libevtx, parser);
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
