//===- fuzz_events.cpp - Bytes as event input through the runtime --------===//
//
// One pack is JIT-compiled at start-up from the repository's rules/ and
// fuzz/rules/ (Panther thresholds, dedup, titles and list conditions; Sigma
// keywords, regexes, lists, modifiers and every correlation type; KQL
// functions, let-table sets and summarize). Each input is then read twice,
// as `rulec run` reads events:
//  - as JSON lines (--events-format ndjson), in batch mode: two passes when
//    the pack builds let-table sets;
//  - as concatenated JSON documents (--events-format json), in stream mode.
// Every alert, row and correlation alert is rendered as JSON. Events without
// p_log_type or Type are Netskope.Audit (--log-type).
//
//===----------------------------------------------------------------------===//
#include "FuzzSupport.h"

#include "output/AlertJson.h"
#include "support/Diagnostics.h"
#include "Frontend.h"
#include "codegen/Jit.h"
#include "events/JsonDocuments.h"
#include "Scanner.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>

using namespace rulec;

namespace {

std::unique_ptr<JitPack> pack;

void scan(const std::vector<std::pair<std::string, uint64_t>> &events, bool streaming) {
  const PackInfo &info = pack->info();
  ScanOptions options{"Netskope.Audit", "", streaming, fuzz::kNow};
  std::ostream &out = fuzz::nullStream();
  Scanner scanner(
      info, pack->native(), options,
      [&](const Alert &a) { out << alertToJson(a, info.rules[a.rule]); },
      [&](const RuleInfo &rule, const std::string &row) { out << rowToJson(rule, row); },
      [&](const CorrelationAlert &a) { out << correlationAlertToJson(a, info.correlations[a.correlation]); },
      [&](const AnalyticRuleSpec &, const std::string &alert) { out << alert; }, out);
  const auto phases = scanner.needsTwoPasses()
                          ? std::vector<Scanner::Phase>{Scanner::Phase::BuildSets, Scanner::Phase::Output}
                          : std::vector<Scanner::Phase>{Scanner::Phase::All};
  for (auto phase : phases) {
    scanner.setPhase(phase);
    for (const auto &[event, line] : events)
      scanner.feed(event, "fuzz", line);
  }
  scanner.finish();
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  DiagnosticEngine diags;
  Frontend fe = runFrontend(collectRuleFiles({RULEC_SOURCE_DIR "/rules", RULEC_SOURCE_DIR "/fuzz/rules"}, diags),
                            FrontendOptions{}, diags);
  if (diags.hasErrors() || fe.compiled == 0) {
    diags.print(std::cerr);
    std::fprintf(stderr, "fuzz_events: the fixed rules do not compile\n");
    std::abort();
  }
  std::string error;
  pack = JitPack::compile(fe.pack, error);
  if (!pack) {
    std::fprintf(stderr, "fuzz_events: %s\n", error.c_str());
    std::abort();
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::string_view text(reinterpret_cast<const char *>(data), size);
  std::vector<std::pair<std::string, uint64_t>> events;
  uint64_t lineNo = 0;
  for (size_t start = 0; start <= text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos)
      end = text.size();
    events.emplace_back(std::string(text.substr(start, end - start)), ++lineNo);
    start = end + 1;
  }
  scan(events, false);

  events.clear();
  for (const JsonDocument &doc : splitJsonDocuments(text))
    events.emplace_back(std::string(doc.text), doc.line);
  scan(events, true);
  return 0;
}
