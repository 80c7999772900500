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
  WEFT__LET3(m, k, env, struct weft__node *weft__n = weft__bind(weft__m.node_, (weft__fn)weft__k, weft__env); \
             (__typeof__(weft__k(weft__env, weft__m.value_type_()))){.node_ = weft__n})

/* weft_then(m, k, env): run the async(void) action m, then k(env).
 *   async(void) m;  async(B) k(E *env);  ->  async(B) */
#define weft_then(m, k, env)                                                      \
  WEFT__LET3(m, k, env, _Static_assert(WEFT__IS_VOID(weft__m), "weft_then: the action must be async(void)"); \
             struct weft__node *weft__n = weft__then(weft__m.node_, (weft__fn)weft__k, weft__env); \
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
             struct weft__node *weft__n = weft__catch(weft__m.node_, (weft__fn)weft__k, weft__env); \
             (__typeof__(weft__m)){.node_ = weft__n})

/* weft_finally(m, f, env): run m, then the async(void) action f(env) whether m
 * succeeded, failed or was cancelled; then deliver m's outcome.  If f itself
 * fails, that failure wins.  (When weft_run closes its loop, a cancelled
 * fiber's finalisers run only as far as they get without waiting.)
 *   async(A) m;  async(void) f(E *env)  ->  async(A) */
#define weft_finally(m, f, env)                                                   \
  WEFT__LET3(m, f, env, _Static_assert(WEFT__IS_VOID(weft__k(weft__env)),         \
                                       "weft_finally: the finaliser must return async(void)"); \
             struct weft__node *weft__n = weft__finally(weft__m.node_, (weft__fn)weft__k, weft__env); \
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
             (async(void)){.node_ = weft__join(weft__a.node_, weft__b.node_)})

/* weft_pick(a, b): run two async(T) actions concurrently; the first to finish
 * (success or failure) gives the result, and the other is cancelled: its
 * pending read, write, timer or watch is released and its weft_finally
 * actions run. */
#define weft_pick(a, b)                                                           \
  WEFT__LET2(a, b, _Static_assert(WEFT__SAME_TYPE(weft__a, weft__b),             \
                                  "weft_pick: both actions must have the same async type"); \
             (__typeof__(weft__a)){.node_ = weft__pick(weft__a.node_, weft__b.node_)})

/* weft_timeout(m, ms): m, or a failure with -ETIMEDOUT if m has not finished
 * within ms milliseconds (m is then cancelled, as by weft_pick). */
#define weft_timeout(m, ms)                                                       \
  WEFT__LET1(m, (__typeof__(weft__m)){.node_ = weft__timeout(weft__m.node_, (ms))})

/* ------------------------------------------------------------------------
 * 5. Primitives.  Every pollable fd handed to weft (pipes, sockets, ttys) is
 *    switched to non-blocking mode for the life of the loop, and weft_run
 *    restores its original flags when it returns; regular files are read and
 *    written directly.  Close fds with weft_close while a loop runs.  EINTR
 *    and EAGAIN never reach you; other errors are failures carrying -errno.
 *    SIGPIPE is ignored while a loop runs (and put back after), so writing to
 *    a closed peer is a failure (-EPIPE), never the death of the process.
 * ---------------------------------------------------------------------- */

/* weft_read(fd, n): up to n bytes (n > 0), as soon as any are available;
 * "" (length 0) at end of input.
 *
 * Buffer ownership: the returned bytes belong to the runtime.  They are
 * NUL-terminated (the NUL is not counted) and stay valid until the next
 * weft_read of the same fiber completes, or the fiber ends, whichever comes
 * first.  Each branch of weft_join, weft_pick and weft_timeout is a fiber of
 * its own; the string a winning pick branch produces passes to the fiber
 * that runs the pick (and counts as its latest read).  Copy what you keep
 * longer.  The bytes may contain NULs: use weft_str_len for their length. */
async(str) weft_read(int fd, size_t n);

/* weft_str_len(s): the number of bytes weft_read delivered in s, NULs
 * included, when s is the last string the running fiber read (or, outside
 * the loop, the str result of the last weft_run); for any other string,
 * strlen(s). */
size_t weft_str_len(const char *s);

/* weft_write(fd, buf, len): all len bytes, across partial writes, or a
 * failure.  buf is not copied: it must stay valid until the action finishes. */
async(void) weft_write(int fd, const char *buf, size_t len);

/* weft_sleep(s): sleep s seconds on CLOCK_MONOTONIC; produces the whole
 * seconds actually slept, never fewer than s. */
async(int) weft_sleep(int seconds);

/* weft_sleep_ms(ms): the same in milliseconds; produces the milliseconds
 * actually slept, never fewer than ms. */
async(long) weft_sleep_ms(long ms);

/* weft_accept(fd): the next connection on listening socket fd, as a new
 * non-blocking, close-on-exec descriptor. */
async(int) weft_accept(int listen_fd);

/* weft_connect(fd, addr, len): connect socket fd to addr (copied). */
async(void) weft_connect(int fd, const struct sockaddr *addr, socklen_t len);

/* weft_close(fd): close fd.  Any other fiber waiting on fd fails with -EBADF. */
async(void) weft_close(int fd);

/* ------------------------------------------------------------------------
 * 6. Synchronous helpers (they never yield)
 * ---------------------------------------------------------------------- */

/* weft_tcp_listen(host, port): a non-blocking listening TCP socket bound to
 * host (a numeric IPv4 or IPv6 address; NULL for 127.0.0.1) and port (0 picks
 * a free one), or a negative errno-style code. */
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
 * Internals the macros above expand to.  Not part of the API.
 * ---------------------------------------------------------------------- */
typedef void (*weft__fn)(void);

struct weft__node *weft__return(uintptr_t value);
struct weft__node *weft__fail(int err);
struct weft__node *weft__bind(struct weft__node *m, weft__fn k, void *env);
struct weft__node *weft__then(struct weft__node *m, weft__fn k, void *env);
struct weft__node *weft__map(struct weft__node *m, weft__fn f, void *env, size_t size, int is_signed);
struct weft__node *weft__catch(struct weft__node *m, weft__fn h, void *env);
struct weft__node *weft__finally(struct weft__node *m, weft__fn f, void *env);
struct weft__node *weft__join(struct weft__node *a, struct weft__node *b);
struct weft__node *weft__pick(struct weft__node *a, struct weft__node *b);
struct weft__node *weft__timeout(struct weft__node *m, long ms);
struct weft__node *weft__take(struct weft__node **slot);
void weft__spawn(struct weft__node *m);
int weft__run(struct weft__node *m, void *out, size_t out_size);

#define WEFT__PICK3(a, b, macro, ...) macro
#define WEFT__VALUE_TYPE(name) __typeof__(((async(name) *)0)->value_type_())
#define WEFT__RETURN_VALUE(name, v)                                               \
  ((async(name)){.node_ = weft__return((uintptr_t)(WEFT__VALUE_TYPE(name)){(v)})})
#define WEFT__RETURN_UNIT(name)                                                   \
  ((async(name)){.node_ = ((void)sizeof(weft__unit_name_##name), weft__return(0))})
#define WEFT__FAIL_TYPED(name, err) ((async(name)){.node_ = weft__fail(err)})
#define WEFT__FAIL_UNIT(err) ((async(void)){.node_ = weft__fail(err)})
/* A mapped value is re-extended to a full word from its size and signedness,
 * because a function returning a narrow type leaves the rest undefined. */
#define WEFT__MAP_NODE()                                                          \
  weft__map(weft__m.node_, (weft__fn)weft__k, weft__env, sizeof weft__k(weft__env, weft__m.value_type_()), \
            WEFT__IS_SIGNED(__typeof__(weft__k(weft__env, weft__m.value_type_()))))
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
#define WEFT__SAME_TYPE(a, b) __builtin_types_compatible_p(__typeof__(a), __typeof__(b))
#define WEFT__IS_VOID(m) __builtin_types_compatible_p(__typeof__(m), async(void))

#ifdef __cplusplus
}
#endif
#endif /* WEFT_H */
