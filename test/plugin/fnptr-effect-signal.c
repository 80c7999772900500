// RUN: %weft_verify %s
// A signal handler runs between any two instructions, inside the event loop
// too, and its pointer type is the C library's: a handler that may yield is
// reported as such, not as a pointer to annotate.  A handler that cannot
// yield is fine.
#define _GNU_SOURCE
#include <weft.h>

#include <signal.h>

static async(void) job(void *env) {
  (void)env;
  return weft_return(void);
}
static void on_term(int sig) {
  (void)sig;
  weft_spawn(job(NULL)); // expected-note 3 {{'on_term' calls 'weft_spawn' here}}
}
static void on_info(int sig, siginfo_t *si, void *uc) {
  (void)sig, (void)si, (void)uc;
  on_term(0); // expected-note {{'on_info' calls 'on_term' here}}
}
static volatile sig_atomic_t stop;
static void on_hup(int sig) { stop = sig; }

int install(void) {
  struct sigaction sa = {0};
  sa.sa_handler = on_term; // expected-error {{'on_term' may yield but is installed as a signal handler, which can run at any point, inside the event loop too; set a flag in the handler and act on it from the loop}}
  sigaction(SIGTERM, &sa, NULL);
  sa.sa_sigaction = on_info; // expected-error {{'on_info' may yield but is installed as a signal handler}}
  sigaction(SIGUSR1, &sa, NULL);
  signal(SIGINT, on_term); // expected-error {{'on_term' may yield but is installed as a signal handler}}
  signal(SIGHUP, on_hup);
  sa.sa_handler = on_hup;
  return sigaction(SIGHUP, &sa, NULL);
}
