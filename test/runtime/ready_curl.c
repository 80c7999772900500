/* ready_curl.c: libcurl's multi socket API driven through weft_wait_readable / weft_wait_writable and weft_sleep_ms.
 * Proves: a second real library runs on weft's loop: curl says which sockets to watch (CURLMOPT_SOCKETFUNCTION) and when
 * to call it back (CURLMOPT_TIMERFUNCTION); a watcher task per socket waits for readiness, a timer task sleeps, and both
 * are cancelled when curl changes its mind.  The HTTP server is a fiber of the same loop: 256 KiB arrive intact. */
#include <curl/curl.h>
#include <weft.h>

#include "check.h"
#include "support.h"

enum { BODY = 256 << 10 };

struct watcher {
  curl_socket_t s;
  int what; /* CURL_POLL_IN, _OUT or _INOUT */
  bool gone; /* curl dropped the socket while telling this watcher */
  weft_task_t *task;
};

struct client {
  CURLM *multi;
  CURL *easy;
  weft_task_t *timer;
  weft_promise_t *done;
  size_t got;
  unsigned long sum;
  int waits, timeouts;
};

static struct client C;

static void act(curl_socket_t s, int ev) {
  int running;
  CHECK_INT_EQ(curl_multi_socket_action(C.multi, s, ev, &running), CURLM_OK);
  CURLMsg *m;
  int left;
  while ((m = curl_multi_info_read(C.multi, &left)) != NULL)
    if (m->msg == CURLMSG_DONE && !weft_promise_is_resolved(C.done)) weft_promise_resolve(C.done, (uintptr_t)m->data.result);
}

/* ---- a watcher per socket: wait, then tell curl ----------------------- */

/* The watcher whose readiness curl is being told of: curl may drop its
 * socket or change its direction from inside that call, and the watcher
 * then ends or goes on by itself, rather than being cancelled under it. */
static struct watcher *acting;
static bool loop_over; /* after weft_run: curl's cleanup starts no task */

static async(void) acted(struct watcher *w, int ev);

static async(int) in_ready(void *env) {
  (void)env;
  return weft_return(int, CURL_CSELECT_IN);
}

static async(int) out_ready(void *env) {
  (void)env;
  return weft_return(int, CURL_CSELECT_OUT);
}

static async(void) watch(struct watcher *w) {
  async(int) ready;
  if (w->what == CURL_POLL_IN) ready = weft_then(weft_wait_readable(w->s), in_ready, NULL);
  else if (w->what == CURL_POLL_OUT) ready = weft_then(weft_wait_writable(w->s), out_ready, NULL);
  else ready = weft_pick(weft_then(weft_wait_readable(w->s), in_ready, NULL),
                         weft_then(weft_wait_writable(w->s), out_ready, NULL));
  return weft_bind(ready, acted, w);
}

static async(void) acted(struct watcher *w, int ev) {
  C.waits++;
  acting = w;
  act(w->s, ev);
  acting = NULL;
  if (!w->gone) return watch(w);
  weft_task_detach(w->task); /* ends here: nobody joins it */
  free(w);
  return weft_return(void);
}

static void stop(weft_task_t **t) {
  if (*t == NULL) return;
  weft_task_cancel(*t);
  weft_task_detach(*t);
  *t = NULL;
}

static int on_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp) {
  (void)easy;
  (void)userp;
  struct watcher *w = socketp;
  if (what == CURL_POLL_REMOVE) {
    if (w == NULL) return 0;
    curl_multi_assign(C.multi, s, NULL);
    if (w == acting) {
      w->gone = true;
    } else {
      stop(&w->task);
      free(w);
    }
    return 0;
  }
  CHECK_TRUE(!loop_over);
  if (w == NULL) {
    w = calloc(1, sizeof *w);
    CHECK_TRUE(w != NULL);
    w->s = s;
    curl_multi_assign(C.multi, s, w);
  }
  w->what = what;
  if (w == acting) return 0; /* it watches the new direction next */
  stop(&w->task);
  w->task = weft_spawn_task(watch(w));
  return 0;
}

/* ---- the timer -------------------------------------------------------- */

static async(void) fire(void *env, long slept) {
  (void)env;
  (void)slept;
  C.timeouts++;
  act(CURL_SOCKET_TIMEOUT, 0);
  return weft_return(void);
}

static int on_timer(CURLM *multi, long timeout_ms, void *userp) {
  (void)multi;
  (void)userp;
  stop(&C.timer);
  if (timeout_ms >= 0 && !loop_over) C.timer = weft_spawn_task(weft_bind(weft_sleep_ms(timeout_ms), fire, NULL));
  return 0;
}

static size_t on_data(char *p, size_t size, size_t n, void *userp) {
  (void)userp;
  for (size_t i = 0; i < size * n; i++) C.sum = C.sum * 31 + (unsigned char)p[i];
  C.got += size * n;
  return size * n;
}

/* ---- the server: one request, in the same loop ------------------------- */

struct server {
  int listener, conn;
  char *response;
  size_t response_len;
  char head[4096];
  size_t head_len;
};

static async(void) hang_up(struct server *s);

static async(void) request_part(struct server *s, char *data) {
  size_t n = weft_str_len(data);
  CHECK_UINT_GE(n, 1);
  CHECK_UINT_LE(s->head_len + n, sizeof s->head - 1);
  memcpy(s->head + s->head_len, data, n);
  s->head_len += n;
  s->head[s->head_len] = '\0';
  if (strstr(s->head, "\r\n\r\n") == NULL) return weft_bind(weft_read(s->conn, 4096), request_part, s);
  CHECK_TRUE(strncmp(s->head, "GET /data HTTP/1.1\r\n", 20) == 0);
  return weft_write(s->conn, s->response, s->response_len);
}

static async(void) accepted(struct server *s, int fd) {
  s->conn = fd;
  return weft_finally(weft_bind(weft_read(fd, 4096), request_part, s), hang_up, s);
}

static async(void) hang_up(struct server *s) {
  return weft_close(s->conn);
}

static async(void) finished(void *env, long result) {
  (void)env;
  CHECK_INT_EQ(result, CURLE_OK);
  return weft_return(void);
}

/* The first call to curl starts the transfer: it calls on_timer at once. */
static async(void) start(void *env) {
  (void)env;
  CHECK_INT_EQ(curl_multi_add_handle(C.multi, C.easy), CURLM_OK);
  return weft_bind(weft_promise_wait(long, C.done), finished, NULL);
}

int main(void) {
  CHECK_INT_EQ(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK);
  struct server s = {.conn = -1};
  s.listener = weft_tcp_listen("127.0.0.1", 0);
  CHECK_INT_GE(s.listener, 0);
  char *body = malloc(BODY);
  CHECK_TRUE(body != NULL);
  unsigned long want = 0;
  for (size_t i = 0; i < BODY; i++) {
    body[i] = (char)('a' + i % 26);
    want = want * 31 + (unsigned char)body[i];
  }
  char head[128];
  int hl = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", BODY);
  s.response_len = (size_t)hl + BODY;
  s.response = malloc(s.response_len);
  CHECK_TRUE(s.response != NULL);
  memcpy(s.response, head, (size_t)hl);
  memcpy(s.response + hl, body, BODY);

  C.multi = curl_multi_init();
  C.easy = curl_easy_init();
  C.done = weft_promise_new();
  CHECK_TRUE(C.multi != NULL && C.easy != NULL && C.done != NULL);
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%d/data", weft_tcp_port(s.listener));
  curl_easy_setopt(C.easy, CURLOPT_URL, url);
  curl_easy_setopt(C.easy, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(C.easy, CURLOPT_NOSIGNAL, 1L);
  curl_multi_setopt(C.multi, CURLMOPT_SOCKETFUNCTION, on_socket);
  curl_multi_setopt(C.multi, CURLMOPT_TIMERFUNCTION, on_timer);

  async(void) server = weft_bind(weft_accept(s.listener), accepted, &s);
  CHECK_INT_EQ(weft_run(weft_join(server, weft_then(weft_return(void), start, NULL)), NULL), 0);
  loop_over = true;
  long code = 0;
  curl_easy_getinfo(C.easy, CURLINFO_RESPONSE_CODE, &code);
  CHECK_INT_EQ(code, 200);
  CHECK_UINT_EQ(C.got, BODY);
  CHECK_UINT_EQ(C.sum, want);
  printf("ready_curl: 256 KiB over HTTP, %d readiness waits and %d timeouts handed to curl\n", C.waits, C.timeouts);
  CHECK_INT_GT(C.waits, 0);

  curl_multi_remove_handle(C.multi, C.easy);
  curl_easy_cleanup(C.easy);
  curl_multi_cleanup(C.multi);
  curl_global_cleanup();
  weft_promise_free(C.done);
  free(body);
  free(s.response);
  close(s.listener);
  puts("ready_curl: ok");
  return 0;
}
