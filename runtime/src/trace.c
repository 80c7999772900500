/* trace.c: async backtraces: the call sites a failure passes through, kept per fiber and for weft_run's caller.
 * Covered by test/runtime/trace.c (five binds deep, branches, catch, WEFT_TRACE) and test/gdb/ for the sites. */
#include "internal.h"

#include <stdarg.h>

/* GDB loads the extension named here for any program linked with libweft,
 * statically too (a file entry of .debug_gdb_scripts; see docs/debugging.md).
 * This file is linked whenever weft_run is, so the entry always comes along. */
#if defined(__ELF__) && defined(WEFT_GDB_SCRIPT)
__asm__(".pushsection \".debug_gdb_scripts\", \"MS\",@progbits,1\n"
        ".byte 1\n"
        ".asciz \"" WEFT_GDB_SCRIPT "\"\n"
        ".popsection\n");
#endif

/* A fiber's trace is allocated at its first failure and reused after; most
 * fibers never fail, and then pay nothing for it (it hangs off the fiber's
 * links block, made on first use too). */
void weft__trace_start(struct weft__fiber *f) {
  struct weft__fiber_links *l = weft__fiber_links(f);
  if (l->trace == NULL) {
    l->trace = malloc(sizeof *l->trace);
    if (l->trace == NULL) abort();
  }
  l->trace->len = 0;
  l->trace->dropped = 0;
  f->tracing = true;
}

void weft__trace_add(struct weft__fiber *f, const struct weft_site *site, unsigned char kind) {
  struct weft__trace *t = weft__fiber_trace(f);
  if (site == NULL || t == NULL) return; /* a program built with WEFT_NO_SITES */
  if (t->len < WEFT_TRACE_MAX) {
    t->at[t->len].site = site;
    t->at[t->len].kind = kind;
    t->len++;
  } else {
    t->dropped++;
  }
}

/* snprintf into what is left of buf, counting what would not fit too. */
static size_t append(char *buf, size_t size, size_t used, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(used < size ? buf + used : NULL, used < size ? size - used : 0, fmt, ap);
  va_end(ap);
  return used + (n > 0 ? (size_t)n : 0);
}

static size_t format(const struct weft__trace *t, char *buf, size_t size) {
  size_t used = 0;
  if (size > 0) buf[0] = '\0';
  if (t == NULL) return 0;
  for (size_t i = 0; i < t->len; i++) {
    const struct weft_site *s = t->at[i].site;
    struct weft__node kind = {.kind = t->at[i].kind};
    used = append(buf, size, used, "  #%zu %s in %s (%s:%d)\n", i, weft__node_name(&kind), s->func, s->file,
                  s->line);
  }
  if (t->dropped) used = append(buf, size, used, "  ... %zu more\n", t->dropped);
  return used;
}

/* The report of a failed spawned fiber ends with its trace when the
 * environment asks for it (read at each report: failures are rare). */
void weft__trace_print(const struct weft__trace *t) {
  const char *on = getenv("WEFT_TRACE");
  if (on == NULL || on[0] == '\0' || strcmp(on, "0") == 0 || t == NULL) return;
  char small[1024];
  size_t need = format(t, small, sizeof small);
  if (need < sizeof small) {
    fputs(small, stderr);
    return;
  }
  char *big = malloc(need + 1);
  if (big == NULL) return;
  format(t, big, need + 1);
  fputs(big, stderr);
  free(big);
}

/* weft_run hands its root fiber's trace to the thread, for its caller. */
void weft__trace_keep(struct weft__fiber *root, int rc) {
  struct weft__loop *L = &weft__loop;
  free(L->failure);
  L->failure = NULL;
  if (rc != 0 && root->tracing) {
    L->failure = weft__fiber_trace(root);
    if (root->links != NULL) root->links->trace = NULL;
  }
}

void weft__trace_forget(void) {
  free(weft__loop.failure);
  weft__loop.failure = NULL;
}

const struct weft_site *weft_failure_site(size_t i) {
  const struct weft__trace *t = weft__loop.failure;
  return t != NULL && i < t->len ? t->at[i].site : NULL;
}

size_t weft_failure_trace(char *buf, size_t size) {
  return format(weft__loop.failure, buf, size);
}
