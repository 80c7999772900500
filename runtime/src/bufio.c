/* bufio.c: buffered channels over an fd (Lwt_io's input and output channels): weft_reader_t's lines, exact and
 * delimited reads and peeks, weft_writer_t's buffered writes, flush and close.  Covered by test/runtime/bufio_*.c,
 * memory_bufio_lines.c and, through examples/http_hello.c, test/examples/http_hello*.py. */
#include "internal.h"

#include <errno.h>

/* The usual size of a buffer when the program says 0: Lwt_io's default. */
#define DEFAULT_CAPACITY 4096
#define WRITER_FIRST_SIZE 256 /* a writer's first buffer, doubled up to its capacity */

/* How many IO calls one attempt makes before the fiber lets the others run:
 * a peer that always has data must not starve them (fiber.c's budget counts
 * operations, and one read_exactly may take many calls). */
#define CALLS_PER_TURN 16

/* ---- one operation at a time per channel ------------------------------ */

/* Operations on one channel are served one at a time, in the order they
 * began (Lwt_io takes a channel's lock around each).  An operation that
 * completes from the buffer needs no turn; one that does IO holds the turn
 * until it completes, and the next waits in the channel's FIFO.  The phase of
 * the op node says where it is:
 *   NEW      not started (or done: it holds nothing);
 *   WAITING  queued for the turn (wait_prev/wait_next);
 *   GIVEN    handed the turn by the operation before it, not yet run;
 *   AGAIN    started, holding the turn (its IO waits, or it yielded). */
struct turn {
  struct weft__node *holder;
  struct weft__waitq waiting;
};

/* The holder is done: the first waiter gets the turn. */
static WEFT_BOUNDARY void turn_pass(struct turn *t) {
  struct weft__fiber *g = t->waiting.head;
  t->holder = NULL;
  if (g == NULL) return;
  weft__waitq_remove(&t->waiting, g);
  t->holder = g->op;
  g->op->ev_phase = WEFT__EV_GIVEN;
  weft__fiber_enqueue(g);
}

/* Whether op may run now; if not, f is queued for its turn. */
static bool turn_enter(struct turn *t, struct weft__fiber *f, struct weft__node *op) {
  if (op->ev_phase != WEFT__EV_NEW) return true; /* GIVEN or AGAIN: it holds the turn */
  if (t->holder == NULL && t->waiting.head == NULL) return true;
  weft__waitq_push(&t->waiting, f);
  op->ev_phase = WEFT__EV_WAITING;
  f->state = WEFT__FS_WAIT_EVENT;
  return false;
}

/* op is about to do IO: it holds the turn until it completes. */
static void turn_take(struct turn *t, struct weft__node *op) {
  t->holder = op;
  op->ev_phase = WEFT__EV_AGAIN;
}

/* op completed (or failed): its places in the fd's queue and the channel's go. */
static void turn_end(struct turn *t, struct weft__fiber *f, struct weft__node *op) {
  if (op->ev_phase == WEFT__EV_NEW) return; /* served from the buffer: it held nothing */
  weft__io_leave(f);
  if (t->holder == op) turn_pass(t);
  op->ev_phase = WEFT__EV_NEW;
}

/* Cancelled (or freed) while queued or holding the turn.  Its fd queue place
 * is released by the fiber layer (weft__io_abandon) right after. */
static void turn_cancel(struct turn *t, struct weft__fiber *f, struct weft__node *op) {
  if (op->ev_phase == WEFT__EV_WAITING) weft__waitq_remove(&t->waiting, f);
  else if (op->ev_phase != WEFT__EV_NEW && t->holder == op) turn_pass(t);
}

/* An op released while it held the turn without being cancelled: its fd was
 * closed by weft_close, which failed it in place (io.c's fd_forget). */
static void turn_released(struct turn *t, struct weft__node *op) {
  if ((op->ev_phase == WEFT__EV_GIVEN || op->ev_phase == WEFT__EV_AGAIN) && t->holder == op) turn_pass(t);
}

static WEFT_BOUNDARY void turn_check_free(const struct turn *t, const char *what) {
  if (t->holder != NULL || t->waiting.head != NULL)
    weft__misuse("%s was called while a fiber uses it: free it once no operation on it runs "
                 "(after weft_run returns, or once its operations are done)", what);
}

static WEFT_BOUNDARY struct weft__node *op_node(const struct weft__event_ops *ops, void *obj, uintptr_t value) {
  if (obj == NULL) weft__misuse("%s was given a NULL channel", ops->name);
  struct weft__node *n = weft__node_new(WEFT__K_EVENT);
  n->u.ev.ops = ops;
  n->u.ev.obj = obj;
  n->u.ev.value = value;
  return n;
}

static size_t add_sat(size_t a, size_t b) {
  return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

static size_t max_size(size_t a, size_t b) {
  return a > b ? a : b;
}

/* ---- the reader ------------------------------------------------------- */

struct weft_reader {
  struct turn turn;
  int fd;
  size_t capacity;   /* the buffer's usual size */
  char *buf;         /* size + 1 bytes (room for a NUL after the last byte), or NULL */
  size_t size;
  size_t start, end; /* the bytes not consumed yet: buf[start, end) */
  size_t scanned;    /* bytes from start the running operation knows hold no match */
  bool saved;        /* buf[saved_at] holds a NUL ending the last result, in place of saved_byte */
  char saved_byte;
  size_t saved_at;
  size_t last_len;   /* the length of the last result */
};

weft_reader_t *weft_reader_new(int fd, size_t capacity) {
  weft_reader_t *r = calloc(1, sizeof *r);
  if (r == NULL) return NULL;
  r->fd = fd;
  r->capacity = capacity ? capacity : DEFAULT_CAPACITY;
  return r;
}

void weft_reader_free(weft_reader_t *r) {
  if (r == NULL) return;
  turn_check_free(&r->turn, "weft_reader_free");
  free(r->buf);
  free(r);
}

/* The byte a result's NUL covered comes back before anything looks at the
 * buffer again. */
static void restore(weft_reader_t *r) {
  if (!r->saved) return;
  r->buf[r->saved_at] = r->saved_byte;
  r->saved = false;
}

size_t weft_reader_buffered(const weft_reader_t *r) {
  return r->end - r->start;
}

size_t weft_reader_last_len(const weft_reader_t *r) {
  return r->last_len;
}

const char *weft_reader_buffer(weft_reader_t *r, size_t *len) {
  restore(r);
  if (len != NULL) *len = r->end - r->start;
  return r->buf ? r->buf + r->start : "";
}

/* The result buf[at, at + len), NUL-terminated in place: the byte after it
 * is kept aside if it is a byte still to be read. */
static char *result(weft_reader_t *r, size_t at, size_t len) {
  if (r->buf == NULL) {
    r->last_len = 0;
    return "";
  }
  size_t nul = at + len;
  if (nul < r->end) {
    r->saved = true;
    r->saved_at = nul;
    r->saved_byte = r->buf[nul];
  }
  r->buf[nul] = '\0';
  r->last_len = len;
  return r->buf + at;
}

/* Room to read into: the pending bytes at the front of a buffer of at least
 * need bytes (growing geometrically up to limit, and back to the usual size
 * once they fit), with at least half of it free at the end. */
static bool make_room(weft_reader_t *r, size_t need, size_t limit) {
  size_t pending = r->end - r->start;
  if (r->size >= need && r->end < r->size && (r->start == 0 || r->size - r->end >= r->size / 2)) return true;
  size_t size = max_size(r->capacity, need);
  if (r->size < need && r->size * 2 > size) size = r->size * 2 < limit ? r->size * 2 : max_size(limit, need);
  if (size == r->size) {
    memmove(r->buf, r->buf + r->start, pending);
  } else {
    char *grown = malloc(add_sat(size, 1));
    if (grown == NULL) return false;
    memcpy(grown, r->buf + r->start, pending);
    free(r->buf);
    r->buf = grown;
    r->size = size;
  }
  r->start = 0;
  r->end = pending;
  return true;
}

/* Reads more bytes into the buffer: WEFT__OP_WAIT, or WEFT__OP_DONE with
 * f->err set or *got the count (0 at end of input).  need and limit are
 * what the operation wants buffered (bytes from start) and its most. */
static int fill(weft_reader_t *r, struct weft__fiber *f, size_t need, size_t limit, size_t *got) {
  if (r->start == r->end && r->buf != NULL) {
    /* Empty: the buffer goes back before the wait; the bytes that end it
     * land in the loop's scratch buffer and get a buffer then. */
    free(r->buf);
    r->buf = NULL;
    r->size = r->start = r->end = 0;
  }
  if (r->buf == NULL && need > r->capacity) {
    /* An operation asking for more than the usual buffer gets its buffer
     * before it reads: if there is no memory for it, nothing is read. */
    if ((r->buf = malloc(add_sat(need, 1))) == NULL) return weft__op_failed(f, -ENOMEM);
    r->size = need;
    r->start = r->end = 0;
  }
  if (r->buf == NULL) {
    char *landed = NULL;
    int rc = weft__io_read_some(f, r->fd, NULL, r->capacity, &landed);
    if (rc == WEFT__OP_WAIT || f->err != 0) return rc;
    *got = f->value;
    if (*got == 0) return rc;
    /* A buffer of the size that arrived: a short request on a server with
     * many connections pins no more. */
    size_t size = *got;
    r->buf = malloc(size + 1);
    if (r->buf == NULL) return weft__op_failed(f, -ENOMEM); /* those few bytes are lost with the memory */
    memcpy(r->buf, landed, *got);
    r->size = size;
    r->start = 0;
    r->end = *got;
    return rc;
  }
  if (!make_room(r, need, limit)) return weft__op_failed(f, -ENOMEM);
  int rc = weft__io_read_some(f, r->fd, r->buf + r->end, r->size - r->end, NULL);
  if (rc == WEFT__OP_WAIT || f->err != 0) return rc;
  *got = f->value;
  r->end += *got;
  return rc;
}

/* What one look at the buffer decides: the operation is over (f->value or
 * f->err set), or it needs more bytes. */
enum { LOOK_DONE, LOOK_MORE };

struct want {
  size_t need, limit;
};

static int look_line(weft_reader_t *r, struct weft__fiber *f, size_t max_len, bool eof, struct want *w) {
  size_t avail = r->end - r->start;
  char *p = r->buf ? r->buf + r->start : NULL;
  /* The newline of a line of at most max_len bytes is among its first
   * max_len + 2 bytes (a CR may come before it). */
  size_t window = avail < add_sat(max_len, 2) ? avail : add_sat(max_len, 2);
  char *nl = window > r->scanned ? memchr(p + r->scanned, '\n', window - r->scanned) : NULL;
  if (nl != NULL) {
    size_t i = (size_t)(nl - p), len = i;
    if (len > 0 && p[len - 1] == '\r') len--;
    if (len > max_len) return weft__op_failed(f, -EMSGSIZE), LOOK_DONE;
    r->start += i + 1;
    p[len] = '\0'; /* the CR or LF: consumed */
    r->last_len = len;
    weft__op_done(f, (uintptr_t)p);
    return LOOK_DONE;
  }
  r->scanned = window;
  /* Too long already: no newline where it could be, or max_len + 1 bytes
   * that cannot end in CR LF. */
  if (avail >= add_sat(max_len, 2) || (avail > max_len && p[max_len] != '\r'))
    return weft__op_failed(f, -EMSGSIZE), LOOK_DONE;
  if (eof) {
    if (avail == 0) return weft__op_failed(f, -EPIPE), LOOK_DONE;
    if (avail > max_len) return weft__op_failed(f, -EMSGSIZE), LOOK_DONE; /* a CR is part of a last line */
    char *s = result(r, r->start, avail);
    r->start = r->end;
    weft__op_done(f, (uintptr_t)s);
    return LOOK_DONE;
  }
  w->need = avail + 1;
  w->limit = add_sat(max_len, 2);
  return LOOK_MORE;
}

static int look_exactly(weft_reader_t *r, struct weft__fiber *f, size_t n, bool eof, struct want *w) {
  size_t avail = r->end - r->start;
  if (avail >= n) {
    char *s = result(r, r->start, n);
    r->start += n;
    weft__op_done(f, (uintptr_t)s);
    return LOOK_DONE;
  }
  if (eof) return weft__op_failed(f, -EPIPE), LOOK_DONE;
  w->need = w->limit = n;
  return LOOK_MORE;
}

static int look_peek(weft_reader_t *r, struct weft__fiber *f, size_t n, bool eof, struct want *w) {
  size_t avail = r->end - r->start;
  if (avail >= n || eof) {
    weft__op_done(f, (uintptr_t)result(r, r->start, avail < n ? avail : n));
    return LOOK_DONE;
  }
  w->need = w->limit = n;
  return LOOK_MORE;
}

/* weft_read_until's arguments, kept with its node. */
struct until {
  size_t max_len, dlen;
  char delim[];
};

static int look_until(weft_reader_t *r, struct weft__fiber *f, const struct until *u, bool eof, struct want *w) {
  size_t avail = r->end - r->start;
  char *p = r->buf ? r->buf + r->start : NULL;
  /* The delimiter after at most max_len bytes ends within max_len + dlen. */
  size_t bound = add_sat(u->max_len, u->dlen);
  size_t window = avail < bound ? avail : bound;
  char *hit = window > r->scanned ? memmem(p + r->scanned, window - r->scanned, u->delim, u->dlen) : NULL;
  if (hit != NULL) {
    size_t i = (size_t)(hit - p);
    r->start += i + u->dlen;
    p[i] = '\0'; /* the delimiter's first byte: consumed */
    r->last_len = i;
    weft__op_done(f, (uintptr_t)p);
    return LOOK_DONE;
  }
  /* A match may still start in the last dlen - 1 bytes looked at. */
  r->scanned = window >= u->dlen ? window - (u->dlen - 1) : 0;
  if (avail >= bound) return weft__op_failed(f, -EMSGSIZE), LOOK_DONE;
  if (eof) return weft__op_failed(f, -EPIPE), LOOK_DONE;
  w->need = avail + 1;
  w->limit = bound;
  return LOOK_MORE;
}

static const struct weft__event_ops line_ops, exactly_ops, until_ops, peek_ops;

static int look(weft_reader_t *r, struct weft__fiber *f, struct weft__node *op, bool eof, struct want *w) {
  const struct weft__event_ops *ops = op->u.ev.ops;
  if (ops == &line_ops) return look_line(r, f, op->u.ev.value, eof, w);
  if (ops == &exactly_ops) return look_exactly(r, f, op->u.ev.value, eof, w);
  if (ops == &peek_ops) return look_peek(r, f, op->u.ev.value, eof, w);
  return look_until(r, f, (const struct until *)op->u.ev.value, eof, w);
}

/* Every reader operation: look at the buffer; while it is not enough, read
 * more (holding the turn) and look again.  The bytes a read returns join
 * the buffer in the same step, so a cancellation (weft_timeout) between two
 * reads, or while one waits, loses nothing. */
static int reader_attempt(struct weft__fiber *f, struct weft__node *op) {
  weft_reader_t *r = op->u.ev.obj;
  /* The common case first: a line already buffered, nobody else on r. */
  if (op->u.ev.ops == &line_ops && op->ev_phase == WEFT__EV_NEW && r->turn.holder == NULL &&
      r->turn.waiting.head == NULL && r->start < r->end) {
    restore(r);
    char *p = r->buf + r->start;
    size_t avail = r->end - r->start, max_len = op->u.ev.value;
    char *nl = memchr(p, '\n', max_len < avail - 1 ? max_len + 2 : avail);
    if (nl != NULL) {
      size_t i = (size_t)(nl - p), len = i;
      if (len > 0 && p[len - 1] == '\r') len--;
      if (len <= max_len) {
        p[len] = '\0';
        r->start += i + 1;
        r->last_len = len;
        return weft__op_done(f, (uintptr_t)p);
      }
    }
  }
  if (!turn_enter(&r->turn, f, op)) return WEFT__OP_WAIT;
  if (op->ev_phase != WEFT__EV_AGAIN) { /* its first run: nothing before it is looked at again */
    restore(r);
    r->scanned = 0;
  }
  bool eof = false;
  for (int calls = 0;; calls++) {
    struct want w;
    if (look(r, f, op, eof, &w) == LOOK_DONE) {
      turn_end(&r->turn, f, op);
      return WEFT__OP_DONE;
    }
    if (op->ev_phase != WEFT__EV_AGAIN) turn_take(&r->turn, op);
    if (calls == CALLS_PER_TURN) {
      weft__fiber_enqueue(f); /* holding its places, it goes on at its next run */
      return WEFT__OP_WAIT;
    }
    size_t got = 0;
    int rc = fill(r, f, w.need, w.limit, &got);
    if (rc == WEFT__OP_WAIT) return rc;
    if (f->err != 0) {
      turn_end(&r->turn, f, op);
      return WEFT__OP_DONE;
    }
    eof = got == 0;
  }
}

static void reader_cancel(struct weft__fiber *f, struct weft__node *op) {
  weft_reader_t *r = op->u.ev.obj;
  turn_cancel(&r->turn, f, op);
}

static void reader_release(struct weft__node *op) {
  if (op->ev_phase != WEFT__EV_NEW) turn_released(&((weft_reader_t *)op->u.ev.obj)->turn, op);
}

static void until_release(struct weft__node *op) {
  reader_release(op);
  free((void *)op->u.ev.value);
}

static const struct weft__event_ops line_ops = {"weft_read_line", reader_attempt, reader_cancel, reader_release};
static const struct weft__event_ops exactly_ops = {"weft_read_exactly", reader_attempt, reader_cancel, reader_release};
static const struct weft__event_ops peek_ops = {"weft_peek", reader_attempt, reader_cancel, reader_release};
static const struct weft__event_ops until_ops = {"weft_read_until", reader_attempt, reader_cancel, until_release};

WEFT_BOUNDARY async(str) weft_read_line(weft_reader_t *r, size_t max_len) {
  return (async(str)){.node_ = op_node(&line_ops, r, max_len)};
}

WEFT_BOUNDARY async(str) weft_read_exactly(weft_reader_t *r, size_t n) {
  return (async(str)){.node_ = op_node(&exactly_ops, r, n)};
}

WEFT_BOUNDARY async(str) weft_peek(weft_reader_t *r, size_t n) {
  return (async(str)){.node_ = op_node(&peek_ops, r, n)};
}

WEFT_BOUNDARY async(str) weft_read_until(weft_reader_t *r, const char *delim, size_t max_len) {
  size_t dlen = delim ? strlen(delim) : 0;
  if (dlen == 0) {
    if (r == NULL) weft__misuse("weft_read_until was given a NULL channel");
    return weft_fail(str, -EINVAL);
  }
  struct until *u = malloc(sizeof *u + dlen);
  if (u == NULL) abort();
  u->max_len = max_len;
  u->dlen = dlen;
  memcpy(u->delim, delim, dlen);
  return (async(str)){.node_ = op_node(&until_ops, r, (uintptr_t)u)};
}

/* ---- the writer ------------------------------------------------------- */

struct weft_writer {
  struct turn turn;
  int fd;
  size_t capacity;
  char *buf;          /* size bytes (capacity, or more to keep a cancelled write's rest), or NULL */
  size_t size;
  size_t off, len;    /* the bytes buffered and not written yet: buf[off, len) */
  int err;            /* the first write failure: every later operation fails with it */
  bool closed;
};

weft_writer_t *weft_writer_new(int fd, size_t capacity) {
  weft_writer_t *w = calloc(1, sizeof *w);
  if (w == NULL) return NULL;
  w->fd = fd;
  w->capacity = capacity ? capacity : DEFAULT_CAPACITY;
  return w;
}

void weft_writer_free(weft_writer_t *w) {
  if (w == NULL) return;
  turn_check_free(&w->turn, "weft_writer_free");
  free(w->buf);
  free(w);
}

size_t weft_writer_buffered(const weft_writer_t *w) {
  return w->len - w->off;
}

/* weft_writer_write's arguments and progress, kept with its node. */
struct wreq {
  const char *data;
  size_t len, done; /* done: bytes of data written or buffered */
};

static const struct weft__event_ops write_ops, flush_ops, close_ops;

static void drop_buffer(weft_writer_t *w) {
  free(w->buf);
  w->buf = NULL;
  w->size = w->off = w->len = 0;
}

/* How many more bytes the buffer takes before it must be written out. */
static size_t room(const weft_writer_t *w) {
  return max_size(w->size, w->capacity) - (w->len - w->off);
}

/* Appends bytes to the buffer, which has room for them. */
static bool buffer(weft_writer_t *w, const char *data, size_t n) {
  size_t pending = w->len - w->off;
  if (w->buf != NULL && w->size - w->len < n && w->size - pending >= n) {
    /* a flush cut short left room at the front */
    memmove(w->buf, w->buf + w->off, pending);
    w->len = pending;
    w->off = 0;
  } else if (w->buf == NULL || w->size - w->len < n) {
    /* The buffer starts small and doubles up to the capacity: an answer of
     * a few hundred bytes takes a block malloc's per-thread cache serves,
     * where a block of the whole capacity per answer, given back at each
     * flush, went through malloc's slow paths and trimmed the heap's top
     * (a brk about every eighth answer of examples/http_hello). */
    size_t most = max_size(w->size, w->capacity); /* the caller saw it holds pending + n */
    size_t size = w->size ? w->size : WRITER_FIRST_SIZE;
    while (size < pending + n && size < most) size *= 2;
    if (size > most) size = most;
    char *grown = malloc(size);
    if (grown == NULL) return false;
    if (pending) memcpy(grown, w->buf + w->off, pending);
    free(w->buf);
    w->buf = grown;
    w->size = size;
    w->len = pending;
    w->off = 0;
  }
  memcpy(w->buf + w->len, data, n);
  w->len += n;
  return true;
}

static int writer_failed(weft_writer_t *w, struct weft__fiber *f, struct weft__node *op, int err) {
  if (w->err == 0) w->err = err;
  drop_buffer(w); /* it can never go out */
  weft__op_failed(f, err);
  turn_end(&w->turn, f, op);
  return WEFT__OP_DONE;
}

static int writer_done(weft_writer_t *w, struct weft__fiber *f, struct weft__node *op) {
  int err = 0;
  if (op->u.ev.ops == &close_ops) {
    w->closed = true;
    err = w->err;
  }
  if (err) weft__op_failed(f, err);
  else weft__op_done(f, 0);
  turn_end(&w->turn, f, op);
  return WEFT__OP_DONE;
}

/* Every writer operation: a write that fits is copied into the buffer and
 * done; otherwise the buffer is written out first, then a write that still
 * does not fit goes out from the caller's bytes directly.  A flush (and a
 * close) writes the buffer out.  Bytes written are accounted in the same
 * step as the write call, so a cancellation loses track of nothing. */
static int writer_attempt(struct weft__fiber *f, struct weft__node *op) {
  weft_writer_t *w = op->u.ev.obj;
  struct wreq *q = op->u.ev.ops == &write_ops ? (struct wreq *)op->u.ev.value : NULL;
  if (!turn_enter(&w->turn, f, op)) return WEFT__OP_WAIT;
  if (op->ev_phase != WEFT__EV_AGAIN) {
    if (w->err != 0) return writer_failed(w, f, op, w->err);
    if (w->closed && op->u.ev.ops != &close_ops) { /* the writer's state stays as it is */
      weft__op_failed(f, -EBADF);
      turn_end(&w->turn, f, op);
      return WEFT__OP_DONE;
    }
  }
  for (int calls = 0;; calls++) {
    const char *from;
    size_t n;
    bool direct = false;
    if (q != NULL && q->done == q->len) return writer_done(w, f, op);
    if (q != NULL && q->len - q->done <= room(w)) {
      if (!buffer(w, q->data + q->done, q->len - q->done)) return writer_failed(w, f, op, -ENOMEM);
      q->done = q->len;
      continue;
    }
    if (w->len > w->off) {
      from = w->buf + w->off;
      n = w->len - w->off;
    } else if (q != NULL) {
      from = q->data + q->done; /* larger than the buffer: no copy */
      n = q->len - q->done;
      direct = true;
    } else {
      drop_buffer(w); /* flushed: an idle writer holds no buffer */
      return writer_done(w, f, op);
    }
    if (op->ev_phase != WEFT__EV_AGAIN) turn_take(&w->turn, op);
    if (calls == CALLS_PER_TURN) {
      weft__fiber_enqueue(f);
      return WEFT__OP_WAIT;
    }
    int rc = weft__io_write_some(f, w->fd, from, n);
    if (rc == WEFT__OP_WAIT) return rc;
    if (f->err != 0) return writer_failed(w, f, op, f->err);
    if (direct) q->done += f->value;
    else w->off += f->value;
    if (w->off == w->len) w->off = w->len = 0;
  }
}

/* A write cancelled after part of the caller's bytes went out directly
 * keeps the rest, copied into the buffer, so that the stream stays whole:
 * the next flush sends it.  (Its buffered part is in the buffer already.) */
static void writer_cancel(struct weft__fiber *f, struct weft__node *op) {
  weft_writer_t *w = op->u.ev.obj;
  struct wreq *q = op->u.ev.ops == &write_ops ? (struct wreq *)op->u.ev.value : NULL;
  if (q != NULL && q->done > 0 && q->done < q->len && w->len == w->off) {
    size_t rest = q->len - q->done;
    char *copy = malloc(max_size(w->capacity, rest));
    if (copy == NULL) abort();
    memcpy(copy, q->data + q->done, rest);
    free(w->buf);
    w->buf = copy;
    w->size = max_size(w->capacity, rest);
    w->off = 0;
    w->len = rest;
    q->done = q->len;
  }
  turn_cancel(&w->turn, f, op);
}

static void writer_release(struct weft__node *op) {
  if (op->ev_phase != WEFT__EV_NEW) turn_released(&((weft_writer_t *)op->u.ev.obj)->turn, op);
  if (op->u.ev.ops == &write_ops) free((void *)op->u.ev.value);
}

static const struct weft__event_ops write_ops = {"weft_writer_write", writer_attempt, writer_cancel, writer_release};
static const struct weft__event_ops flush_ops = {"weft_flush", writer_attempt, writer_cancel, writer_release};
static const struct weft__event_ops close_ops = {"weft_writer_close", writer_attempt, writer_cancel, writer_release};

WEFT_BOUNDARY async(void) weft_writer_write(weft_writer_t *w, const char *buf, size_t len) {
  struct wreq *q = malloc(sizeof *q);
  if (q == NULL) abort();
  *q = (struct wreq){.data = buf, .len = len};
  return (async(void)){.node_ = op_node(&write_ops, w, (uintptr_t)q)};
}

WEFT_BOUNDARY async(void) weft_flush(weft_writer_t *w) {
  return (async(void)){.node_ = op_node(&flush_ops, w, 0)};
}

WEFT_BOUNDARY async(void) weft_writer_close(weft_writer_t *w) {
  return (async(void)){.node_ = op_node(&close_ops, w, 0)};
}
