//===- fuzz_evtx.cpp - Bytes as an .evtx file through the EVTX reader -----===//
//
// The input is one EVTX file, read from memory (EvtxReader::openBytes, no
// libevtx): the file and chunk headers and checksums, the record walk and
// its recovery from damage, and the Binary XML decoder (templates, nested
// values, every value type), once with each set of JSON options. Every
// record's JSON must parse with simdjson, in place (so the padding after it
// is there) and within rulec's depth limit, as an object; the counts must
// add up. Anything else aborts.
//
//===----------------------------------------------------------------------===//
#include "EventEvaluator.h"
#include "events/EvtxReader.h"

#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <string>

using namespace rulec;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static simdjson::dom::parser parser = [] {
    simdjson::dom::parser p;
    if (p.allocate(simdjson::SIMDJSON_PADDING, EventEvaluator::kMaxEventDepth))
      std::abort();
    return p;
  }();
  for (const bool evtxDump : {false, true}) {
    EvtxReader reader;
    reader.setJsonOptions(evtxDump ? evtx::JsonOptions::evtxDump() : evtx::JsonOptions{});
    std::string error;
    if (!reader.openBytes(std::string(reinterpret_cast<const char *>(data), size), error))
      return 0;
    uint64_t records = 0, recordProblems = 0;
    std::string_view json;
    uint64_t id;
    while (reader.next(json, id, [&](const std::string &m) { recordProblems += m.rfind("record ", 0) == 0; })) {
      simdjson::dom::element doc;
      if (parser.parse(json.data(), json.size(), false).get(doc) || !doc.is_object())
        std::abort();
      ++records;
    }
    if (reader.stats().records != records || reader.stats().damagedRecords != recordProblems)
      std::abort();
  }
  return 0;
}
