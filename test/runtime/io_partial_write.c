/* io_partial_write.c: 64 MiB through a socketpair whose send buffer is shrunk to a few KiB, so that almost every write
 * is partial.  Proves: weft_write resumes exactly where the kernel stopped, and every byte arrives once, in order. */
#include <sys/socket.h>
#include <weft.h>

#include "check.h"
#include "support.h"

#define TOTAL (64L << 20)

struct sp {
  int fds[2];
  char *data;
  long received;
  long reads;
};

static unsigned char pattern(long i) { return (unsigned char)((i * 2654435761u) >> 24); }

static async(void) drain_step(struct sp *s, char *d);

static async(void) drain(struct sp *s) { return weft_bind(weft_read(s->fds[1], 100000), drain_step, s); }

static async(void) drain_step(struct sp *s, char *d) {
  size_t n = weft_str_len(d);
  if (n == 0) return weft_return(void);
  CHECK_INT_LE(s->received + (long)n, TOTAL);
  CHECK_MEM_EQ(d, s->data + s->received, n);
  s->received += (long)n;
  s->reads++;
  return drain(s);
}

static async(void) shut(struct sp *s) {
  /* End of input for the reader: shut our side down for writing. */
  CHECK_SYS(shutdown(s->fds[0], SHUT_WR));
  return weft_return(void);
}

int main(void) {
  struct sp s = {0};
  CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s.fds));
  int small = 4096;
  CHECK_SYS(setsockopt(s.fds[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small));
  CHECK_SYS(setsockopt(s.fds[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof small));

  s.data = malloc(TOTAL);
  CHECK_TRUE(s.data != NULL);
  for (long k = 0; k < TOTAL; k++) s.data[k] = (char)pattern(k);

  CHECK_INT_EQ(weft_run(weft_join(weft_then(weft_write(s.fds[0], s.data, TOTAL), shut, &s),
                                  weft_then(weft_return(void), drain, &s)),
                        NULL),
               0);
  CHECK_INT_EQ(s.received, TOTAL);
  /* The reader asked for 100000 bytes at a time; with a few KiB of buffer it
   * got far less each time: the writer really went through partial writes. */
  CHECK_INT_GT(s.reads, TOTAL / 100000 * 4);

  CHECK_SYS(close(s.fds[0]));
  CHECK_SYS(close(s.fds[1]));
  free(s.data);
  return 0;
}
