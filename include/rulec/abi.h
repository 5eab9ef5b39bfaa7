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
 * - A field the pack iterates over (`any $N { ... }` in the IR) has an element
 *   table of K sub-fields. When such a field holds an array of `len` elements,
 *   `payload.elems` points to len * K values: K values per element, each
 *   sub-field read relative to that element, laid out element after element.
 *   Fields without an element table leave `payload.elems` null.
 * - `log_type` is the index of the event's log type in the pack's log-type
 *   table, or RULEC_NO_LOG_TYPE; only rules of that log type run.
 * - `matched_rules` receives the index of every rule that matched, in rule
 *   order; it has room for every rule in the pack. The return value is the
 *   count written.
 *
 * A second entry point picks a rule's dynamic severity:
 *
 *   int32_t rulec_pack_severity(const rulec_value *slots, uint32_t rule);
 *
 * returns the index of the first of the rule's DynamicSeverities whose
 * conditions hold for the event, or -1 (the rule's own Severity).
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
  RULEC_ARRAY = 6,   /**< len elements; payload.elems when the field has an element table */
  RULEC_OBJECT = 7   /**< len members */
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
    const struct rulec_value *elems;
  } payload;
} rulec_value;

typedef uint32_t (*rulec_pack_eval_fn)(const rulec_value *slots, uint32_t log_type,
                                       uint32_t *matched_rules);
typedef int32_t (*rulec_pack_severity_fn)(const rulec_value *slots, uint32_t rule);

/* Helpers the generated code may call. Strings are (pointer, length) pairs;
 * needles given as `lower` are already ASCII lower case. */

/** ASCII case-insensitive equality. */
int rulec_rt_ieq(const char *s, uint32_t n, const char *lower, uint32_t lower_n);
/** Substring search (`needle in s`); an empty needle is found. */
int rulec_rt_contains(const char *s, uint32_t n, const char *needle, uint32_t needle_n);
/** Substring search ignoring ASCII case. */
int rulec_rt_icontains(const char *s, uint32_t n, const char *lower, uint32_t lower_n);

/** Classes of an IP address string (RULEC_IP_* bits), 0 if it is not one. */
#define RULEC_IP_V4 1u
#define RULEC_IP_V6 2u
#define RULEC_IP_PRIVATE 4u /**< Python ipaddress is_private */
#define RULEC_IP_GLOBAL 8u  /**< Python ipaddress is_global */
uint32_t rulec_rt_ip_class(const char *s, uint32_t n);
/** Whether the IP address string `s` lies in the network `net`/`prefix` of IP
 *  `version` (4 or 6; `net` holds 4 or 16 bytes). Versions never mix, as in
 *  Python's ipaddress. */
int rulec_rt_ip_in_net(const char *s, uint32_t n, const uint8_t *net, uint32_t prefix,
                       uint32_t version);
/** Whether the network string `s` (CIDR, or a bare address) contains the
 *  address `ip` of IP `version`. */
int rulec_rt_net_contains_ip(const char *s, uint32_t n, const uint8_t *ip, uint32_t version);

/** Comparisons of two field values (key-to-key conditions). */
enum rulec_compare {
  RULEC_CMP_EQ = 0,      /**< Python ==; missing, lists and objects never equal */
  RULEC_CMP_IEQ,         /**< strings equal ignoring ASCII case */
  RULEC_CMP_CONTAINS,    /**< string a contains string b */
  RULEC_CMP_ICONTAINS,
  RULEC_CMP_STARTSWITH,
  RULEC_CMP_ISTARTSWITH,
  RULEC_CMP_ENDSWITH,
  RULEC_CMP_IENDSWITH,
  RULEC_CMP_LT,          /**< numbers (int, float, bool) only, as Python orders them */
  RULEC_CMP_LE,
  RULEC_CMP_GT,
  RULEC_CMP_GE
};
int rulec_rt_compare_fields(const rulec_value *a, const rulec_value *b, uint32_t op);

#ifdef __cplusplus
}
#endif

#endif /* RULEC_ABI_H */
