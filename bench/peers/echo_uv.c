/* echo_uv.c: the TCP echo server on libuv: a uv_tcp_t per connection, one shared read buffer handed out by the
 * alloc callback, answers by uv_try_write and, for what it leaves, a uv_write of a copy.  Peer of weft's
 * examples/echo_server.
 * Built and run by bench/run.py, so covered by ctest bench-quick (it runs whole). */
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "listen.h"

struct write_rest {
  uv_write_t req;
  char bytes[];
};

static char buf[65536];

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
  (void)h;
  (void)suggested;
  *b = uv_buf_init(buf, sizeof buf);
}

static void on_close(uv_handle_t *h) { free(h); }

static void on_written(uv_write_t *req, int status)
{
  (void)status;
  free(req);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *b)
{
  if (nread < 0) {
    uv_close((uv_handle_t *)s, on_close);
    return;
  }
  if (nread == 0)
    return;
  uv_buf_t out = uv_buf_init(b->base, (unsigned)nread);
  int n = uv_try_write(s, &out, 1);
  if (n == UV_EAGAIN)
    n = 0;
  if (n < 0) {
    uv_close((uv_handle_t *)s, on_close);
    return;
  }
  if (n < nread) {
    size_t rest = (size_t)nread - (size_t)n;
    struct write_rest *w = malloc(sizeof *w + rest);
    memcpy(w->bytes, b->base + n, rest);
    uv_buf_t rb = uv_buf_init(w->bytes, (unsigned)rest);
    uv_write(&w->req, s, &rb, 1, on_written);
  }
}

static void on_connection(uv_stream_t *server, int status)
{
  if (status < 0)
    return;
  uv_tcp_t *c = malloc(sizeof *c);
  uv_tcp_init(server->loop, c);
  if (uv_accept(server, (uv_stream_t *)c) != 0) {
    uv_close((uv_handle_t *)c, on_close);
    return;
  }
  uv_read_start((uv_stream_t *)c, alloc_cb, on_read);
}

int main(int argc, char **argv)
{
  uv_loop_t *loop = uv_default_loop();
  uv_tcp_t server;
  uv_tcp_init(loop, &server);
  uv_tcp_open(&server, bench_listen(argc, argv));
  uv_listen((uv_stream_t *)&server, 4096, on_connection);
  uv_run(loop, UV_RUN_DEFAULT);
  return 0;
}
