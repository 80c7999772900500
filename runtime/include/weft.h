/* weft.h: the whole public API of the weft runtime, written to be read as its manual.
 * Covered by test/runtime/ (one test file per feature) and, for the checker's view, test/plugin/. */
#ifndef WEFT_H
#define WEFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * 1. Actions
 *
 * An action of type async(T) is a lazy description of work that will produce
 * a T.  Nothing happens when it is built; a fiber runs it.  Every action is
 * linear: it is consumed exactly once, by weft_bind, by a combinator, by a
 * sink (weft_run, weft_spawn) or by returning it from a function whose result
 * is the same async(T).  The runtime frees an action as it consumes it.
 *
 * T is named, not spelled: async(int), async(str), async(void).  The names
 * declared here are void, int, long, size_t, ssize_t, bool, str (char *) and
 * ptr (void *); declare more with WEFT_ASYNC_TYPE(name, type).
 *
 * The ABI contract: a value carried by an action travels as one machine word.
 * T must be an integer, enum, bool or pointer type of at most pointer size
 * (the checker enforces this).  See docs/runtime.md, "The ABI contract".
 * ---------------------------------------------------------------------- */

struct weft__node;

/* Each async type is a distinct union holding one pointer.  Only node_ is
 * ever stored; the other members exist so that the compiler knows T. */
#define WEFT_ASYNC_TYPE(name, T)                                                  \
  typedef union weft_async_##name {                                              \
    struct weft__node *node_;                                                    \
    T (*value_type_)(void);                                                      \
    T *out_type_;                                                                \
    char (*size_)[sizeof(T)];                                                    \
  } weft_async_##name

#define async(name) weft_async_##name

/* async(void): an action that produces no value.  Written by hand because
 * void has no size and no pointer-to-void-object of its own. */
typedef union weft_async_void {
  struct weft__node *node_;
  void (*value_type_)(void);
  void *out_type_;
  char (*size_)[1];
} weft_async_void;
typedef int weft__unit_name_void;

WEFT_ASYNC_TYPE(int, int);
WEFT_ASYNC_TYPE(long, long);
WEFT_ASYNC_TYPE(size_t, size_t);
WEFT_ASYNC_TYPE(ssize_t, ssize_t);
WEFT_ASYNC_TYPE(bool, bool);
typedef weft_async_bool weft_async__Bool; /* bool is a macro: async(bool) may arrive as _Bool */
WEFT_ASYNC_TYPE(str, char *);
WEFT_ASYNC_TYPE(ptr, void *);

/* ------------------------------------------------------------------------
 * 2. Effect attributes, read by the checker (plugin/).  The compiler itself
 *    ignores them; gcc sees nothing at all.
 *
 *   noyield        this function never yields: it builds no action, runs no
 *                  loop, spawns nothing, and calls nothing that may.
 *   mayyield       synchronous, but re-enters the loop (calls weft_run or
 *                  weft_spawn, directly or through callees).
 *   weft_boundary  the checker does not look inside this function and does
 *                  not infer through it: the author vouches for it.
 *   weft_blocking  this function blocks the thread (a user-written
 *                  blocking call); calling it from async context warns.
 *
 * Define WEFT_NO_SHORT_NAMES to get only the WEFT_ spellings.
 * ---------------------------------------------------------------------- */
#if defined(__clang__)
#define WEFT_NOYIELD __attribute__((annotate("weft.noyield")))
#define WEFT_MAYYIELD __attribute__((annotate("weft.mayyield")))
#define WEFT_BOUNDARY __attribute__((annotate("weft.boundary")))
#define WEFT_BLOCKING __attribute__((annotate("weft.blocking")))
#else
#define WEFT_NOYIELD
#define WEFT_MAYYIELD
#define WEFT_BOUNDARY
#define WEFT_BLOCKING
#endif
#ifndef WEFT_NO_SHORT_NAMES
#define noyield WEFT_NOYIELD
#define mayyield WEFT_MAYYIELD
#define weft_boundary WEFT_BOUNDARY
#define weft_blocking WEFT_BLOCKING
#endif

/* weft_unchecked(expr): expr, with the checker's rules switched off for it.
 * For the rare place where the author knows better; grep-able on purpose. */
#define weft_unchecked(...) (__VA_ARGS__)

/* ------------------------------------------------------------------------
 * 3. Building actions from values and from other actions
 *
 * Every macro below evaluates each of its arguments exactly once, left to
 * right (the action, then the function, then env), like a function call
 * with a defined order.
 * ---------------------------------------------------------------------- */

/* weft_return(name, v): an action that produces v, of type async(name).
 * weft_return(void): the action that produces nothing. */
#define weft_return(...) WEFT__PICK3(__VA_ARGS__, WEFT__RETURN_VALUE, WEFT__RETURN_UNIT, )(__VA_ARGS__)

/* weft_fail(name, err): an action of type async(name) that fails with err, a
 * negative errno-style code.  weft_fail(err) is the async(void) form. */
#define weft_fail(...) WEFT__PICK3(__VA_ARGS__, WEFT__FAIL_TYPED, WEFT__FAIL_UNIT, )(__VA_ARGS__)

/* weft_bind(m, k, env): run m, then k(env, value); the result is k's action.
 *   async(A) m;  async(B) k(E *env, A value);  E *env  ->  async(B)
 * For an async(void) m use weft_then, whose k takes only env. */
#define weft_bind(m, k, env)                                                      \
  WEFT__LET3(m, k, env, struct weft__node *weft__n = weft__bind(weft__m.node_, (weft__fn)weft__k, weft__env, WEFT__SITE()); \
             (__typeof__(weft__k(weft__env, weft__m.value_type_()))){.node_ = weft__n})

/* weft_then(m, k, env): run the async(void) action m, then k(env).
 *   async(void) m;  async(B) k(E *env);  ->  async(B) */
#define weft_then(m, k, env)                                                      \
  WEFT__LET3(m, k, env, _Static_assert(WEFT__IS_VOID(weft__m), "weft_then: the action must be async(void)"); \
             struct weft__node *weft__n = weft__then(weft__m.node_, (weft__fn)weft__k, weft__env, WEFT__SITE()); \
             (__typeof__(weft__k(weft__env))){.node_ = weft__n})

/* weft_map(m, f, env): run m, then produce f(env, value).  f is a plain,
 * synchronous function B f(E *env, A value).  The result is async(B) for B in
 * int, long, size_t, bool, char * and void *; for any other B name the result
 * type with weft_map_to(name, m, f, env). */
#define weft_map(m, f, env)                                                       \
  WEFT__LET3(m, f, env, struct weft__node *weft__n = WEFT__MAP_NODE();           \
             _Generic(weft__k(weft__env, weft__m.value_type_()),                  \
                 int: (async(int)){.node_ = weft__n},                            \
                 long: (async(long)){.node_ = weft__n},                          \
                 unsigned long: (async(size_t)){.node_ = weft__n},               \
                 bool: (async(bool)){.node_ = weft__n},                          \
                 char *: (async(str)){.node_ = weft__n},                         \
                 void *: (async(ptr)){.node_ = weft__n}))
#define weft_map_to(name, m, f, env)                                              \
  WEFT__LET3(m, f, env,                                                          \
             _Static_assert(__builtin_types_compatible_p(WEFT__VALUE_TYPE(name),  \
                                                         __typeof__(weft__k(weft__env, weft__m.value_type_()))), \
                            "weft_map_to: the function must return the value type of the named async type"); \
             (async(name)){.node_ = WEFT__MAP_NODE()})

/* weft_catch(m, h, env): run m; if it fails with err, run h(env, err) instead.
 *   async(A) m;  async(A) h(E *env, int err)  ->  async(A) */
#define weft_catch(m, h, env)                                                     \
  WEFT__LET3(m, h, env, _Static_assert(WEFT__SAME_TYPE(weft__m, weft__k(weft__env, 0)), \
                                       "weft_catch: the handler must return the action's own async type"); \
             struct weft__node *weft__n = weft__catch(weft__m.node_, (weft__fn)weft__k, weft__env, WEFT__SITE()); \
             (__typeof__(weft__m)){.node_ = weft__n})

/* weft_finally(m, f, env): run m, then the async(void) action f(env) whether m
 * succeeded, failed or was cancelled; then deliver m's outcome.  If f itself
 * fails, that failure wins.  (When weft_run closes its loop, a cancelled
 * fiber's finalisers run only as far as they get without waiting.)
 *   async(A) m;  async(void) f(E *env)  ->  async(A) */
#define weft_finally(m, f, env)                                                   \
  WEFT__LET3(m, f, env, _Static_assert(WEFT__IS_VOID(weft__k(weft__env)),         \
                                       "weft_finally: the finaliser must return async(void)"); \
             struct weft__node *weft__n = weft__finally(weft__m.node_, (weft__fn)weft__k, weft__env, WEFT__SITE()); \
             (__typeof__(weft__m)){.node_ = weft__n})

/* weft_take(slot): the action stored at slot (a pointer to an async(T)
 * field, array element or other object outside the function's locals),
 * moved out: the result is that action and *slot is left empty.
 *   async(T) *slot  ->  async(T)
 * A slot is empty when it was zero-initialised (calloc, = {0}) or taken;
 * fill it by plain assignment (s->job = fetch(url)).  The checker accepts no
 * other read of a slot, and no action in static storage (docs/checker.md,
 * "Where an action can live").  Taking from an empty slot is a misuse the
 * runtime reports and aborts on, so a slot used twice never runs an action
 * twice. */
#define weft_take(slot)                                                           \
  (__extension__({                                                               \
    __auto_type weft__slot = (slot);                                             \
    (__typeof__(*weft__slot)){.node_ = weft__take(&weft__slot->node_)};          \
  }))

/* ------------------------------------------------------------------------
 * 4. Concurrency.  Each of these runs its actions in fibers of their own.
 * ---------------------------------------------------------------------- */

/* weft_spawn(m): start the async(void) action m in a new fiber and return at
 * once (a sink: it consumes m).  If m fails, the failure is reported on
 * stderr; catch it inside m to handle it.  A fiber still running when
 * weft_run returns is cancelled and released. */
#define weft_spawn(m)                                                             \
  WEFT__LET1(m, _Static_assert(WEFT__IS_VOID(weft__m), "weft_spawn: the action must be async(void)"); \
             weft__spawn(weft__m.node_))

/* weft_join(a, b): run two async(void) actions concurrently and finish when
 * both have.  If one fails, the other is cancelled and the join fails. */
#define weft_join(a, b)                                                           \
  WEFT__LET2(a, b, _Static_assert(WEFT__IS_VOID(weft__a) && WEFT__IS_VOID(weft__b), \
                                  "weft_join: both actions must be async(void)"); \
             (async(void)){.node_ = weft__join(weft__a.node_, weft__b.node_, WEFT__SITE())})

/* weft_pick(a, b): run two async(T) actions concurrently; the first to finish
 * (success or failure) gives the result, and the other is cancelled: its
 * pending read, write, timer or watch is released and its weft_finally
 * actions run. */
#define weft_pick(a, b)                                                           \
  WEFT__LET2(a, b, _Static_assert(WEFT__SAME_TYPE(weft__a, weft__b),             \
                                  "weft_pick: both actions must have the same async type"); \
             (__typeof__(weft__a)){.node_ = weft__pick(weft__a.node_, weft__b.node_, WEFT__SITE())})

/* weft_timeout(m, ms): m, or a failure with -ETIMEDOUT if m has not finished
 * within ms milliseconds (m is then cancelled, as by weft_pick). */
#define weft_timeout(m, ms)                                                       \
  WEFT__LET1(m, (__typeof__(weft__m)){.node_ = weft__timeout(weft__m.node_, (ms), WEFT__SITE())})

/* ------------------------------------------------------------------------
 * 5. Primitives.  What weft does to the fds it is given: nothing that
 *    outlives a call.  It never sets or clears O_NONBLOCK (or any flag) on
 *    a description the program gave it, since dups, children and other
 *    processes share it; each call is made non-blocking on its own:
 *      sockets         recv/send with MSG_DONTWAIT (send adds MSG_NOSIGNAL);
 *      pipes           preadv2/pwritev2 with RWF_NOWAIT;
 *      FIFOs, ttys,    weft's own non-blocking description of the same file,
 *      memory devices  opened through /proc/self/fd/N (close-on-exec) on
 *                      first use and closed by weft_close or when weft_run
 *                      returns (a pipe whose kernel refuses RWF_NOWAIT too);
 *      anything else   (eventfds, /dev/ptmx, a failed reopen) called only
 *                      when epoll reports it ready, a write PIPE_BUF bytes
 *                      at a time; this can block only if another process
 *                      takes the data or the room in between;
 *      regular files   read and written directly (a file in the page cache
 *                      never waits long; for a cold disk or a network file
 *                      system, the weft_file_* calls of section 18 run on
 *                      the worker pool); reads are tried with RWF_NOWAIT
 *                      first where the file system takes it, then plainly
 *                      for data not in the page cache.
 *    weft_accept on a blocking listening socket waits for readiness first;
 *    weft_connect makes a blocking socket non-blocking for the connect(2)
 *    call alone.  Close an fd weft has used with weft_close, not close(2):
 *    weft_close also closes weft's own description of a FIFO or tty, whose
 *    other end otherwise sees no end of file until the loop ends, and
 *    drops weft's epoll registration: a number closed by close(2) and
 *    handed out again still works, but a wait on it may take up to 200 ms
 *    longer (weft keeps an fd's registration between waits and checks a
 *    wait that no event has answered after 100 ms).
 *
 *    Operations on one fd queue per direction, first come, first served:
 *    each weft_write is written whole, never interleaved with another, and
 *    reads are served in the order they started.  Every fiber whose fd is
 *    closed by weft_close fails with -EBADF, whatever it was doing, and
 *    never touches the number again.  EINTR and EAGAIN never reach you;
 *    other errors are failures carrying -errno.
 *
 *    SIGPIPE: writing to a closed peer fails with -EPIPE and raises no
 *    signal (MSG_NOSIGNAL; for pipes, SIGPIPE is blocked in the writing
 *    thread for the call and the one it raised is taken back).  The
 *    process's disposition and other threads' masks are never changed.
 *
 *    fork: a child forked while a loop runs may exec, exit, or run a loop of
 *    its own with weft_run; going on with the inherited loop (whose epoll
 *    instance is its parent's) is a misuse, reported at its first wait.
 * ---------------------------------------------------------------------- */

/* weft_read(fd, n): up to n bytes (n > 0), as soon as any are available;
 * "" (length 0) at end of input.  No buffer is held while the read waits.
 *
 * Buffer ownership: the returned bytes belong to the runtime.  They are
 * NUL-terminated (the NUL is not counted) and stay valid until the same
 * fiber has completed two more reads, or the fiber ends, whichever comes
 * first: a fiber keeps its latest two strings, so a string may be kept
 * across the fiber's next read.  Each branch of weft_join, weft_pick and
 * weft_timeout is a fiber of its own; a string that a winning weft_pick or
 * weft_timeout branch produces (as its value) passes to the fiber that runs
 * the combinator and counts as that fiber's latest read.  Copy what you
 * keep longer.  The bytes may contain NULs: use weft_str_len for their
 * length. */
async(str) weft_read(int fd, size_t n);

/* weft_str_len(s): the number of bytes weft_read delivered in s, NULs
 * included, when s is one of the running fiber's two latest reads (or,
 * outside the loop, the str result of the last weft_run); for any other
 * string, strlen(s). */
size_t weft_str_len(const char *s);

/* weft_write(fd, buf, len): all len bytes, across partial writes, or a
 * failure.  buf is not copied: it must stay valid until the action
 * finishes.  Writes to one fd queue: each is written whole, in the order
 * they started.  A write cancelled (weft_pick, weft_timeout) before its
 * turn writes nothing; one cancelled half way is finished by the runtime
 * from a copy of its rest, so the peer never sees half a write followed by
 * another.  When weft_run closes the loop, such a rest (also of a write the
 * close itself cancels) goes out as far as it can without waiting, and
 * what cannot is reported on stderr. */
async(void) weft_write(int fd, const char *buf, size_t len);

/* weft_sleep(s): sleep s seconds on CLOCK_MONOTONIC; produces the whole
 * seconds actually slept, never fewer than s. */
async(int) weft_sleep(int seconds);

/* weft_sleep_ms(ms): the same in milliseconds; produces the milliseconds
 * actually slept, never fewer than ms. */
async(long) weft_sleep_ms(long ms);

/* weft_accept(fd): the next connection on listening socket fd, as a new
 * non-blocking, close-on-exec descriptor.  At the descriptor limit (EMFILE,
 * ENFILE) it does not fail: it waits, with the connections queued in the
 * listen backlog, until a weft_close frees a descriptor, trying again at
 * least every 100 ms meanwhile (a descriptor freed by close(2) or by another
 * thread), and uses no CPU in between.  Bound the wait with weft_timeout. */
async(int) weft_accept(int listen_fd);

/* weft_connect(fd, addr, len): connect socket fd to addr (copied).  Waits
 * for the connection; a full AF_UNIX backlog (EAGAIN) is tried again every
 * 10 ms, as a blocking connect waits. */
async(void) weft_connect(int fd, const struct sockaddr *addr, socklen_t len);

/* weft_close(fd): close fd (and weft's own description of it, if any).
 * Every other fiber reading or writing fd, whether waiting, woken or in
 * line, fails with -EBADF. */
async(void) weft_close(int fd);

/* weft_signal(signo): wait for signal signo; produces signo when it arrives.
 * Every fiber of the loop waiting for signo completes with that one arrival
 * (as every uv_signal_t of a signal is called; Lwt_unix.on_signal).  While
 * at least one fiber waits, signo is blocked in the loop's thread and read
 * from a signalfd(2); when nobody waits any more (after delivery, pick or
 * timeout), before the loop next polls, weft unblocks it again unless the
 * thread had it blocked before.  Its disposition is never touched: an
 * instance arriving while nobody waits has its usual effect (SIGTERM's
 * default kills).  Threads: a process-directed signal (kill(2)) goes to any
 * thread that does not block it, so in a threaded program block signo in
 * every other thread (pthread_sigmask in main before creating them); a
 * signal sent to the waiting thread (pthread_kill) always arrives.  A child
 * forked while a wait is on inherits the blocked mask: unblock before exec.
 * Its own loop waits for signals through a signalfd of its own: the
 * parent's (whose mask the parent's loop owns) is closed in the child.
 * Failures: -EINVAL for SIGKILL, SIGSTOP, glibc's reserved real-time
 * signals or no signal at all; -EMFILE and the other errors of signalfd.
 * No instance is lost: one read while nobody waited completes the next
 * wait at once, or, if nobody waits again before the next poll, is sent
 * back to the thread (value and sender kept) to act as usual. */
async(int) weft_signal(int signo);

/* ------------------------------------------------------------------------
 * 6. Synchronous helpers (they never yield)
 * ---------------------------------------------------------------------- */

/* weft_tcp_listen(host, port): a non-blocking listening TCP socket bound to
 * host and port (0 picks a free one), or a negative errno-style code.  host
 * is a numeric IPv4 or IPv6 address, "localhost" or NULL (127.0.0.1), or
 * "" (0.0.0.0, every interface); any other name fails with -EINVAL, since
 * resolving it would block: listen on a name with weft_tcp_listen_name
 * (section 19), an action. */
int weft_tcp_listen(const char *host, int port) WEFT_NOYIELD;

/* weft_tcp_port(fd): the local port socket fd is bound to, or -errno. */
int weft_tcp_port(int fd) WEFT_NOYIELD;

/* ------------------------------------------------------------------------
 * 7. Running: the one way out
 * ---------------------------------------------------------------------- */

/* weft_run(m, out): run the event loop until m finishes.  On success stores
 * m's value in *out (out may be NULL; for async(void) pass NULL) and returns
 * 0; if m failed, returns its negative errno-style code (-EDEADLK if m
 * waits for something that can never happen).  out must point to m's value
 * type (or be NULL).  A str result stays valid until the next weft_run
 * returns.  Call it from synchronous code (main), never inside a running
 * loop.  When it returns the loop is closed: every fiber is finished or
 * cancelled and released. */
#define weft_run(m, out)                                                          \
  WEFT__LET2(m, out, _Static_assert(__builtin_types_compatible_p(__typeof__(weft__b), void *) || \
                                        __builtin_types_compatible_p(__typeof__(weft__b), __typeof__(weft__a.out_type_)), \
                                    "weft_run: out must point to the action's value type, or be NULL"); \
             weft__run(weft__a.node_, weft__b, sizeof *weft__a.size_))

/* ------------------------------------------------------------------------
 * 8. Fibers that wait for each other: promises and conditions
 *
 *    The objects of sections 8 to 11 are plain heap objects, made and freed
 *    by synchronous calls, used by the actions built from them.  They belong
 *    to one thread.  Free one only once no fiber waits on it: freeing one
 *    with waiters is a misuse (reported, then abort).  An object a fiber may
 *    still wait on when weft_run returns must outlive that weft_run: closing
 *    the loop cancels the waiter, which leaves the object's queue.
 *
 *    Values travel as one word (uintptr_t), as every async value does: the
 *    functions that put a value in take any integer or pointer (converted
 *    to uintptr_t; a floating value is refused at compile time), and the
 *    actions that take one out are typed by name, like weft_return(name,
 *    v).  A pointer's target is the caller's to own.
 *
 *    Waiters are woken in the order they began to wait (FIFO).  A waiter
 *    cancelled (weft_pick, weft_timeout, weft_task_cancel, a switch) leaves
 *    the queue, and one cancelled after it was handed a value, a signal or
 *    the mutex, but before it ran, hands it on: nothing is lost.  Waiting is
 *    an action, so it yields; putting a value in without waiting,
 *    resolving, signalling, closing and cancelling are synchronous and
 *    never yield (they are noyield: they only make waiters ready).
 * ---------------------------------------------------------------------- */

/* A promise: a value (or failure) that one fiber supplies and any number
 * of fibers wait for; Lwt's Lwt.wait / Lwt.wakeup pair.  NULL on no memory. */
typedef struct weft_promise weft_promise_t;
weft_promise_t *weft_promise_new(void) WEFT_NOYIELD;

/* weft_promise_wait(name, p): async(name) that completes with p's value
 * once p is resolved (at once if it is), or fails with p's failure.  A
 * cancelled wait leaves p's queue; p is not affected. */
#define weft_promise_wait(name, p) ((async(name)){.node_ = weft__promise_wait(p)})

/* weft_promise_resolve(p, v): resolves p with the word v, waking every
 * waiter in FIFO order.  Resolving a promise twice (either way) is a
 * misuse.  weft_promise_reject(p, err): resolves p with the failure err (a
 * negative errno-style code). */
void weft_promise_resolve(weft_promise_t *p, uintptr_t value) WEFT_NOYIELD;
#define weft_promise_resolve(p, v) weft_promise_resolve((p), WEFT__WORD(v, "weft_promise_resolve"))
void weft_promise_reject(weft_promise_t *p, int err) WEFT_NOYIELD;

/* weft_promise_is_resolved(p): whether p has been resolved or rejected. */
bool weft_promise_is_resolved(const weft_promise_t *p) WEFT_NOYIELD;
void weft_promise_free(weft_promise_t *p) WEFT_NOYIELD;

/* A condition: fibers wait until another signals; Lwt_condition, libuv's
 * uv_cond_t for fibers.  A condition has no memory: a signal with nobody
 * waiting is lost, so wait in a loop that tests the state it guards. */
typedef struct weft_cond weft_cond_t;
weft_cond_t *weft_cond_new(void) WEFT_NOYIELD;

/* weft_cond_wait(c): async(void) that completes at the next signal or
 * broadcast of c.  A waiter woken by weft_cond_signal and cancelled before
 * it ran passes the signal on to the next waiter. */
async(void) weft_cond_wait(weft_cond_t *c);

/* weft_cond_signal(c) wakes the first waiter; weft_cond_broadcast(c) wakes
 * every fiber waiting now.  Neither yields. */
void weft_cond_signal(weft_cond_t *c) WEFT_NOYIELD;
void weft_cond_broadcast(weft_cond_t *c) WEFT_NOYIELD;
void weft_cond_free(weft_cond_t *c) WEFT_NOYIELD;

/* ------------------------------------------------------------------------
 * 9. Mailboxes (mvar) and bounded channels (streams)
 * ---------------------------------------------------------------------- */

/* A channel: a bounded FIFO of words between fibers; Lwt_stream's
 * create_bounded, Go's buffered channel.  capacity is how many values it
 * holds without a receiver (0: every send waits for its receiver, a
 * rendezvous).  NULL on no memory. */
typedef struct weft_chan weft_chan_t;
weft_chan_t *weft_chan_new(size_t capacity) WEFT_NOYIELD;

/* weft_chan_send(ch, v): async(void) that puts the word v in ch, waiting
 * while ch is full (backpressure).  Fails with -EPIPE if ch is closed, or
 * is closed while the send waits (v is then not in ch).  A send cancelled
 * while it waits puts nothing in; one cancelled after its value went in
 * (it was woken but had not run yet) leaves the value in and still ends
 * with the cancellation (-ETIMEDOUT under weft_timeout): resending after a
 * timeout may deliver v twice. */
async(void) weft_chan_send(weft_chan_t *ch, uintptr_t value);
#define weft_chan_send(ch, v) weft_chan_send((ch), WEFT__WORD(v, "weft_chan_send"))

/* weft_chan_recv(name, ch): async(name) with the oldest value in ch,
 * waiting while ch is empty.  Once ch is closed and empty it fails with
 * -EPIPE: that is the end of the stream.  A receive cancelled after it was
 * handed a value gives it back, at the front: cancellation (by weft_pick,
 * weft_timeout, a task's cancel) never loses a value. */
#define weft_chan_recv(name, ch) ((async(name)){.node_ = weft__chan_recv(ch)})

/* weft_chan_try_send(ch, v): puts v in at once if ch has room (or a
 * receiver waits): 0, else -EAGAIN, or -EPIPE if ch is closed.  Never
 * yields: a noyield function can feed a channel. */
int weft_chan_try_send(weft_chan_t *ch, uintptr_t value) WEFT_NOYIELD;
#define weft_chan_try_send(ch, v) weft_chan_try_send((ch), WEFT__WORD(v, "weft_chan_try_send"))

/* weft_chan_try_recv(ch, &v): takes the oldest value out at once if there
 * is one (from a waiting sender when capacity is 0): 0, else -EAGAIN, or
 * -EPIPE if ch is closed and empty.  Never yields: for draining what is
 * left in a channel before freeing it. */
int weft_chan_try_recv(weft_chan_t *ch, uintptr_t *out) WEFT_NOYIELD;

/* weft_chan_close(ch): no more values go in.  Waiting receivers fail with
 * -EPIPE, waiting senders too (their values are not in ch); the values
 * already in ch are still received, then receives fail with -EPIPE.
 * Closing twice is harmless. */
void weft_chan_close(weft_chan_t *ch) WEFT_NOYIELD;

/* weft_chan_length(ch): how many values ch holds now. */
size_t weft_chan_length(const weft_chan_t *ch) WEFT_NOYIELD;

/* weft_chan_free(ch): frees ch and the values still in it (words: what a
 * pointer value points to is the caller's). */
void weft_chan_free(weft_chan_t *ch) WEFT_NOYIELD;

/* A mailbox holding at most one value; Lwt_mvar.  weft_mvar_new() is
 * empty.  Put waits while it is full, take waits while it is empty; both
 * are FIFO and lose nothing when cancelled, as for a channel. */
typedef struct weft_mvar weft_mvar_t;
weft_mvar_t *weft_mvar_new(void) WEFT_NOYIELD;
async(void) weft_mvar_put(weft_mvar_t *mv, uintptr_t value);
#define weft_mvar_put(mv, v) weft_mvar_put((mv), WEFT__WORD(v, "weft_mvar_put"))
#define weft_mvar_take(name, mv) ((async(name)){.node_ = weft__mvar_take(mv)})
bool weft_mvar_is_empty(const weft_mvar_t *mv) WEFT_NOYIELD;
void weft_mvar_free(weft_mvar_t *mv) WEFT_NOYIELD;

/* ------------------------------------------------------------------------
 * 10. Mutex: critical sections that span yields
 * ---------------------------------------------------------------------- */

/* A mutex for fibers; Lwt_mutex.  There is no bare unlock: a critical
 * section is an action run by weft_with_lock. */
typedef struct weft_mutex weft_mutex_t;
weft_mutex_t *weft_mutex_new(void) WEFT_NOYIELD;

/* weft_with_lock(mx, m): waits for mx (FIFO), runs m holding it, and
 * releases it when m ends, whether m succeeded, failed or was cancelled;
 * then delivers m's outcome.  async(A) m -> async(A).  Locking mx again
 * inside m waits forever (the loop then reports -EDEADLK). */
#define weft_with_lock(mx, m) ((__typeof__(m)){.node_ = weft__with_lock((mx), (m).node_)})

bool weft_mutex_is_locked(const weft_mutex_t *mx) WEFT_NOYIELD;
void weft_mutex_free(weft_mutex_t *mx) WEFT_NOYIELD;

/* ------------------------------------------------------------------------
 * 11. Tasks and switches: fibers that can be cancelled and joined
 * ---------------------------------------------------------------------- */

/* A task is a spawned fiber with a handle; the handle is linear, like an
 * action: weft_task_join or weft_task_detach consumes it, once. */
typedef struct weft_task weft_task_t;

/* weft_spawn_task(m): starts the async(T) action m in a new fiber, like
 * weft_spawn (a sink), and returns its handle. */
#define weft_spawn_task(m) weft__spawn_task((m).node_)

/* weft_task_cancel(t): cancels the task's fiber as weft_pick cancels a
 * loser: its pending read, write, timer, watch or wait is released and its
 * weft_finally actions run; it then ends with -ECANCELED (or its
 * finaliser's failure).  Nothing if it has ended.  A fiber cancelling the
 * task it runs in is cancelled when it next yields.  Never yields. */
void weft_task_cancel(weft_task_t *t) WEFT_NOYIELD;

/* weft_task_join(name, t): async(name) that waits for the task to end and
 * delivers its outcome: its value, its failure, or -ECANCELED.  Consumes
 * t (when the join action is released, run or not).  A str value the task
 * read is freed with its fiber: copy it in the task.  Unlike weft_spawn, a
 * joined task's failure is not printed: the joiner gets it. */
#define weft_task_join(name, t) ((async(name)){.node_ = weft__task_join(t)})

/* weft_task_detach(t): gives the handle up; the task runs on as a
 * weft_spawn fiber: a failure is printed on stderr (at once if the task
 * has failed already). */
void weft_task_detach(weft_task_t *t) WEFT_NOYIELD;

/* A switch (Lwt_switch; a scope of structured concurrency): fibers spawned
 * under it can all be cancelled at once, and waited for. */
typedef struct weft_switch weft_switch_t;
weft_switch_t *weft_switch_new(void) WEFT_NOYIELD;

/* weft_switch_spawn(sw, m): weft_spawn(m) under sw (a sink).  Under a
 * switch that is off, m starts cancelled: only its finalisers run. */
#define weft_switch_spawn(sw, m)                                                  \
  WEFT__CHECKED(WEFT__IS_VOID(m), "weft_switch_spawn: the action must be async(void)", \
                weft__switch_spawn((sw), (m).node_))

/* weft_switch_off(sw): cancels every fiber still running under sw, as
 * weft_task_cancel does, and turns sw off.  Never yields. */
void weft_switch_off(weft_switch_t *sw) WEFT_NOYIELD;

/* weft_switch_join(sw): async(void) that completes when no fiber spawned
 * under sw is running any more (at once if none is). */
async(void) weft_switch_join(weft_switch_t *sw);

/* weft_switch_scope(sw, m): runs m; when it ends, however it ends, turns
 * sw off, waits for sw's fibers to finish their finalisers, then delivers
 * m's outcome.  Fibers m spawns under sw do not outlive m.  async(A) m ->
 * async(A). */
#define weft_switch_scope(sw, m) weft_finally((m), weft__switch_end, (sw))

/* weft_switch_count(sw): how many fibers under sw are running now. */
size_t weft_switch_count(const weft_switch_t *sw) WEFT_NOYIELD;
bool weft_switch_is_on(const weft_switch_t *sw) WEFT_NOYIELD;
void weft_switch_free(weft_switch_t *sw) WEFT_NOYIELD;

/* ------------------------------------------------------------------------
 * 12. Yield
 * ---------------------------------------------------------------------- */

/* weft_yield(): async(void) that lets every other ready fiber run once
 * before the caller goes on; round-robin fair (Lwt.pause, libuv's idle
 * turn).  IO and timers are polled in between, as at every turn. */
async(void) weft_yield(void);

/* ------------------------------------------------------------------------
 * 13. N-ary and value-carrying combinators
 *
 *    The n actions are built by a function, make(env, i) for i in [0, n),
 *    when the combinator is built: no array of actions to keep linear by
 *    hand.  Each action runs in a fiber of its own, as a join's branches.
 *      async(T) make(E *env, size_t i)
 * ---------------------------------------------------------------------- */

/* weft_all(n, make, env, values): runs the n actions concurrently and
 * stores the value of action i in values[i] (a T array of n, valid until
 * the action ends); Lwt.all.  If one fails, the others are cancelled and
 * weft_all fails with that failure.  -> async(void) */
#define weft_all(n, make, env, values)                                            \
  WEFT__CHECKED(__builtin_types_compatible_p(__typeof__(*(values)),               \
                                             __typeof__((make)((env), 0).value_type_())), \
                "weft_all: values must point to the actions' value type",        \
                (async(void)){.node_ = weft__all((n), (weft__fn)(make), (env), (values), sizeof *(values))})

/* weft_join_n(n, make, env): weft_all for async(void) actions. */
#define weft_join_n(n, make, env)                                                 \
  WEFT__CHECKED(WEFT__IS_VOID((make)((env), 0)), "weft_join_n: the actions must be async(void)", \
                (async(void)){.node_ = weft__all((n), (weft__fn)(make), (env), NULL, 0)})

/* weft_pick_n(n, make, env): the first of the n actions to end (success or
 * failure) gives the result; the others are cancelled, as by weft_pick;
 * Lwt.pick.  n == 0 fails with -EINVAL.  -> async(T) */
#define weft_pick_n(n, make, env)                                                 \
  ((__typeof__((make)((env), 0))){.node_ = weft__pick_n((n), (weft__fn)(make), (env), 0)})

/* weft_first_success(n, make, env): the first of the n actions to
 * succeed gives the result and the others are cancelled; failures are
 * ignored until all n have failed, and then the last failure is the
 * result.  n == 0 fails with -EINVAL.  -> async(T) */
#define weft_first_success(n, make, env)                                          \
  ((__typeof__((make)((env), 0))){.node_ = weft__pick_n((n), (weft__fn)(make), (env), 1)})

/* weft_both(a, b, out_a, out_b): runs a and b concurrently, stores their
 * values in *out_a and *out_b (valid until the action ends); Lwt.both.
 * If one fails, the other is cancelled and weft_both fails.  -> async(void) */
#define weft_both(a, b, out_a, out_b)                                             \
  WEFT__CHECKED(__builtin_types_compatible_p(__typeof__((a).out_type_), __typeof__(out_a)) && \
                    __builtin_types_compatible_p(__typeof__((b).out_type_), __typeof__(out_b)), \
                "weft_both: each out must point to its action's value type",     \
                (async(void)){.node_ = weft__both((a).node_, (b).node_, (out_a), sizeof *(out_a), \
                                                  (out_b), sizeof *(out_b))})

/* ------------------------------------------------------------------------
 * 14. Debugging: async backtraces
 *
 * Each combinator macro above (weft_bind, weft_then, weft_map, weft_catch,
 * weft_finally, weft_join, weft_pick, weft_timeout, and weft_fail) records
 * where it was written: one static struct weft_site per place in the source,
 * and one pointer to it in the action it builds.  A failure collects the sites
 * of the combinators it passes through on its way out (like Node's async
 * stack traces), and GDB shows the sites of every pending continuation
 * (`weft fibers`, see docs/debugging.md).  Compiling with WEFT_NO_SITES
 * defined records none: every site is then NULL and traces are empty.
 * ---------------------------------------------------------------------- */

/* A place in the source.  Static: valid for the life of the program. */
struct weft_site {
  const char *file; /* __FILE__ where the macro was expanded */
  int line;         /* __LINE__ there */
  const char *func; /* __func__: the function that built the action */
};

/* How many sites a failure keeps: the first ones (nearest where it was
 * raised); the rest are counted, not kept. */
#define WEFT_TRACE_MAX 64

/* weft_failure_site(i): the i-th site the failure that the last weft_run of
 * this thread returned passed through, in order: i = 0 is the weft_fail that
 * raised it (or, for a failed primitive such as a read, the innermost
 * combinator it was bound by), then each weft_bind, weft_then, weft_catch...
 * outward to the action given to weft_run.  NULL past the last one, and for
 * every i when that weft_run succeeded.  A failure of a weft_join or
 * weft_pick branch starts with the sites inside the branch, then the join's
 * or pick's own. */
const struct weft_site *weft_failure_site(size_t i);

/* weft_failure_trace(buf, size): the same chain as text, one line per site,
 *   "  #0 weft_fail in read_header (src/server.c:42)\n"
 * plus "  ... N more\n" when more than WEFT_TRACE_MAX sites were passed.
 * Written like snprintf: at most size bytes including the NUL (buf may be
 * NULL when size is 0); returns the length of the whole text, so a caller can
 * size its buffer.  "" when there is no failure to describe.
 *
 * With WEFT_TRACE=1 in the environment, the report on stderr of a spawned
 * fiber that failed ("weft: a spawned fiber failed: ...") is followed by
 * the same lines for that fiber's failure. */
size_t weft_failure_trace(char *buf, size_t size);

/* ------------------------------------------------------------------------
 * 15. Buffered channels: a reader and a writer over an fd
 *
 *    Lwt_io's input and output channels; libuv has none (a uv_read_cb gets
 *    whatever arrived).  A channel does not own its fd: freeing it (or
 *    closing a writer) leaves the fd open; close it with weft_close.  Do not
 *    mix a channel with weft_read or weft_write on the same fd in the same
 *    direction: bytes the reader has buffered are not seen by weft_read,
 *    and a weft_write goes out before what the writer still buffers.
 *
 *    Operations on one channel are served one at a time, in the order they
 *    began: several fibers may use one reader (or writer); an operation
 *    that has to wait for IO holds the channel, and the others queue behind
 *    it (FIFO, like the fd's own queues).  A queued operation that is
 *    cancelled leaves the queue.
 *
 *    Cancellation (weft_pick, weft_timeout, weft_task_cancel) never loses
 *    bytes: every byte a read returned is in the reader's buffer at once, so
 *    a read_line cancelled while it waits, or between two reads of a long
 *    line, leaves what arrived buffered for the next operation.
 *
 *    Memory: a channel holds no buffer while it is empty.  A reader takes
 *    one when bytes arrive (the size that arrived; capacity bytes, 4096
 *    when capacity is 0, once more must be appended) and gives it back
 *    when an operation finds it empty and must wait; it grows past
 *    capacity only as far as an operation asks (a line up to max_len,
 *    read_exactly(n), peek(n); such an operation fails with -ENOMEM before
 *    it reads if that much memory cannot be had).  A writer's is taken at
 *    the first buffered write and given back by a flush that empties it.
 *
 *    Strings returned by a reader (read_line, read_exactly, read_until,
 *    peek) point into the reader's buffer: no copy.  They are
 *    NUL-terminated (the NUL is not counted; the byte it covers is put back
 *    before the reader looks at its buffer again) and stay valid until the
 *    next operation on the same reader begins to run (whichever fiber runs
 *    it), or weft_reader_buffer or weft_reader_free is called.  Copy what
 *    you keep longer.  They may contain NULs: weft_reader_last_len gives
 *    the length.  The reader owns them: never free one.
 *
 *    Errors: -EPIPE when the input ends where bytes were required;
 *    -EMSGSIZE when a line or field is longer than its max_len (nothing is
 *    consumed: the bytes stay buffered); -ENOMEM; and the fd's own errors
 *    (-ECONNRESET, -EBADF when weft_close closes the fd...).
 * ---------------------------------------------------------------------- */

typedef struct weft_reader weft_reader_t;
typedef struct weft_writer weft_writer_t;

/* weft_reader_new(fd, capacity): a reader over fd with a buffer of
 * capacity bytes (0: 4096); NULL on no memory.  Reads on fd as weft_read
 * does (section 5). */
weft_reader_t *weft_reader_new(int fd, size_t capacity) WEFT_NOYIELD;

/* weft_reader_free(r): frees r and its buffer (bytes still buffered are
 * dropped); the fd stays open.  Freeing a reader an operation is running
 * or queued on is a misuse (reported, then abort); NULL is ignored. */
void weft_reader_free(weft_reader_t *r) WEFT_NOYIELD;

/* weft_read_line(r, max_len): the next line, without its "\n" or "\r\n"
 * (a CR elsewhere, even last before end of input, is part of the line);
 * Lwt_io.read_line.  max_len is the most bytes a line may have, not
 * counting its end.  At end of input, a last line with no newline is
 * returned as it is; with nothing left, -EPIPE.  A longer line fails with
 * -EMSGSIZE as soon as the buffered bytes show it, consuming nothing (the
 * buffer then holds at least max_len + 1 of its bytes): answer, skip with
 * weft_read_exactly or weft_read_until, or give up.  -> async(str), a
 * string in r's buffer (see above). */
async(str) weft_read_line(weft_reader_t *r, size_t max_len);

/* weft_read_exactly(r, n): exactly n bytes (n = 0: ""); Lwt_io.read_into_exactly.
 * If the input ends first, -EPIPE, and the bytes that did arrive stay
 * buffered (weft_reader_buffered says how many; weft_peek returns them).
 * A large n grows the buffer to n and reads straight into it: the result
 * is never copied.  -> async(str), a string in r's buffer. */
async(str) weft_read_exactly(weft_reader_t *r, size_t n);

/* weft_read_until(r, delim, max_len): the bytes before the next delim, a
 * NUL-terminated string of one or more bytes (copied when the action is
 * built; "\r\n\r\n" ends an HTTP head), which is consumed and not
 * returned.  Fails with -EMSGSIZE if more than max_len bytes come before
 * it (nothing consumed), with -EPIPE if the input ends first (what arrived
 * stays buffered), and with -EINVAL for an empty or NULL delim.  ->
 * async(str), a string in r's buffer. */
async(str) weft_read_until(weft_reader_t *r, const char *delim, size_t max_len);

/* weft_peek(r, n): the next n bytes without consuming them: the next
 * operation returns them again.  Waits until n bytes are buffered or the
 * input ends: then fewer ("" at end of input with nothing buffered);
 * weft_reader_last_len says how many.  -> async(str), a string in r's
 * buffer. */
async(str) weft_peek(weft_reader_t *r, size_t n);

/* weft_reader_buffered(r): how many bytes r holds that no operation has
 * consumed (Lwt_io.buffered): the next operations are served from them
 * without IO.  Never yields. */
size_t weft_reader_buffered(const weft_reader_t *r) WEFT_NOYIELD;

/* weft_reader_buffer(r, &len): those bytes themselves, without IO (*len
 * set to their count; "" when none), for a parser that looks ahead.
 * Valid until the next operation on r; it ends the validity of the
 * strings r returned before (their NULs are taken back).  Never yields. */
const char *weft_reader_buffer(weft_reader_t *r, size_t *len) WEFT_NOYIELD;

/* weft_reader_last_len(r): the length of the string r's last operation
 * returned, NULs included (0 before any). */
size_t weft_reader_last_len(const weft_reader_t *r) WEFT_NOYIELD;

/* weft_writer_new(fd, capacity): a writer over fd with a buffer of up to
 * capacity bytes (0: 4096), taken at the first buffered write, grown from
 * 256 bytes as writes need room and given back when a flush empties it;
 * NULL on no memory.  Writes on fd as weft_write
 * does (section 5: -EPIPE, never SIGPIPE, for a closed peer). */
weft_writer_t *weft_writer_new(int fd, size_t capacity) WEFT_NOYIELD;

/* weft_writer_free(w): frees w; bytes still buffered are dropped (flush or
 * close first); the fd stays open.  Freeing a writer an operation is
 * running or queued on is a misuse; NULL is ignored. */
void weft_writer_free(weft_writer_t *w) WEFT_NOYIELD;

/* weft_writer_write(w, buf, len): buffers len bytes of buf (Lwt_io.write_from_exactly).
 * If they fit in the buffer's room they are copied and the action ends at
 * once, without IO; otherwise the buffer is written out first, and bytes
 * still more than the buffer holds go out straight from buf (no copy).
 * buf must stay valid until the action ends (as for weft_write).  A write
 * cancelled after part of buf went out keeps the rest (copied) for the
 * next flush, so the peer never sees half of it followed by other bytes;
 * one cancelled before that adds nothing.  Fails with the first write
 * error of w (then every later operation of w fails with it, and the
 * buffered bytes are dropped), or -EBADF once w is closed.
 * -> async(void) */
async(void) weft_writer_write(weft_writer_t *w, const char *buf, size_t len);

/* weft_flush(w): writes every buffered byte out (Lwt_io.flush).  Cancelled,
 * it leaves what it had not written buffered.  -> async(void) */
async(void) weft_flush(weft_writer_t *w);

/* weft_writer_close(w): flushes, then closes w: later writes fail with
 * -EBADF (Lwt_io.close, but the fd stays open: weft_close it).  Fails with
 * the first write error w met, if any, so that a server learns whether
 * its last answer went out.  -> async(void) */
async(void) weft_writer_close(weft_writer_t *w);

/* weft_writer_buffered(w): bytes buffered and not written yet. */
size_t weft_writer_buffered(const weft_writer_t *w) WEFT_NOYIELD;

/* ------------------------------------------------------------------------
 * 16. Readiness: driving libraries that do their own IO
 *
 *    A library that owns its sockets (OpenSSL, libcurl's multi socket API,
 *    a database client, c-ares) reads and writes them itself, without
 *    blocking, and says "try again when the fd is readable (or writable)".
 *    These waits are that "when": Lwt_unix.wait_read / wait_write, libuv's
 *    uv_poll_t.  They do no IO.  A wait queues on the fd like a weft_read
 *    (readable) or weft_write (writable) would, first come first served,
 *    so weft_close fails it with -EBADF, and a wait cancelled (weft_pick,
 *    weft_timeout, weft_task_cancel, a switch) releases its watch at once.
 *    The fd's flags are the library's business: weft changes none.  For an
 *    OpenSSL connection, make the socket non-blocking and retry SSL_read,
 *    SSL_write or SSL_do_handshake after weft_wait_readable on
 *    SSL_ERROR_WANT_READ and weft_wait_writable on SSL_ERROR_WANT_WRITE
 *    (test/runtime/ready_tls.c does exactly that).
 * ---------------------------------------------------------------------- */

/* weft_wait_readable(fd): async(void) that completes once fd is readable
 * (at once if it is): data, end of file, a pending connection on a
 * listening socket, or an error or hang-up (the library's next call reports
 * which).  Failures: -EBADF if fd is not open or is closed by weft_close
 * while the wait is on. */
async(void) weft_wait_readable(int fd);

/* weft_wait_writable(fd): the same for writing: room in the send buffer,
 * a finished connect, or an error or hang-up. */
async(void) weft_wait_writable(int fd);

/* ------------------------------------------------------------------------
 * 17. The worker pool: running blocking functions off the loop
 *
 *    weft_detach runs a blocking function (a disk read, a DNS lookup, a
 *    compression, a library call with no asynchronous API) on one of a
 *    bounded set of threads, and completes on the loop with its result:
 *    Lwt_preemptive.detach, libuv's uv_queue_work.  The pool is one per
 *    process, shared by the loops of all threads.  Its size bounds how
 *    many functions run at once (default 4, as libuv's; WEFT_POOL_SIZE in
 *    the environment, read once, or weft_pool_set_size); more jobs wait in
 *    a FIFO queue.  Threads are started on demand and live until exit.  A
 *    finished job wakes its loop through an eventfd in the loop's epoll set:
 *    the loop sleeps while the workers run and never polls for them.
 *
 *    The function runs on another thread: it must not touch the loop (no
 *    actions, no weft_* call other than weft_run of a loop of its own) nor
 *    data a fiber may change meanwhile without a lock.  Workers block all
 *    signals.
 *
 *    Cancellation (weft_pick, weft_timeout, a task's or switch's cancel,
 *    the loop closing) ends the action at once with -ECANCELED (or the
 *    canceller's code), in three cases:
 *      not started yet  the job leaves the queue: fn never runs;
 *      running          fn runs to its end on its worker (a thread cannot
 *                       be stopped safely); its result is not delivered;
 *      finished, not    the result is not delivered.
 *      yet delivered
 *    Ownership follows: use weft_detach_release whenever the action may be
 *    cancelled and fn's argument or result needs freeing.
 *
 *    Exit: queued jobs never run; idle workers are joined by an atexit
 *    handler, and a worker still running a job is left to the exit.
 *    fork: the child's pool starts empty; the parent's jobs never run in
 *    the child; the child's first job starts threads of its own.
 * ---------------------------------------------------------------------- */

/* weft_detach(fn, arg): async(ptr) that runs fn(arg) on a worker thread and
 * completes with what fn returns.  arg stays the caller's and must stay
 * valid until fn has returned, which, if the action is cancelled while fn
 * runs, is later than the action's end: pass only what outlives it, or
 * hand arg over with weft_detach_release.  Failures: -ECANCELED when
 * started during the loop's close, -EAGAIN (or another -errno) if no
 * worker thread can be started at all, -ESHUTDOWN during exit. */
async(ptr) weft_detach(void *(*fn)(void *arg), void *arg);

/* weft_detach_release(fn, arg, release): weft_detach, with arg handed over
 * to the action.  When the action delivers fn's result, arg and the result
 * are the caller's again and release is not called.  When it ends without
 * delivering (any cancellation, the loop closing, or the action freed
 * without ever starting, as the unstarted rest of a cancelled fiber is),
 * release(arg, result) is called once to free them: result is NULL if fn
 * never ran.  release runs
 * on the loop's thread, except when fn was running at the cancellation:
 * then on the worker, right after fn returns, so it must be thread-safe
 * (free() is). */
async(ptr) weft_detach_release(void *(*fn)(void *arg), void *arg, void (*release)(void *arg, void *result));

/* weft_pool_set_size(n): at most n jobs run at once from now on (1 to
 * 1024; -EINVAL otherwise); 0 on success.  Growing starts threads for jobs
 * already waiting; shrinking lets running jobs finish and leaves the extra
 * threads idle.  Overrides WEFT_POOL_SIZE. */
int weft_pool_set_size(size_t n) WEFT_NOYIELD;

/* weft_pool_size(): the current size (WEFT_POOL_SIZE, a value set, or 4). */
size_t weft_pool_size(void) WEFT_NOYIELD;

/* ------------------------------------------------------------------------
 * 18. Files: regular-file IO on the worker pool
 *
 *    A regular file is never "not ready" to epoll, yet a read from a cold
 *    disk or a network file system blocks: these run the system call on
 *    the worker pool (17) and complete on the loop, as libuv's uv_fs_* and
 *    Lwt_unix's file functions do.  weft_read and weft_write on a regular
 *    file still call read(2) and write(2) on the loop directly.  Every
 *    input is copied or owned by the action, so a cancellation (which, for
 *    a call already running, lets it finish on its worker; see 16) never
 *    leaves a worker writing into the program's memory: what a cancelled
 *    call produced (an opened fd, read bytes) is freed or closed by the
 *    runtime.  Failures are -errno of the system call.
 * ---------------------------------------------------------------------- */

struct stat;

/* weft_file_open(path, flags, mode): async(int), a new fd for path
 * (open(2); O_CLOEXEC is always added).  path is copied.  An open cancelled
 * while it ran closes the fd it got. */
async(int) weft_file_open(const char *path, int flags, mode_t mode);

/* weft_file_read(fd, n, offset): async(str), up to n bytes (n > 0, else
 * -EINVAL) read at offset (pread(2)), or at the file position if offset is
 * negative (read(2); concurrent position reads of one fd run in any order).
 * "" at end of file.  The bytes are the runtime's and follow weft_read's
 * rule: NUL-terminated, the running fiber's latest read (weft_str_len
 * gives their length), valid until that fiber has completed two more
 * reads.  -ENOMEM if n bytes cannot be allocated; -EINVAL for n = 0 or
 * n > SSIZE_MAX.  Cancelled while it runs, a read at the file position
 * still moves the position past the bytes it drops: use offsets where a
 * read may be cancelled. */
async(str) weft_file_read(int fd, size_t n, off_t offset);

/* weft_file_write(fd, buf, len, offset): async(void), all len bytes written
 * at offset (pwrite(2)), or at the file position if offset is negative
 * (write(2), which O_APPEND makes an append).  buf is copied when the
 * action is built: the caller may free it at once. */
async(void) weft_file_write(int fd, const char *buf, size_t len, off_t offset);

/* weft_file_fsync(fd): async(void), fsync(2). */
async(void) weft_file_fsync(int fd);

/* weft_file_stat(path, out): async(void), stat(2) of path (copied) into
 * *out.  *out is written on the loop's thread when the action completes,
 * so out must stay valid until then, and is untouched if it fails or is
 * cancelled. */
async(void) weft_file_stat(const char *path, struct stat *out);

/* weft_file_close(fd): async(void), close(2) on the pool.  As weft_close,
 * every fiber waiting on fd through weft (weft_read, a readiness wait...)
 * fails with -EBADF when the close starts.  If it is cancelled before it
 * started, fd stays open. */
async(void) weft_file_close(int fd);

/* ------------------------------------------------------------------------
 * 19. Names: resolving and connecting without blocking the loop
 *
 *    getaddrinfo(3) blocks (DNS, /etc/hosts, NSS modules); weft runs it on
 *    the worker pool (libuv's uv_getaddrinfo; Lwt_unix.getaddrinfo).  Its
 *    failures are not errno values: they come back as negative codes of
 *    their own, WEFT_EAI(EAI_NONAME) and so on, which weft_strerror
 *    describes ("Name or service not known").  Out of memory and system
 *    errors (EAI_MEMORY, EAI_SYSTEM) come back as -ENOMEM and -errno.
 * ---------------------------------------------------------------------- */

struct addrinfo;

/* The failure code of getaddrinfo's error code eai (an EAI_* constant,
 * negative in glibc): below every errno value, so never mistaken for one. */
#define WEFT_EAI(eai) (-20000 + (eai))

/* weft_strerror(err): a text for a weft failure code: getaddrinfo's
 * gai_strerror for WEFT_EAI codes, strerror(-err) for the others.  The
 * text is static or thread-local; do not free it. */
const char *weft_strerror(int err) WEFT_NOYIELD;

/* weft_getaddrinfo(host, service, hints): async(ptr), the struct addrinfo
 * list getaddrinfo(3) gives for host and service (either may be NULL, not
 * both) with hints (may be NULL: getaddrinfo's defaults).  host, service
 * and hints are copied.  The list is the caller's: free it with
 * freeaddrinfo(3).  A lookup cancelled while it ran frees its list itself.
 * Failures: WEFT_EAI(EAI_NONAME) for a name that does not resolve, other
 * WEFT_EAI codes, -ENOMEM, -errno. */
async(ptr) weft_getaddrinfo(const char *host, const char *service, const struct addrinfo *hints);

/* weft_tcp_connect(host, port): async(int), a new non-blocking,
 * close-on-exec socket connected to host (a name or a numeric address;
 * NULL means the loopback addresses, ::1 and 127.0.0.1, as getaddrinfo's
 * NULL node does, with no lookup at all) at port.  The name is resolved on the pool
 * (weft_getaddrinfo, SOCK_STREAM, any family) and each address is tried
 * in turn, in getaddrinfo's order (RFC 6724), until one connects; a
 * socket that failed is closed before the next try.  Failures: the
 * resolver's code, or the last address's connect failure (-ECONNREFUSED,
 * -ENETUNREACH...); -EINVAL for a port outside 0..65535.  Tries are
 * sequential, without the RFC 8305 (Happy Eyeballs) race: an address that
 * never answers holds the next back for the system's connect timeout, so
 * bound the whole with weft_timeout.  Cancelled, it closes the socket it
 * was connecting. */
async(int) weft_tcp_connect(const char *host, int port);

/* weft_tcp_listen_name(host, port): async(int), weft_tcp_listen for any
 * host name: the name is resolved on the pool (AI_PASSIVE, SOCK_STREAM)
 * and the first address that can be bound and listened on gives the
 * socket (non-blocking, close-on-exec, SO_REUSEADDR).  NULL means
 * "localhost" (as for weft_tcp_listen), "" every local address (one socket,
 * on getaddrinfo's first wildcard).  weft_tcp_listen itself stays synchronous and
 * noyield, for what needs no resolver: numeric addresses, "localhost"
 * (127.0.0.1) and "" (0.0.0.0).  Failures as weft_tcp_connect's, with
 * bind's and listen's (-EADDRINUSE...). */
async(int) weft_tcp_listen_name(const char *host, int port);

/* ------------------------------------------------------------------------
 * 20. Datagrams (UDP) and shutdown
 *
 *    Lwt_unix.recvfrom / sendto / shutdown; libuv's uv_udp_recv_start,
 *    uv_udp_send and uv_shutdown.  Each is an action on the fd's queues, as
 *    weft_read and weft_write are: receives are served in the order they
 *    started, a weft_close of the fd fails them with -EBADF, and the calls
 *    are non-blocking per call (MSG_DONTWAIT), whatever the socket's flags.
 * ---------------------------------------------------------------------- */

/* What weft_recvfrom tells about the datagram it delivered. */
typedef struct weft_datagram {
  struct sockaddr_storage from; /* the sender's address */
  socklen_t from_len;           /* its length, as recvfrom(2) reported it */
  size_t size;                  /* the datagram's whole size in bytes; more than the
                                   bytes delivered when it was truncated */
} weft_datagram_t;

/* weft_udp_bind(host, port): a non-blocking, close-on-exec UDP socket bound
 * to a numeric IPv4 or IPv6 address (NULL: 127.0.0.1; "0.0.0.0" or "::"
 * for every interface) and port (0: one the kernel picks; weft_tcp_port
 * tells which), or -errno; -EINVAL for a host that is not a numeric
 * address (resolve a name first).  Any datagram socket of the program's
 * works with the actions below as well. */
int weft_udp_bind(const char *host, int port) WEFT_NOYIELD;

/* weft_recvfrom(fd, n, info): the next datagram on socket fd, at most n
 * bytes of it (n > 0, else -EINVAL), as a string owned like weft_read's
 * (NULs allowed; weft_str_len gives the length).  If info is not NULL,
 * the sender's address, its length and the datagram's whole size are
 * stored in *info when the datagram is received (info must stay valid
 * until the action finishes).
 *   Truncation: a datagram longer than n is delivered cut to n bytes, the
 *     rest is dropped by the kernel (as recvfrom(2) does), and info->size
 *     says how long it was (MSG_TRUNC): truncated iff info->size >
 *     weft_str_len(s).  To never truncate, give n = 65536 for UDP.
 *   An empty datagram is a datagram: "" with info->size == 0.  It is not
 *     an end of input (a datagram socket has none).
 *   Errors the kernel queued on the socket are failures of the next
 *     receive (or send), once: a connected UDP socket whose earlier send
 *     met a closed port fails with -ECONNREFUSED, and stays usable.
 * -> async(str) */
async(str) weft_recvfrom(int fd, size_t n, weft_datagram_t *info);

/* weft_sendto(fd, buf, len, addr, addr_len): send buf as one datagram to
 * addr (copied when the action is built), or to the connected peer when
 * addr is NULL and addr_len 0.  buf is not copied: keep it valid until the
 * action finishes.  len may be 0 (an empty datagram).  A datagram goes
 * whole or not at all: too long for the socket fails with -EMSGSIZE.  Sends
 * on one fd queue with weft_write's, first come, first served.  -EINVAL for
 * an addr_len larger than a sockaddr_storage.  Meant for datagram sockets:
 * on a stream socket use weft_write, whose rest is finished if it is
 * cancelled half way (a weft_sendto's is not).  -> async(void) */
async(void) weft_sendto(int fd, const char *buf, size_t len, const struct sockaddr *addr, socklen_t addr_len);

/* weft_shutdown(fd, how): shutdown(2) of socket fd, as an action because
 * SHUT_WR and SHUT_RDWR take their turn in fd's write queue: every
 * weft_write and weft_sendto that started before is written first, so the
 * peer sees all of it, then the end of the stream (uv_shutdown waits for
 * pending writes the same way).  SHUT_RD does not queue: it acts at once,
 * and a read waiting on fd then completes ("" on TCP).  Errors: -ENOTSOCK,
 * -ENOTCONN, -EINVAL (a bad how), -EBADF (closed, also by a weft_close
 * while the shutdown waited its turn).  -> async(void) */
async(void) weft_shutdown(int fd, int how);

/* ------------------------------------------------------------------------
 * 21. Child processes
 *
 *    Lwt_process (exec, open_process) and libuv's uv_spawn / uv_process_t:
 *    start a program with pipes to its stdin, stdout and stderr, wait for
 *    its exit as an action, signal it.  Spawning never yields: posix_spawn
 *    blocks the thread only until the child has called exec (glibc starts
 *    it vfork-style), and reports an exec that failed (ENOENT, EACCES...)
 *    as the spawn's own error, not as an exit status 127.
 *
 *    Waiting uses a pidfd (pidfd_open(2), Linux 5.3) in the loop's epoll
 *    set: no SIGCHLD handler, no signal disposition touched, and the
 *    program's own children are never reaped by weft.  Where pidfds are
 *    refused (older kernels, or WEFT_PROCESS_POLL=1 in the environment at
 *    spawn time, for tests), a wait polls with waitpid(WNOHANG) from the
 *    timer heap instead, every 1 ms at first, backing off to every 50 ms.
 *
 *    Zombies: weft reaps a child only through weft_process_wait (the first
 *    one to see it exit keeps its status in p for every later wait) and
 *    weft_process_free.  A cancelled wait (weft_timeout, weft_pick, a
 *    loop closing) reaps nothing: the child stays waitable, by a later
 *    weft_process_wait in this or another weft_run.  weft_process_free of
 *    a child that has not exited neither kills nor waits for it: it is
 *    reaped, without blocking, by a later weft_process_spawn or
 *    weft_process_free in the process that finds it exited (one still
 *    running when the program exits is reaped by init).  Do not reap
 *    weft's children yourself (waitpid(-1), SIGCHLD set to SIG_IGN): the
 *    wait then fails with -ECHILD.
 * ---------------------------------------------------------------------- */
typedef struct weft_process weft_process_t;

/* What the child's fd 0, 1 or 2 is (weft_process_options_t.stdio[i]). */
enum weft_stdio {
  WEFT_STDIO_INHERIT = 0, /* the parent's own fd i (the default) */
  WEFT_STDIO_PIPE,        /* a new pipe; the parent's end is weft_process_stdin/stdout/stderr(p) */
  WEFT_STDIO_NULL,        /* /dev/null */
  WEFT_STDIO_FD,          /* the parent's fd stdio_fd[i] (2>&1: stdio_fd[2] = a pipe's or file's fd) */
};

typedef struct weft_process_options {
  char *const *envp;   /* the child's environment, NULL-terminated; NULL: this process's (environ) */
  const char *cwd;     /* the child's working directory; NULL: this process's */
  int stdio[3];        /* enum weft_stdio for the child's fds 0, 1, 2 */
  int stdio_fd[3];     /* the parent's fd for WEFT_STDIO_FD */
} weft_process_options_t;

/* weft_process_spawn(out, file, argv, opts): starts file with argv
 * (argv[0] first, NULL-terminated), searched in PATH when file has no '/'
 * (as execvp); opts may be NULL (everything inherited).  On success *out
 * is the new process (free it with weft_process_free) and 0 is returned;
 * else *out is NULL and -errno: -ENOENT or -EACCES for a program that
 * cannot be run, -EINVAL for a NULL file or argv or a bad stdio mode,
 * -EBADF for a bad stdio_fd, -EMFILE...  The child starts with an empty
 * signal mask (weft_signal blocks signals in the loop's thread; the child
 * does not inherit that) and with no fd of the parent's but 0, 1, 2 and
 * those without close-on-exec.  The pipes' parent ends are close-on-exec
 * and belong to the caller, who closes them (weft_close): the child sees
 * the end of its stdin only when its pipe is closed. */
int weft_process_spawn(weft_process_t **out, const char *file, char *const argv[],
                       const weft_process_options_t *opts) WEFT_NOYIELD;

/* The parent's end of the child's stdin (for weft_write), stdout or stderr
 * (for weft_read) pipe, or -1 if that fd was not WEFT_STDIO_PIPE. */
int weft_process_stdin(const weft_process_t *p) WEFT_NOYIELD;
int weft_process_stdout(const weft_process_t *p) WEFT_NOYIELD;
int weft_process_stderr(const weft_process_t *p) WEFT_NOYIELD;
pid_t weft_process_pid(const weft_process_t *p) WEFT_NOYIELD;

/* weft_process_wait(p): completes when the child has exited, with its
 * status as waitpid(2) gives it (read it with WIFEXITED/WEXITSTATUS,
 * WIFSIGNALED/WTERMSIG from <sys/wait.h>); at once if it was already
 * reaped.  Several fibers may wait for one child; each gets the status.
 * Cancellation leaves the child unreaped and waitable.  Fails with
 * -ECHILD if something else reaped the child.  -> async(int) */
async(int) weft_process_wait(weft_process_t *p);

/* weft_process_kill(p, sig): sends sig (pidfd_send_signal where there is
 * a pidfd, so never to a recycled pid); 0, or -ESRCH once the child has
 * been reaped, -EINVAL for a bad signal. */
int weft_process_kill(weft_process_t *p, int sig) WEFT_NOYIELD;

/* weft_process_free(p): releases p (NULL is ignored), reaping the child if
 * it has exited; a child still running is left running (see above).  The
 * pipes are the caller's and are not closed.  Freeing p while a fiber
 * waits on it is a misuse the runtime reports. */
void weft_process_free(weft_process_t *p) WEFT_NOYIELD;

/* ------------------------------------------------------------------------
 * 22. Tickers: a periodic tick without drift
 *
 *    Go's time.Ticker, libuv's repeating uv_timer, Lwt_engine.on_timer with
 *    repeat.  Tick k is due at start + k * period (k = 1, 2, ...), start
 *    being when the ticker was made: deadlines are absolute, so the time
 *    a consumer spends between ticks never shifts the later ones.  The
 *    ticks wait in the loop's timer heap, like weft_sleep_ms.
 * ---------------------------------------------------------------------- */
typedef struct weft_ticker weft_ticker_t;

/* weft_ticker_new(period_ms): a ticker whose clock (CLOCK_MONOTONIC)
 * starts now; NULL if period_ms <= 0 or memory runs out. */
weft_ticker_t *weft_ticker_new(long period_ms) WEFT_NOYIELD;

/* weft_tick(t): completes at the next tick due, never before it, and
 * produces how many ticks fell due since the previous weft_tick of t
 * completed (since t was made, for the first): 1 when the consumer keeps
 * up.  A consumer that falls behind is not made to catch up tick by tick:
 * the ticks it missed are skipped, as Go's Ticker drops them, and
 * counted: a weft_tick called after the ticks k..j fell due completes at
 * once with j - k + 1, and the next one waits for tick j + 1.  Several
 * fibers may wait on one ticker: each tick goes to the first in line, the
 * next waits for the tick after.  Cancelling the wait (weft_timeout,
 * weft_pick) consumes no tick.  -> async(long) */
async(long) weft_tick(weft_ticker_t *t);

/* weft_ticker_free(t): frees t (NULL is ignored).  Freeing a ticker a
 * fiber waits on is a misuse the runtime reports. */
void weft_ticker_free(weft_ticker_t *t) WEFT_NOYIELD;

/* ------------------------------------------------------------------------
 * Internals the macros above expand to.  Not part of the API.
 * ---------------------------------------------------------------------- */
typedef void (*weft__fn)(void);

/* The call site of the macro being expanded, as a static record: a
 * statement expression is the one place C lets an expression own one. */
#ifdef WEFT_NO_SITES
#define WEFT__SITE() ((const struct weft_site *)0)
#else
#define WEFT__SITE()                                                              \
  (__extension__({                                                               \
    static const struct weft_site weft__site_ = {__FILE__, __LINE__, __func__};  \
    &weft__site_;                                                                \
  }))
#endif

/* weft_return's action.  A value whose word survives a shift left by one
 * (every pointer, and every integer from -2^62 to 2^62 - 1) is carried in
 * the action's pointer itself, tagged by its low bit (a node is never at an
 * odd address): an *immediate*, which the runtime consumes without a node
 * (issue 13: building and releasing a RETURN node was a third of a bind).
 * Other values get a node.  Builds without NDEBUG keep a node for every
 * value, so that the runtime's debug checks can report a weft_return used
 * twice; define WEFT_IMMEDIATE_RETURN to 0 or 1 to choose either way. */
#ifndef WEFT_IMMEDIATE_RETURN
#ifdef NDEBUG
#define WEFT_IMMEDIATE_RETURN 1
#else
#define WEFT_IMMEDIATE_RETURN 0
#endif
#endif
struct weft__node *weft__return_node(uintptr_t value);
static inline struct weft__node *weft__return(uintptr_t value) {
#if WEFT_IMMEDIATE_RETURN
  /* Shifts of the word's bits; both compilers shift a signed word arithmetically. */
  if ((uintptr_t)((intptr_t)(value << 1) >> 1) == value) return (struct weft__node *)((value << 1) | 1u);
#endif
  return weft__return_node(value);
}
/* The last argument of each is the call site of the macro, or NULL. */
struct weft__node *weft__fail(int err, const struct weft_site *site);
struct weft__node *weft__bind(struct weft__node *m, weft__fn k, void *env, const struct weft_site *site);
struct weft__node *weft__then(struct weft__node *m, weft__fn k, void *env, const struct weft_site *site);
struct weft__node *weft__map(struct weft__node *m, weft__fn f, void *env, size_t size, int is_signed,
                             const struct weft_site *site);
struct weft__node *weft__catch(struct weft__node *m, weft__fn h, void *env, const struct weft_site *site);
struct weft__node *weft__finally(struct weft__node *m, weft__fn f, void *env, const struct weft_site *site);
struct weft__node *weft__join(struct weft__node *a, struct weft__node *b, const struct weft_site *site);
struct weft__node *weft__pick(struct weft__node *a, struct weft__node *b, const struct weft_site *site);
struct weft__node *weft__timeout(struct weft__node *m, long ms, const struct weft_site *site);
struct weft__node *weft__take(struct weft__node **slot);
void weft__spawn(struct weft__node *m);
int weft__run(struct weft__node *m, void *out, size_t out_size);
struct weft__node *weft__promise_wait(weft_promise_t *p);
struct weft__node *weft__chan_recv(weft_chan_t *ch);
struct weft__node *weft__mvar_take(weft_mvar_t *mv);
struct weft__node *weft__with_lock(weft_mutex_t *mx, struct weft__node *m);
weft_task_t *weft__spawn_task(struct weft__node *m);
struct weft__node *weft__task_join(weft_task_t *t);
void weft__switch_spawn(weft_switch_t *sw, struct weft__node *m);
async(void) weft__switch_end(weft_switch_t *sw);
struct weft__node *weft__all(size_t n, weft__fn make, void *env, void *values, size_t size);
struct weft__node *weft__pick_n(size_t n, weft__fn make, void *env, int first_success);
struct weft__node *weft__both(struct weft__node *a, struct weft__node *b, void *out_a, size_t size_a,
                              void *out_b, size_t size_b);

#define WEFT__PICK3(a, b, macro, ...) macro
#define WEFT__VALUE_TYPE(name) __typeof__(((async(name) *)0)->value_type_())
#define WEFT__RETURN_VALUE(name, v)                                               \
  ((async(name)){.node_ = weft__return((uintptr_t)(WEFT__VALUE_TYPE(name)){(v)})})
#define WEFT__RETURN_UNIT(name)                                                   \
  ((async(name)){.node_ = ((void)sizeof(weft__unit_name_##name), weft__return(0))})
#define WEFT__FAIL_TYPED(name, err) ((async(name)){.node_ = weft__fail((err), WEFT__SITE())})
#define WEFT__FAIL_UNIT(err) ((async(void)){.node_ = weft__fail((err), WEFT__SITE())})
/* A mapped value is re-extended to a full word from its size and signedness,
 * because a function returning a narrow type leaves the rest undefined. */
#define WEFT__MAP_NODE()                                                          \
  weft__map(weft__m.node_, (weft__fn)weft__k, weft__env, sizeof weft__k(weft__env, weft__m.value_type_()), \
            WEFT__IS_SIGNED(__typeof__(weft__k(weft__env, weft__m.value_type_()))), WEFT__SITE())
#define WEFT__IS_SIGNED(T)                                                        \
  _Generic((T)0, signed char: 1, short: 1, int: 1, long: 1, long long: 1,        \
           char: ((char)-1 < 0), default: 0)

/* The combinators' arguments are each written once in their expansion: the
 * WEFT__LET forms bind them to locals (weft__m or weft__a and weft__b for the
 * actions, weft__k for the continuation, weft__env) and the body, which may
 * check types with _Static_assert first, speaks only of those locals.  A
 * combinator nested in another's argument is therefore parsed once, and
 * compile time grows linearly with nesting depth.  The checker (plugin/)
 * sees through these locals to the argument the user wrote. */
/* A combinator nested in another's argument declares its locals again, in
 * an inner scope: the shadowing is the design, and -Wshadow is told so. */
#define WEFT__NO_SHADOW_BEGIN _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wshadow\"")
#define WEFT__NO_SHADOW_END _Pragma("GCC diagnostic pop")
#define WEFT__LET1(m, ...) (__extension__({ WEFT__NO_SHADOW_BEGIN __auto_type weft__m = (m); WEFT__NO_SHADOW_END __VA_ARGS__; }))
#define WEFT__LET2(a, b, ...)                                                     \
  (__extension__({ WEFT__NO_SHADOW_BEGIN __auto_type weft__a = (a); __auto_type weft__b = (b); WEFT__NO_SHADOW_END __VA_ARGS__; }))
#define WEFT__LET3(m, k, env, ...)                                                \
  (__extension__({                                                               \
    WEFT__NO_SHADOW_BEGIN                                                        \
    __auto_type weft__m = (m);                                                   \
    __auto_type weft__k = (k);                                                   \
    __auto_type weft__env = (env);                                               \
    WEFT__NO_SHADOW_END                                                          \
    __VA_ARGS__;                                                                 \
  }))
/* expr, once the compiler has checked cond; the message names the misuse. */
#define WEFT__CHECKED(cond, msg, expr) (__extension__({ _Static_assert(cond, msg); expr; }))
/* v as a word, for the functions that put a value in a promise, channel or
 * mvar; floating and other non-word values are refused (type classes 1 to 5,
 * the bits of 0x3e, written so that no compiler adds a note of its own:
 * integer, char, enum, bool, pointer). */
#define WEFT__WORD(v, by)                                                         \
  WEFT__CHECKED(!!((0x3e >> __builtin_classify_type(v)) & 1),                   \
                by ": the value must be an integer, enum, bool or pointer (one word)", (uintptr_t)(v))
#define WEFT__SAME_TYPE(a, b) __builtin_types_compatible_p(__typeof__(a), __typeof__(b))
#define WEFT__IS_VOID(m) __builtin_types_compatible_p(__typeof__(m), async(void))

#ifdef __cplusplus
}
#endif
#endif /* WEFT_H */
