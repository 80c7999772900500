/* pingpong_uv.c: the socketpair ping-pong on libuv: both ends as uv_pipe_t, reads by uv_read_start, answers by
 * uv_try_write (libuv's immediate write).  Same work as bench/pingpong.c.  Usage: pingpong_uv [round-trips]
 * Built and run by bench/run.py, so covered by ctest bench-quick (it runs whole). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <uv.h>

static long n, pinged;
static char buf[64];
static uv_pipe_t ping_end, pong_end;

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
  (void)h;
  (void)suggested;
  *b = uv_buf_init(buf, sizeof buf);
}

static void send_byte(uv_pipe_t *p, char c)
{
  uv_buf_t b = uv_buf_init(&c, 1);
  if (uv_try_write((uv_stream_t *)p, &b, 1) != 1)
    exit(1);
}

static void on_ping_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *b)
{
  (void)b;
  if (nread == 0)
    return;
  if (nread != 1)
    exit(1);
  if (++pinged == n) {
    uv_read_stop(s);
    uv_read_stop((uv_stream_t *)&pong_end);
    return;
  }
  send_byte(&ping_end, 'x');
}

static void on_pong_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *b)
{
  (void)s;
  (void)b;
  if (nread == 0)
    return;
  if (nread != 1)
    exit(1);
  send_byte(&pong_end, 'y');
}

int main(int argc, char **argv)
{
  n = argc > 1 ? atol(argv[1]) : 1000000L;
  int sv[2];
  if (n <= 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
    return 2;
  uv_loop_t *loop = uv_default_loop();
  uv_pipe_init(loop, &ping_end, 0);
  uv_pipe_init(loop, &pong_end, 0);
  uv_pipe_open(&ping_end, sv[0]);
  uv_pipe_open(&pong_end, sv[1]);
  uv_read_start((uv_stream_t *)&ping_end, alloc_cb, on_ping_read);
  uv_read_start((uv_stream_t *)&pong_end, alloc_cb, on_pong_read);
  uint64_t t0 = uv_hrtime();
  send_byte(&ping_end, 'x');
  uv_run(loop, UV_RUN_DEFAULT);
  double s = (double)(uv_hrtime() - t0) / 1e9;
  printf("%.0f\n", (double)n / s);
  return 0;
}
