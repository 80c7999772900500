// RUN: %weft_verify %s
// The whole family of blocking calls, each warned in async context with
// its weft replacement where there is one: waiting for readiness, child
// processes, signals, locks, condition variables, semaphores, joins,
// message queues and descriptor IO beyond read.
#define _GNU_SOURCE
#include <weft.h>

#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/msg.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <threads.h>
#include <time.h>
#include <unistd.h>

async(int) readiness(int ep, struct pollfd *p, fd_set *r) {
  struct epoll_event ev[4];
  int n = poll(p, 1, -1); // expected-warning {{call to 'poll' blocks the event loop; use 'weft_wait_readable' or 'weft_wait_writable' instead}}
  n += poll(p, 1, 100); // expected-warning {{call to 'poll' blocks the event loop; use 'weft_wait_readable' or 'weft_wait_writable' instead}}
  n += ppoll(p, 1, NULL, NULL); // expected-warning {{call to 'ppoll' blocks the event loop; use 'weft_wait_readable' or 'weft_wait_writable' instead}}
  n += select(4, r, NULL, NULL, NULL); // expected-warning {{call to 'select' blocks the event loop; use 'weft_wait_readable' or 'weft_wait_writable' instead}}
  struct timeval tv = {1, 0};
  n += select(4, r, NULL, NULL, &tv); // expected-warning {{call to 'select' blocks the event loop; use 'weft_wait_readable' or 'weft_wait_writable' instead}}
  n += pselect(4, r, NULL, NULL, NULL, NULL); // expected-warning {{call to 'pselect' blocks the event loop; use 'weft_wait_readable' or 'weft_wait_writable' instead}}
  n += epoll_wait(ep, ev, 4, -1); // expected-warning {{call to 'epoll_wait' blocks the event loop; use 'weft_wait_readable' or 'weft_wait_writable' instead}}
  n += epoll_pwait(ep, ev, 4, 10, NULL); // expected-warning {{call to 'epoll_pwait' blocks the event loop; use 'weft_wait_readable' or 'weft_wait_writable' instead}}
  return weft_return(int, n);
}

async(int) processes(pid_t pid) {
  int st = 0;
  FILE *f = popen("ls", "r"); // expected-warning {{call to 'popen' blocks the event loop; use 'weft_process_spawn' instead}}
  st += pclose(f); // expected-warning {{call to 'pclose' blocks the event loop; use 'weft_process_wait' instead}}
  st += wait(&st); // expected-warning {{call to 'wait' blocks the event loop; use 'weft_process_wait' instead}}
  st += waitpid(pid, &st, 0); // expected-warning {{call to 'waitpid' blocks the event loop; use 'weft_process_wait' instead}}
  st += wait4(pid, &st, WUNTRACED, NULL); // expected-warning {{call to 'wait4' blocks the event loop; use 'weft_process_wait' instead}}
  siginfo_t si;
  st += waitid(P_PID, pid, &si, WEXITED); // expected-warning {{call to 'waitid' blocks the event loop; use 'weft_process_wait' instead}}
  sigset_t set;
  sigemptyset(&set);
  st += sigwait(&set, &st); // expected-warning {{call to 'sigwait' blocks the event loop; use 'weft_signal' instead}}
  st += sigsuspend(&set); // expected-warning {{call to 'sigsuspend' blocks the event loop; use 'weft_signal' instead}}
  st += pause(); // expected-warning {{call to 'pause' blocks the event loop; use 'weft_signal' instead}}
  return weft_return(int, st);
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
async(int) locks(sem_t *sem, pthread_t t, thrd_t u, int fd, struct flock *fl) {
  struct timespec ts = {1, 0};
  int r = pthread_cond_wait(&cv, &mu); // expected-warning {{call to 'pthread_cond_wait' blocks the event loop; move it out of async context or wrap it in weft_unchecked(...)}}
  r += pthread_cond_timedwait(&cv, &mu, &ts); // expected-warning {{call to 'pthread_cond_timedwait' blocks the event loop; move it out of async context or wrap it in weft_unchecked(...)}}
  r += sem_wait(sem); // expected-warning {{call to 'sem_wait' blocks the event loop; run it on the worker pool with 'weft_detach'}}
  r += sem_timedwait(sem, &ts); // expected-warning {{call to 'sem_timedwait' blocks the event loop; run it on the worker pool with 'weft_detach'}}
  r += pthread_join(t, NULL); // expected-warning {{call to 'pthread_join' blocks the event loop; run it on the worker pool with 'weft_detach'}}
  r += thrd_join(u, NULL); // expected-warning {{call to 'thrd_join' blocks the event loop; run it on the worker pool with 'weft_detach'}}
  r += thrd_sleep(&ts, NULL); // expected-warning {{call to 'thrd_sleep' blocks the event loop; use 'weft_sleep_ms' instead}}
  r += flock(fd, LOCK_EX); // expected-warning {{call to 'flock' blocks the event loop; run it on the worker pool with 'weft_detach'}}
  r += lockf(fd, F_LOCK, 0); // expected-warning {{call to 'lockf' blocks the event loop; run it on the worker pool with 'weft_detach'}}
  r += fcntl(fd, F_SETLKW, fl); // expected-warning {{call to 'fcntl' blocks the event loop; run it on the worker pool with 'weft_detach'}}
  r += fcntl(fd, F_OFD_SETLKW, fl); // expected-warning {{call to 'fcntl' blocks the event loop; run it on the worker pool with 'weft_detach'}}
  return weft_return(int, r);
}

struct msg {
  long type;
  char text[16];
};
async(ssize_t) queues(int q, mqd_t mq, struct msg *m, int sock, int file, int pipes[2]) {
  char buf[16];
  ssize_t n = msgrcv(q, m, sizeof m->text, 0, 0); // expected-warning {{call to 'msgrcv' blocks the event loop; run it on the worker pool with 'weft_detach'}}
  n += msgsnd(q, m, sizeof m->text, 0); // expected-warning {{call to 'msgsnd' blocks the event loop; run it on the worker pool with 'weft_detach'}}
  n += mq_receive(mq, buf, sizeof buf, NULL); // expected-warning {{call to 'mq_receive' blocks the event loop; run it on the worker pool with 'weft_detach'}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
  n += send(sock, buf, 4, 0); // expected-warning {{call to 'send' blocks the event loop; use 'weft_write' instead}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
  n += sendto(sock, buf, 4, MSG_NOSIGNAL, NULL, 0); // expected-warning {{call to 'sendto' blocks the event loop; use 'weft_sendto' instead}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
  n += sendfile(sock, file, NULL, 4); // expected-warning {{call to 'sendfile' blocks the event loop; use 'weft_write' instead}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
  n += splice(pipes[0], NULL, sock, NULL, 4, SPLICE_F_MOVE); // expected-warning {{call to 'splice' blocks the event loop; run it on the worker pool with 'weft_detach'}}
  char *line = NULL;
  size_t cap = 0;
  n += getline(&line, &cap, stdin); // expected-warning {{call to 'getline' blocks the event loop; use 'weft_read_line' instead}}
  return weft_return(ssize_t, n);
}
