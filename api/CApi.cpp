//===- CApi.cpp - include/rulec/rulec.h: packs from files, engines --------===//
//
// Every entry point catches everything: no exception crosses the C ABI.
// An engine is a Scanner (runtime/Scanner.h) with its outputs turned into the
// JSON lines of `rulec run`, handed to the host's callback or queued.
//
//===----------------------------------------------------------------------===//
#include "rulec/rulec.h"

#include "output/AlertJson.h"
#include "CApiPack.h"
#include "packs/PackLoader.h"
#include "Scanner.h"
#include "state/TableOperators.h"
#include "rulec/abi.h"

#include <cstdlib>
#include <cstring>
#include <deque>
#include <sstream>

using namespace rulec;

char *rulec::copyMessage(const std::string &message) {
  char *out = static_cast<char *>(std::malloc(message.size() + 1));
  if (out)
    std::memcpy(out, message.c_str(), message.size() + 1);
  return out;
}

namespace {
int fail(char **error, int code, const std::string &message) {
  if (error)
    *error = copyMessage(message);
  return code;
}
} // namespace

struct rulec_engine {
  rulec_output_fn output = nullptr;
  void *user = nullptr;
  std::ostringstream diag; ///< the Scanner's messages; the counts are in the stats
  std::deque<std::pair<int, std::string>> queue;
  std::pair<int, std::string> current;
  uint64_t lineNo = 0;
  std::unique_ptr<Scanner> scanner;

  void emit(int kind, std::string json) {
    if (output)
      output(user, kind, json.data(), json.size());
    else
      queue.emplace_back(kind, std::move(json));
  }
};

extern "C" {

const char *rulec_version(void) { return "0.1.0"; }
uint32_t rulec_abi_version(void) { return RULEC_ABI_VERSION; }
void rulec_free(void *p) { std::free(p); }

int rulec_pack_open(const char *path, rulec_pack **out, char **error) {
  if (!path || !out)
    return fail(error, RULEC_ERR_ARGUMENT, "rulec_pack_open: path and out must not be NULL");
  try {
    std::string why;
    std::shared_ptr<LoadedPack> loaded = LoadedPack::open(path, why);
    if (!loaded)
      return fail(error, RULEC_ERR_PACK, why);
    auto *pack = new rulec_pack;
    pack->info = &loaded->info();
    pack->native = loaded->native();
    pack->owner = loaded;
    *out = pack;
    return RULEC_OK;
  } catch (const std::exception &e) {
    return fail(error, RULEC_ERR_INTERNAL, e.what());
  } catch (...) {
    return fail(error, RULEC_ERR_INTERNAL, "unknown error");
  }
}

size_t rulec_pack_rule_count(const rulec_pack *pack) { return pack ? pack->info->rules.size() : 0; }

void rulec_pack_close(rulec_pack *pack) { delete pack; }

int rulec_engine_new(const rulec_pack *pack, const rulec_engine_options *options, rulec_output_fn output, void *user,
                     rulec_engine **out, char **error) {
  if (!pack || !out)
    return fail(error, RULEC_ERR_ARGUMENT, "rulec_engine_new: pack and out must not be NULL");
  try {
    auto engine = std::make_unique<rulec_engine>();
    engine->output = output;
    engine->user = user;
    ScanOptions scan;
    if (options && options->default_log_type)
      scan.defaultLogType = options->default_log_type;
    if (options && options->time_field)
      scan.timeField = options->time_field;
    if (options && options->now_ns)
      scan.now = options->now_ns;
    scan.streaming = true; // a push API cannot read its input twice
    const PackInfo &info = *pack->info;
    if (std::string why; !TableOperators::streamable(info, scan.replay, why))
      return fail(error, RULEC_ERR_ARGUMENT, "rulec_engine_new: " + why);
    rulec_engine *e = engine.get();
    engine->scanner = std::make_unique<Scanner>(
        info, pack->native, scan,
        [e, &info](const Alert &a) { e->emit(RULEC_OUTPUT_ALERT, alertToJson(a, info.rules[a.rule])); },
        [e](const RuleInfo &rule, const std::string &row) { e->emit(RULEC_OUTPUT_ROW, rowToJson(rule, row)); },
        [e, &info](const CorrelationAlert &a) {
          e->emit(RULEC_OUTPUT_CORRELATION, correlationAlertToJson(a, info.correlations[a.correlation]));
        },
        [e](const AnalyticRuleSpec &, const std::string &alert) { e->emit(RULEC_OUTPUT_SCHEDULED_ALERT, alert); },
        engine->diag);
    // Rows of the pack's KQL datatable/print/range sources (their sets, their
    // rows) come before any event, as in a file run.
    engine->scanner->feedSources();
    *out = engine.release();
    return RULEC_OK;
  } catch (const std::exception &ex) {
    return fail(error, RULEC_ERR_INTERNAL, ex.what());
  } catch (...) {
    return fail(error, RULEC_ERR_INTERNAL, "unknown error");
  }
}

/// One event; `padded`: the caller's buffer goes on for SIMDJSON_PADDING
/// bytes after it, so it is parsed in place.
static int feedEvent(rulec_engine *engine, const char *json, size_t len, bool padded) {
  try {
    const uint64_t invalid = engine->scanner->stats().invalid;
    engine->scanner->feed(std::string_view(json, len), "event", ++engine->lineNo, padded);
    engine->diag.str({});
    return engine->scanner->stats().invalid == invalid ? RULEC_OK : RULEC_ERR_EVENT;
  } catch (...) {
    return RULEC_ERR_INTERNAL;
  }
}

int rulec_engine_feed(rulec_engine *engine, const char *json, size_t len) {
  if (!engine || (!json && len))
    return RULEC_ERR_ARGUMENT;
  return feedEvent(engine, json, len, false);
}

int rulec_engine_feed_lines(rulec_engine *engine, const char *buffer, size_t len) {
  if (!engine || (!buffer && len))
    return RULEC_ERR_ARGUMENT;
  int status = RULEC_OK;
  size_t start = 0;
  while (start < len) {
    const void *nl = std::memchr(buffer + start, '\n', len - start);
    const size_t end = nl ? static_cast<size_t>(static_cast<const char *>(nl) - buffer) : len;
    const int r = feedEvent(engine, buffer + start, end - start, len - end >= simdjson::SIMDJSON_PADDING);
    if (r == RULEC_ERR_INTERNAL)
      return r;
    if (r != RULEC_OK)
      status = r;
    start = end + 1;
  }
  return status;
}

void rulec_engine_flush(rulec_engine *engine) {
  if (!engine)
    return;
  try {
    engine->scanner->finish();
  } catch (...) {
  }
}

int rulec_engine_next(rulec_engine *engine, int *kind, const char **json, size_t *len) {
  if (!engine || engine->queue.empty())
    return 0;
  engine->current = std::move(engine->queue.front());
  engine->queue.pop_front();
  if (kind)
    *kind = engine->current.first;
  if (json)
    *json = engine->current.second.data();
  if (len)
    *len = engine->current.second.size();
  return 1;
}

void rulec_engine_stats(const rulec_engine *engine, rulec_stats *out) {
  if (!engine || !out)
    return;
  const ScanStats &s = engine->scanner->stats();
  *out = {s.events, s.invalid, s.matches, s.alerts, s.rows, s.correlations};
}

void rulec_engine_free(rulec_engine *engine) { delete engine; }

} // extern "C"
