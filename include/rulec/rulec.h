/*===- rulec/rulec.h - The embedding API: rulec inside a host program -----===*
 *
 * Two objects:
 *  - a pack: compiled rules. Open one that `rulec compile -o pack.so` wrote
 *    (rulec_pack_open: a dlopen, milliseconds), or compile rule files at run
 *    time with the JIT (rulec_pack_compile). A pack is read-only: any number
 *    of engines, on any threads, may share it.
 *  - an engine: the state of one event stream over a pack — thresholds,
 *    dedup windows, correlations, KQL sets and aggregations. Feed it JSON
 *    events; it emits alerts, result rows and correlation alerts as JSON
 *    lines (the output of `rulec run`, docs/runtime.md) to a callback, or
 *    queues them for rulec_engine_next. One engine is used by one thread at a
 *    time; use one engine per thread.
 *
 * Errors are values: a function that can fail returns RULEC_OK or an error
 * code, and when `error` is not NULL stores a message there, which the
 * caller frees with rulec_free. No call throws or exits.
 *
 * Link with -lrulec (pkg-config rulec, or CMake find_package(rulec) and the
 * target rulec::rulec).
 *===----------------------------------------------------------------------===*/
#ifndef RULEC_RULEC_H
#define RULEC_RULEC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rulec_pack rulec_pack;
typedef struct rulec_engine rulec_engine;

enum rulec_status {
  RULEC_OK = 0,
  RULEC_ERR_ARGUMENT = 1, /**< a NULL or otherwise unusable argument */
  RULEC_ERR_PACK = 2,     /**< a pack could not be opened (missing, not a pack, other ABI) */
  RULEC_ERR_RULES = 3,    /**< no rule compiled (the message holds the diagnostics) */
  RULEC_ERR_EVENT = 4,    /**< an event was not a JSON object; it is counted, the engine goes on */
  RULEC_ERR_INTERNAL = 5
};

/** What an output line is. */
enum rulec_output_kind {
  RULEC_OUTPUT_ALERT = 0,      /**< a Panther alert (threshold and dedup windows) */
  RULEC_OUTPUT_ROW = 1,        /**< a KQL result row or a Sigma match */
  RULEC_OUTPUT_CORRELATION = 2, /**< a Sigma correlation alert */
  RULEC_OUTPUT_SCHEDULED_ALERT = 3 /**< a scheduled Sentinel rule's alert (its runs replayed on event time) */
};

/** The library's version, e.g. "0.1.0", and the pack ABI it reads. */
const char *rulec_version(void);
uint32_t rulec_abi_version(void);

/** Frees a message or buffer this library returned. */
void rulec_free(void *p);

/* --- packs ------------------------------------------------------------- */

/** Opens an ahead-of-time pack (a shared object from `rulec compile`). */
int rulec_pack_open(const char *path, rulec_pack **out, char **error);

/** Compiles rule files or folders (Panther, Sigma, Sentinel/KQL) with the
 *  JIT. `sigma_config` is a Sigma configuration file, or NULL for the
 *  built-in one. Rules with errors are left out, as `rulec run` does; their
 *  diagnostics go to `*diagnostics` (when not NULL) even on success. Fails
 *  only when no rule compiled. */
int rulec_pack_compile(const char *const *paths, size_t n_paths, const char *sigma_config, rulec_pack **out,
                       char **diagnostics);

/** The number of rules in the pack as compiled (a KQL query with a let-table
 *  or a summarize is several; correlations are not counted). */
size_t rulec_pack_rule_count(const rulec_pack *pack);

/** Closes a pack. Every engine made from it must be freed first. */
void rulec_pack_close(rulec_pack *pack);

/* --- engines ----------------------------------------------------------- */

typedef struct rulec_engine_options {
  const char *default_log_type; /**< for events without p_log_type / Type; NULL: none */
  const char *time_field;       /**< dotted path of the event time; NULL: per log type */
  int64_t now_ns;               /**< the queries' now(), ns since the epoch; 0: the clock */
} rulec_engine_options;

/** Receives each output line (JSON, not NUL-terminated, valid during the
 *  call). */
typedef void (*rulec_output_fn)(void *user, int kind, const char *json, size_t len);

/** A new engine over `pack`. With `output` NULL, outputs queue until
 *  rulec_engine_next takes them. `options` may be NULL. KQL let-table sets
 *  fill as events arrive (an engine is a stream). */
int rulec_engine_new(const rulec_pack *pack, const rulec_engine_options *options, rulec_output_fn output, void *user,
                     rulec_engine **out, char **error);

/** Feeds one JSON document. RULEC_ERR_EVENT (counted) when it is not a JSON
 *  object. */
int rulec_engine_feed(rulec_engine *engine, const char *json, size_t len);

/** Feeds a buffer of newline-delimited JSON (a last line without a newline
 *  counts too). Invalid lines are counted and skipped; returns RULEC_OK, or
 *  RULEC_ERR_EVENT when any line was invalid. */
int rulec_engine_feed_lines(rulec_engine *engine, const char *buffer, size_t len);

/** End of input: closes every open window (emitting what they hold). */
void rulec_engine_flush(rulec_engine *engine);

/** Pull API: takes the next queued output. Returns 1 and sets kind, json and
 *  len (valid until the next call on this engine), or 0 when none is queued. */
int rulec_engine_next(rulec_engine *engine, int *kind, const char **json, size_t *len);

typedef struct rulec_stats {
  uint64_t events;       /**< JSON objects read */
  uint64_t invalid;      /**< documents that were not JSON objects */
  uint64_t matches;      /**< rule matches */
  uint64_t alerts;       /**< Panther alerts emitted */
  uint64_t rows;         /**< KQL rows and Sigma matches emitted */
  uint64_t correlations; /**< correlation alerts emitted */
} rulec_stats;

void rulec_engine_stats(const rulec_engine *engine, rulec_stats *out);

void rulec_engine_free(rulec_engine *engine);

#ifdef __cplusplus
}
#endif

#endif /* RULEC_RULEC_H */
