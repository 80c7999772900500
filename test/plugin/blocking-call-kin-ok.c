// RUN: %weft_verify %s
// The same families in the forms that do not block: a zero timeout, a
// zero timeval or timespec, WNOHANG, LOCK_NB, lockf and fcntl commands that
// do not wait, IPC_NOWAIT, SPLICE_F_NONBLOCK and MSG_DONTWAIT, given as
// constants, through a variable, or or-ed with other flags.
#define _GNU_SOURCE
#include <weft.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/msg.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

// expected-no-diagnostics

async(int) polled(int ep, struct pollfd *p, fd_set *r) {
  struct epoll_event ev[4];
  struct timeval tv = {0, 0};
  struct timespec ts = {0};
  int n = poll(p, 1, 0);
  n += epoll_wait(ep, ev, 4, 0);
  n += epoll_pwait(ep, ev, 4, 0, NULL);
  n += select(4, r, NULL, NULL, &tv);
  n += select(4, r, NULL, NULL, &(struct timeval){0});
  n += ppoll(p, 1, &ts, NULL);
  return weft_return(int, n);
}

async(int) reaped(pid_t pid) {
  int st = 0;
  int opts = WNOHANG;
  opts |= WUNTRACED;
  st += waitpid(pid, &st, WNOHANG);
  st += waitpid(-1, &st, opts);
  st += wait3(&st, WNOHANG | WUNTRACED, NULL);
  st += wait4(pid, &st, WNOHANG, NULL);
  siginfo_t si;
  st += waitid(P_ALL, 0, &si, WEXITED | WNOHANG);
  return weft_return(int, st);
}

async(int) try_locks(int fd, struct flock *fl) {
  int r = flock(fd, LOCK_EX | LOCK_NB);
  r += flock(fd, LOCK_UN);
  r += lockf(fd, F_TLOCK, 0);
  r += lockf(fd, F_ULOCK, 0);
  r += fcntl(fd, F_SETLK, fl);
  r += fcntl(fd, F_GETFL);
  return weft_return(int, r);
}

struct msg {
  long type;
  char text[16];
};
async(ssize_t) no_wait(int q, struct msg *m, int sock, int pipes[2]) {
  char buf[16];
  int flags = MSG_DONTWAIT;
  ssize_t n = msgrcv(q, m, sizeof m->text, 0, IPC_NOWAIT);
  n += msgsnd(q, m, sizeof m->text, IPC_NOWAIT | MSG_NOERROR);
  n += recv(sock, buf, sizeof buf, flags);
  n += send(sock, buf, 4, MSG_DONTWAIT | MSG_NOSIGNAL);
  n += sendto(sock, buf, 4, MSG_DONTWAIT, NULL, 0);
  n += splice(pipes[0], NULL, sock, NULL, 4, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
  return weft_return(ssize_t, n);
}
