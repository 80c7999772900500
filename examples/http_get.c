/* http_get: fetches one URL's body into a file: a name resolved and connected without blocking the loop (weft_tcp_connect),
 * the body written through the worker pool (weft_file_*).  Covered by test/examples/http_get.py.
 * Usage: http_get HOST PORT PATH OUTFILE   (HTTP/1.0; prints "PATH: N bytes to OUTFILE" on success) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <weft.h>

struct get {
  const char *host, *path, *out;
  int port;
  int sock, file;
  char request[1024];
  /* The response: the status line and headers are looked at as they come,
   * up to the blank line; what follows is the body, written at its offset. */
  char head[8192];
  size_t head_len;
  bool in_body;
  off_t written;
  bool on_file; /* the failure is the output file's, not the server's */
};

static async(void) receive(struct get *g);

/* A failure of the output file's calls is reported with the file's name. */
static async(void) file_failed(struct get *g, int err) {
  g->on_file = true;
  return weft_fail(err);
}

static async(int) open_failed(struct get *g, int err) {
  g->on_file = true;
  return weft_fail(int, err);
}

static async(void) written(struct get *g) {
  return receive(g);
}

/* Body bytes go to the file at their offset; the file call copies them, so
 * the read's buffer is free for the next read at once. */
static async(void) write_body(struct get *g, const char *bytes, size_t n) {
  off_t at = g->written;
  g->written += (off_t)n;
  return weft_then(weft_catch(weft_file_write(g->file, bytes, n, at), file_failed, g), written, g);
}

/* The headers end at the first blank line; the status must be 200. */
static async(void) got(struct get *g, char *data) {
  size_t n = weft_str_len(data);
  if (n == 0) return g->in_body ? weft_return(void) : weft_fail(-EPROTO); /* the end, or a cut-off reply */
  if (g->in_body) return write_body(g, data, n);
  /* The blank line may straddle two reads: the head is searched whole. */
  size_t before = g->head_len, take = n < sizeof g->head - 1 - before ? n : sizeof g->head - 1 - before;
  memcpy(g->head + before, data, take);
  g->head_len += take;
  g->head[g->head_len] = '\0';
  char *end = strstr(g->head, "\r\n\r\n");
  if (end == NULL) return g->head_len < sizeof g->head - 1 ? receive(g) : weft_fail(-EMSGSIZE);
  if (strncmp(g->head, "HTTP/1.", 7) != 0 || strncmp(g->head + 8, " 200", 4) != 0) return weft_fail(-EPROTO);
  g->in_body = true;
  size_t body_at = (size_t)(end + 4 - g->head) - before; /* where the body starts in this read */
  if (body_at == n) return receive(g);
  return write_body(g, data + body_at, n - body_at);
}

static async(void) receive(struct get *g) {
  return weft_bind(weft_read(g->sock, 65536), got, g);
}

static async(void) have_file(struct get *g, int fd) {
  g->file = fd;
  return receive(g);
}

static async(void) sent(struct get *g) {
  return weft_bind(weft_catch(weft_file_open(g->out, O_WRONLY | O_CREAT | O_TRUNC, 0644), open_failed, g), have_file,
                   g);
}

static async(void) connected(struct get *g, int sock) {
  g->sock = sock;
  int len = snprintf(g->request, sizeof g->request, "GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n",
                     g->path, g->host);
  if (len < 0 || (size_t)len >= sizeof g->request) return weft_fail(-ENAMETOOLONG);
  return weft_then(weft_write(sock, g->request, (size_t)len), sent, g);
}

/* Whatever happened, the file is synced and closed and the socket closed. */
static async(void) close_sock(struct get *g) {
  return g->sock >= 0 ? weft_close(g->sock) : weft_return(void);
}

static async(void) close_file(struct get *g) {
  return g->file >= 0 ? weft_file_close(g->file) : weft_return(void);
}

/* The close runs even if the sync fails; the sync's failure is then the result. */
static async(void) sync_file(struct get *g) {
  if (g->file < 0) return weft_return(void);
  return weft_finally(weft_catch(weft_file_fsync(g->file), file_failed, g), close_file, g);
}

static async(void) fetch(struct get *g) {
  async(void) body = weft_bind(weft_tcp_connect(g->host, g->port), connected, g);
  return weft_finally(weft_finally(body, sync_file, g), close_sock, g);
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: http_get HOST PORT PATH OUTFILE\n");
    return 2;
  }
  char *end;
  long port = strtol(argv[2], &end, 10);
  if (*end != '\0' || port < 1 || port > 65535) {
    fprintf(stderr, "http_get: %s: not a port number\n", argv[2]);
    return 2;
  }
  struct get g = {.host = argv[1], .port = (int)port, .path = argv[3], .out = argv[4], .sock = -1, .file = -1};
  int rc = weft_run(fetch(&g), NULL);
  if (rc == -EPROTO) {
    fprintf(stderr, "http_get: %s:%ld%s: not a 200 response\n", g.host, port, g.path);
    return 1;
  }
  if (rc < 0 && g.on_file) {
    fprintf(stderr, "http_get: %s: %s\n", g.out, weft_strerror(rc));
    return 1;
  }
  if (rc < 0) {
    fprintf(stderr, "http_get: %s:%ld: %s\n", g.host, port, weft_strerror(rc));
    return 1;
  }
  printf("%s: %lld bytes to %s\n", g.path, (long long)g.written, g.out);
  return 0;
}
