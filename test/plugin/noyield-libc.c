// RUN: %weft_verify %s
// A noyield function that only calls the C library stays clean: library
// functions without bodies and without annotations are taken not to yield.
#include <weft.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// expected-no-diagnostics

struct entry {
  char name[32];
  long hits;
  struct timespec last;
};

static struct entry entries[16];

static int by_hits(const void *a, const void *b) {
  const struct entry *x = a, *y = b;
  return (x->hits < y->hits) - (x->hits > y->hits);
}

noyield struct entry *entry_touch(const char *name) {
  for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++) {
    struct entry *e = &entries[i];
    if (e->name[0] == '\0')
      snprintf(e->name, sizeof e->name, "%s", name);
    if (strcmp(e->name, name) == 0) {
      e->hits++;
      clock_gettime(CLOCK_MONOTONIC, &e->last);
      return e;
    }
  }
  return NULL;
}

noyield void entries_sort(void) {
  qsort(entries, sizeof entries / sizeof entries[0], sizeof entries[0], by_hits);
}

noyield char *entry_describe(const struct entry *e) {
  char *s = malloc(64);
  if (s != NULL)
    snprintf(s, 64, "%s: %ld", e->name, e->hits);
  fprintf(stderr, "described %s\n", e->name);
  return s;
}
