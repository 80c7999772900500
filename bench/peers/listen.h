/* listen.h: the listening socket of the C peer servers (echo_*.c, http_uv.c): 127.0.0.1:PORT (0 picks one),
 * non-blocking, and the line "listening on 127.0.0.1:PORT" that bench/run.py waits for, as weft's examples print.
 * Covered by ctest bench-quick, which runs every server built on it. */
#ifndef WEFT_BENCH_LISTEN_H
#define WEFT_BENCH_LISTEN_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static inline int bench_listen(int argc, char **argv)
{
  int port = argc > 1 ? atoi(argv[1]) : 0, one = 1;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 4096) != 0 ||
      getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
    perror("listen");
    exit(1);
  }
  printf("listening on 127.0.0.1:%d\n", ntohs(a.sin_port));
  fflush(stdout);
  return fd;
}

#endif
