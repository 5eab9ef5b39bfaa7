/*===- rulec/abi.h - The contract between generated code and the runtime -===*
 *
 * Every rule pack compiles to one native function:
 *
 *   uint32_t rulec_pack_eval(const rulec_value *slots, uint32_t log_type,
 *                            uint32_t *matched_rules);
 *
 * - `slots` holds one rulec_value per field the pack reads (the pack's field
 *   table; slot numbers are the `$N` of `rulec check --emit=ir`). The runtime
 *   fills it from one event before the call; a field the event lacks is
 *   RULEC_MISSING. Strings point into the runtime's parsed event and are not
 *   NUL-terminated.
 * - `log_type` is the index of the event's log type in the pack's log-type
 *   table, or RULEC_NO_LOG_TYPE; only rules of that log type run.
 * - `matched_rules` receives the index of every rule that matched, in rule
 *   order; it has room for every rule in the pack. The return value is the
 *   count written.
 *
 * The generated code calls only the rulec_rt_* functions declared below and
 * memcmp; it keeps no state between calls, so one compiled pack may be called
 * from many threads at once.
 *===----------------------------------------------------------------------===*/
#ifndef RULEC_ABI_H
#define RULEC_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Bumped whenever the layout below or the eval signature changes. */
#define RULEC_ABI_VERSION 1u

#define RULEC_NO_LOG_TYPE 0xffffffffu

/** What a slot holds. The numbering is part of the ABI. */
enum rulec_kind {
  RULEC_MISSING = 0, /**< the event has no such field */
  RULEC_NULL = 1,    /**< JSON null */
  RULEC_BOOL = 2,    /**< payload.i is 0 or 1 */
  RULEC_INT = 3,     /**< payload.i */
  RULEC_DOUBLE = 4,  /**< payload.d */
  RULEC_STRING = 5,  /**< payload.s, len bytes of UTF-8 */
  RULEC_ARRAY = 6,   /**< len elements; contents not exposed yet */
  RULEC_OBJECT = 7   /**< len members; contents not exposed yet */
};

/** One field value of one event: 16 bytes, laid out as LLVM's
 *  { i8, [3 x i8], i32, i64 }. */
typedef struct rulec_value {
  uint8_t kind;
  uint8_t reserved[3];
  uint32_t len;
  union {
    int64_t i;
    double d;
    const char *s;
  } payload;
} rulec_value;

typedef uint32_t (*rulec_pack_eval_fn)(const rulec_value *slots, uint32_t log_type,
                                       uint32_t *matched_rules);

/** ASCII case-insensitive equality; `lower` is already lower case. */
int rulec_rt_ieq(const char *s, uint32_t n, const char *lower, uint32_t lower_n);

#ifdef __cplusplus
}
#endif

#endif /* RULEC_ABI_H */
