// RUN: %weft_verify %s
// A known blocking call in async context stalls every fiber: warned, with
// the weft replacement when there is one.
#include <weft.h>

#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

async(void) nap(void) {
  sleep(1); // expected-warning {{call to 'sleep' blocks the event loop; use 'weft_sleep' instead}}
  usleep(10); // expected-warning {{call to 'usleep' blocks the event loop; use 'weft_sleep_ms' instead}}
  struct timespec ts = {0, 1000};
  nanosleep(&ts, NULL); // expected-warning {{call to 'nanosleep' blocks the event loop; use 'weft_sleep_ms' instead}}
  return weft_return(void);
}

async(int) shell(void) {
  int status = system("true"); // expected-warning {{call to 'system' blocks the event loop; use 'weft_process_spawn' instead}}
  waitpid(-1, &status, 0); // expected-warning {{call to 'waitpid' blocks the event loop; use 'weft_process_wait' instead}}
  pthread_mutex_lock(&lock); // expected-warning {{call to 'pthread_mutex_lock' blocks the event loop; move it out of async context or wrap it in weft_unchecked(...)}}
  pthread_mutex_unlock(&lock);
  return weft_return(int, status);
}

async(int) await_signal(void) {
  sigset_t set;
  int signo = 0;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  pause(); // expected-warning {{call to 'pause' blocks the event loop; use 'weft_signal' instead}}
  sigwait(&set, &signo); // expected-warning {{call to 'sigwait' blocks the event loop; use 'weft_signal' instead}}
  sigwaitinfo(&set, NULL); // expected-warning {{call to 'sigwaitinfo' blocks the event loop; use 'weft_signal' instead}}
  return weft_return(int, signo);
}

async(ptr) resolve(const char *host) {
  struct addrinfo *res = NULL;
  getaddrinfo(host, "80", NULL, &res); // expected-warning {{call to 'getaddrinfo' blocks the event loop; use 'weft_getaddrinfo' instead}}
  return weft_return(ptr, res);
}

async(str) prompt(char *buf) {
  if (fgets(buf, 64, stdin) == NULL) // expected-warning {{call to 'fgets' blocks the event loop; use 'weft_read_line' instead}}
    return weft_fail(str, -5);
  return weft_return(str, buf);
}

// Outside async context the same calls are the program's business.
int setup(void) {
  sleep(1);
  return system("true");
}
