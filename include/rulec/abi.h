/*===- rulec/abi.h - The contract between generated code and the runtime -===*
 *
 * Every rule pack compiles to one native function:
 *
 *   uint32_t rulec_pack_eval(const rulec_value *slots, uint32_t log_type,
 *                            uint32_t *matched_rules, rulec_context *ctx);
 *
 * - `slots` holds one rulec_value per field the pack reads (the pack's field
 *   table; slot numbers are the `$N` of `rulec check --emit=ir`). The runtime
 *   fills it from one event before the call; a field the event lacks is
 *   RULEC_MISSING. Strings point into the runtime's parsed event and are not
 *   NUL-terminated.
 * - The runtime keeps its own bookkeeping in `reserved`; the code ignores it.
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
 * - `ctx` is the runtime's evaluation context, opaque to the code: the code
 *   passes it to the helpers that need the query's "now", the sets built by
 *   KQL let-tables, compiled regular expressions, or scratch memory for
 *   computed strings. One context serves one thread.
 *
 * The function first calls rulec_rt_scan, which matches the pack's literal
 * sets against the event and names the rules that may match; only those run.
 *
 * A second entry point picks a rule's dynamic severity:
 *
 *   int32_t rulec_pack_severity(const rulec_value *slots, uint32_t rule,
 *                               rulec_context *ctx);
 *
 * returns the index of the first of the rule's DynamicSeverities whose
 * conditions hold for the event, or -1 (the rule's own Severity). A third
 * computes a KQL rule's computed result column:
 *
 *   void rulec_pack_column(const rulec_value *slots, uint32_t rule,
 *                          uint32_t column, rulec_value *out, rulec_context *ctx);
 *
 * The generated code calls only the rulec_rt_* functions declared below and
 * memcmp; it keeps no state between calls, so one compiled pack may be called
 * from many threads at once, each with its own context.
 *===----------------------------------------------------------------------===*/
#ifndef RULEC_ABI_H
#define RULEC_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Bumped whenever the layout below or the eval signature changes. */
#define RULEC_ABI_VERSION 8u

/** The runtime's per-thread evaluation context (runtime/EvalContext.h). */
typedef struct rulec_context rulec_context;

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
  RULEC_OBJECT = 7,  /**< len members */
  RULEC_JSON = 8,    /**< a computed Kusto dynamic array or object: payload.s, its JSON text of len bytes */
  RULEC_DATETIME = 9, /**< a computed Kusto datetime: payload.i, nanoseconds since the Unix epoch (UTC) */
  RULEC_TIMESPAN = 10 /**< a computed Kusto timespan: payload.i, nanoseconds */
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
                                       uint32_t *matched_rules, rulec_context *ctx);
typedef int32_t (*rulec_pack_severity_fn)(const rulec_value *slots, uint32_t rule,
                                          rulec_context *ctx);
typedef void (*rulec_pack_column_fn)(const rulec_value *slots, uint32_t rule, uint32_t column,
                                     rulec_value *out, rulec_context *ctx);
/** One rule of the pack: non-zero when it matches the event (its needles
 *  are rulec_rt_scan's). rulec_pack_eval calls the candidates through the
 *  table RULEC_PACK_RULES_SYMBOL exports (one entry per rule); a runtime
 *  that times each rule (`rulec run --profile-rules`) calls them itself. */
typedef uint8_t (*rulec_pack_rule_fn)(const rulec_value *slots, rulec_context *ctx, const uint64_t *needles);
#define RULEC_PACK_RULES_SYMBOL "rulec_pack_rules"

/** What an ahead-of-time compiled pack (`rulec compile -o pack.so`) exports
 *  under the symbol RULEC_PACK_MANIFEST_SYMBOL: its ABI version (checked
 *  before anything else is read), its metadata (the runtime's PackInfo,
 *  serialized as runtime/packs/PackSerialization.h says), a BLAKE3 hash of its sources,
 *  and its entry points. */
#define RULEC_PACK_MANIFEST_SYMBOL "rulec_pack_manifest"
typedef struct rulec_pack_manifest {
  uint32_t abi_version; /**< RULEC_ABI_VERSION of the compiler that built it */
  uint32_t info_size;
  const uint8_t *info;
  const char *source_hash; /**< 64 hex digits, NUL-terminated */
  rulec_pack_eval_fn eval;
  rulec_pack_severity_fn severity;
  rulec_pack_column_fn column;
  const rulec_pack_rule_fn *rules; /**< one per rule of the metadata */
} rulec_pack_manifest;

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

/** Sigma rules on list fields. A Sigma value test on a field that holds a
 *  list holds when it holds for some element. A rule's code tests scalars
 *  inline; when one of its fields holds a list (rare) it hands its whole
 *  predicate, as a postfix program, to rulec_rt_sigma_rule instead, which
 *  keeps the code of every leaf free of list handling. Instructions: */
enum rulec_sigma_op {
  RULEC_SIGMA_CONST = 0, /**< push `arg` (0 or 1) */
  RULEC_SIGMA_NOT,       /**< pop one, push its negation */
  RULEC_SIGMA_AND,       /**< pop `arg` values, push whether all hold */
  RULEC_SIGMA_OR,        /**< pop `arg` values, push whether any holds */
  RULEC_SIGMA_EXISTS,    /**< push whether `slot` is present (null counts) */
  RULEC_SIGMA_IS_NULL,   /**< push whether `slot` is missing or null */
  RULEC_SIGMA_TEST,      /**< push `slot` `arg` `constant`; `arg` is an rulec_compare, or
                              RULEC_SIGMA_REGEX (constant.i: the regex) or
                              RULEC_SIGMA_IN_NETWORK (constant: the network's text);
                              `elementwise`: a list passes when some element does */
  RULEC_SIGMA_FIELDS,    /**< push `slot` `elementwise` (an rulec_compare) slot `arg` */
  RULEC_SIGMA_KEYWORD,   /**< push rulec_rt_keyword(ctx, arg) */
  RULEC_SIGMA_KEYWORD_CONTAINS /**< push rulec_rt_keyword_contains(ctx, arg) */
};
#define RULEC_SIGMA_REGEX 100u
#define RULEC_SIGMA_IN_NETWORK 101u
/** An instruction and its constant. A program holds no pointers, so that
 *  its bytes need no relocation (JIT link and pack load): a string
 *  constant's bytes follow the instructions, `constant.offset` bytes from
 *  the program's start. */
typedef struct rulec_sigma_insn {
  uint32_t op;
  uint32_t slot;
  uint32_t arg;
  uint32_t elementwise;
  uint8_t kind; /**< the constant's rulec_kind */
  uint8_t reserved[3];
  uint32_t len; /**< a string constant's length */
  union {
    int64_t i;
    double d;
    uint64_t offset;
  } constant;
} rulec_sigma_insn;
/** Runs a rule's program of `n` instructions on the event's slots; the
 *  fields with element-wise tests have element tables of width 1. */
int rulec_rt_sigma_rule(rulec_context *ctx, const rulec_value *slots, const rulec_sigma_insn *program, uint32_t n);

/** Kusto term matching (`has` and its family): `needle` must occur in `s`
 *  starting (and, unless RULEC_HAS_PREFIX, ending) on a term boundary
 *  wherever its own end is alphanumeric; RULEC_HAS_SUFFIX relaxes the start.
 *  Terms are maximal runs of ASCII letters and digits. Without RULEC_HAS_CS,
 *  `needle` is lower case and `s` is compared ignoring ASCII case. */
#define RULEC_HAS_CS 1u
#define RULEC_HAS_PREFIX 2u
#define RULEC_HAS_SUFFIX 4u
int rulec_rt_has(const char *s, uint32_t n, const char *needle, uint32_t needle_n, uint32_t mode);

/** The query's "now" (ns since the Unix epoch) for ago() and now(). */
int64_t rulec_rt_now(const rulec_context *ctx);
/** A field value as a Kusto datetime (ns since the Unix epoch): a string in
 *  ISO 8601 / RFC 3339 form; INT64_MIN when it is not one. */
int64_t rulec_rt_datetime(const rulec_value *v);

/** Membership of a string in the set `set` that a KQL let-table builds:
 *  RULEC_SET_EQ (==), RULEC_SET_EQ_FOLD (in~), RULEC_SET_HAS_ANY (has_any:
 *  some member is a term of `s`). */
#define RULEC_SET_EQ 0u
#define RULEC_SET_EQ_FOLD 1u
#define RULEC_SET_HAS_ANY 2u
int rulec_rt_set_match(rulec_context *ctx, uint32_t set, const char *s, uint32_t n, uint32_t mode);

/** What rulec_rt_scan found in one event, valid until the next event. */
typedef struct rulec_event_scan {
  /** The rules of the event's log type that may match it, ascending,
   *  ended by RULEC_NO_RULE: those without a prefilter requirement, and those
   *  one of whose required needles occurred (or whose needle's field holds a
   *  list: lists match by element). */
  const uint32_t *candidates;
  /** Bit b (word b / 64, bit b % 64): needle b of the pack's literal sets
   *  occurs in its field (needle i of set s is bit base(s) + i, the sets'
   *  needles numbered in order). */
  const uint64_t *needles;
} rulec_event_scan;
#define RULEC_NO_RULE 0xffffffffu

/** Matches the event's literal sets (one pass over each field they test)
 *  and runs the prefilter: rulec_pack_eval calls it first, then only the
 *  candidate rules, which test needle bits instead of strings. */
const rulec_event_scan *rulec_rt_scan(rulec_context *ctx, const rulec_value *slots, uint32_t log_type);

/** `s matches regex` the pack's regular expression number `regex` (RE2). */
int rulec_rt_regex_match(rulec_context *ctx, uint32_t regex, const char *s, uint32_t n);
/** Sigma keywords: whether any value of the current event (a string, or a
 *  number or boolean as the event writes it) matches regular expression
 *  `regex`. */
int rulec_rt_keyword(rulec_context *ctx, uint32_t regex);

/** Sigma keywords of the pack's event-text literal set (needle `keyword`):
 *  whether some value of the event holds it, ignoring ASCII case (exact),
 *  and whether it may (the keyword scan's answer, which may say yes for a
 *  keyword no value holds, never no for one a value holds). The event's
 *  keywords are scanned once, at the first question or in rulec_rt_scan. */
int rulec_rt_keyword_contains(rulec_context *ctx, uint32_t keyword);
int rulec_rt_keyword_may_occur(rulec_context *ctx, uint32_t keyword);

/** Computed values (KQL scalar functions): `out` gets function `fn` of the
 *  `argc` values `args`, where `fn` indexes the pack's function table (the
 *  names in its manifest, resolved when the pack is loaded:
 *  runtime/functions/FunctionLibrary.h). Strings it makes live in the
 *  context's scratch memory, valid for this event. Kusto's semantics
 *  (docs/kql.md); a result that is not defined (toint("x"), a bad argument)
 *  is null. */
void rulec_rt_call(rulec_context *ctx, uint32_t fn, uint32_t argc, const rulec_value *const *args,
                   rulec_value *out);

#ifdef __cplusplus
}
#endif

#endif /* RULEC_ABI_H */
