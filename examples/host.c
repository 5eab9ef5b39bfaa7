/* host.c - a log pipeline stage that embeds rulec through its C API only.
 *
 *   host PACK.so EVENTS.jsonl [LOG_TYPE [NOW]]     an ahead-of-time pack
 *   host --rules DIR EVENTS.jsonl [LOG_TYPE [NOW]]  rules compiled at start (JIT)
 *
 * Reads the events in 64 KiB chunks, feeds whole lines to an engine, prints
 * every output line on stdout and the counts on stderr. Built against the
 * installed header and library (pkg-config rulec, or CMake find_package). */
#include <rulec/rulec.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_output(void *user, int kind, const char *json, size_t len) {
  (void)kind;
  unsigned long *count = user;
  ++*count;
  fwrite(json, 1, len, stdout);
  fputc('\n', stdout);
}

/* 2024-06-01T00:00:00Z as ns, for a NOW argument of that form only. */
static int64_t parse_now(const char *text) {
  int y, mo, d, h, mi, s;
  if (sscanf(text, "%d-%d-%dT%d:%d:%dZ", &y, &mo, &d, &h, &mi, &s) != 6)
    return 0;
  /* days from civil (Howard Hinnant's algorithm) */
  y -= mo <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
  return ((days * 24 + h) * 60 + mi) * 60 * 1000000000LL + s * 1000000000LL;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: host PACK.so|--rules DIR EVENTS.jsonl [LOG_TYPE [NOW]]\n");
    return 2;
  }
  const int jit = strcmp(argv[1], "--rules") == 0;
  const int arg = jit ? 2 : 1;
  if (argc < arg + 2) {
    fprintf(stderr, "usage: host PACK.so|--rules DIR EVENTS.jsonl [LOG_TYPE [NOW]]\n");
    return 2;
  }
  rulec_pack *pack = NULL;
  char *message = NULL;
  int status = jit ? rulec_pack_compile((const char *const *)&argv[arg], 1, NULL, &pack, &message)
                   : rulec_pack_open(argv[arg], &pack, &message);
  if (message)
    fprintf(stderr, "%s", message);
  rulec_free(message);
  if (status != RULEC_OK)
    return 1;

  rulec_engine_options options = {0};
  options.default_log_type = argc > arg + 2 ? argv[arg + 2] : NULL;
  options.now_ns = argc > arg + 3 ? parse_now(argv[arg + 3]) : 0;
  unsigned long outputs = 0;
  rulec_engine *engine = NULL;
  if (rulec_engine_new(pack, &options, print_output, &outputs, &engine, &message) != RULEC_OK) {
    fprintf(stderr, "host: %s\n", message);
    rulec_free(message);
    rulec_pack_close(pack);
    return 1;
  }

  FILE *in = fopen(argv[arg + 1], "rb");
  if (!in) {
    perror(argv[arg + 1]);
    return 2;
  }
  /* Feed complete lines; keep a partial last line for the next chunk. */
  static char buffer[1 << 16];
  size_t held = 0;
  for (;;) {
    const size_t got = fread(buffer + held, 1, sizeof buffer - held, in);
    const size_t have = held + got;
    size_t end = have;
    while (end > 0 && buffer[end - 1] != '\n')
      --end;
    if (got == 0 || end == 0)
      end = have; /* end of file, or one line longer than the buffer */
    rulec_engine_feed_lines(engine, buffer, end);
    held = have - end;
    memmove(buffer, buffer + end, held);
    if (got == 0)
      break;
  }
  fclose(in);
  rulec_engine_flush(engine);

  rulec_stats stats;
  rulec_engine_stats(engine, &stats);
  fprintf(stderr, "host: %llu events, %llu invalid, %llu matches, %lu outputs\n",
          (unsigned long long)stats.events, (unsigned long long)stats.invalid,
          (unsigned long long)stats.matches, outputs);
  rulec_engine_free(engine);
  rulec_pack_close(pack);
  return 0;
}
