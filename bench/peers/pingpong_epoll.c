/* pingpong_epoll.c: the socketpair ping-pong written by hand on epoll (level-triggered), the floor the event
 * libraries are measured against.  Same work as bench/pingpong.c.  Usage: pingpong_epoll [round-trips]
 * Built and run by bench/run.py, so covered by ctest bench-quick (it runs whole). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
  long n = argc > 1 ? atol(argv[1]) : 1000000L, pinged = 0;
  int sv[2];
  if (n <= 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) != 0)
    return 2;
  int ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = {.events = EPOLLIN};
  for (int i = 0; i < 2; i++) {
    ev.data.fd = sv[i];
    epoll_ctl(ep, EPOLL_CTL_ADD, sv[i], &ev);
  }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  char c = 'x';
  if (write(sv[0], &c, 1) != 1)
    return 1;
  while (pinged < n) {
    struct epoll_event evs[2];
    int k = epoll_wait(ep, evs, 2, -1);
    for (int i = 0; i < k; i++) {
      int fd = evs[i].data.fd;
      if (read(fd, &c, 1) != 1)
        return 1;
      if (fd == sv[0] && ++pinged == n)
        break;
      if (write(fd, &c, 1) != 1)
        return 1;
    }
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  printf("%.0f\n", (double)n / s);
  return 0;
}
