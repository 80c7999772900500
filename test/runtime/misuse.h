/* misuse.h: runs a misuse of the API in a forked child and checks that the child dies non-zero with a message on stderr
 * naming the misuse.  Used by test/runtime/misuse_*.c. */
#ifndef WEFT_TEST_MISUSE_H
#define WEFT_TEST_MISUSE_H

#include <regex.h>
#include <sys/wait.h>

#include "check.h"
#include "support.h"

/* Runs misuse() in a child with stderr captured.  The child must not
 * return from it normally (that exits 0, which fails the check); its
 * stderr must match the extended, case-insensitive regular expression. */
static inline void expect_misuse(const char *what, void (*misuse)(void), const char *pattern) {
  int err[2];
  test_pipe(err);
  fflush(NULL);
  pid_t pid = fork();
  CHECK_INT_GE(pid, 0);
  if (pid == 0) {
    dup2(err[1], 2);
    close(err[0]);
    close(err[1]);
    misuse();
    _exit(0);
  }
  CHECK_SYS(close(err[1]));

  char text[8192];
  size_t len = 0;
  ssize_t n;
  while ((n = read(err[0], text + len, sizeof text - 1 - len)) > 0) len += (size_t)n;
  text[len] = '\0';
  CHECK_SYS(close(err[0]));
  int status = 0;
  CHECK_INT_EQ(waitpid(pid, &status, 0), pid);

  fprintf(stderr, "--- %s: child stderr ---\n%s--- end ---\n", what, text);
  bool died_nonzero = WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) != 0);
  if (!died_nonzero) CHECK_FAILED_("%s: the child exited 0; the misuse went unnoticed", what);

  regex_t re;
  CHECK_INT_EQ(regcomp(&re, pattern, REG_EXTENDED | REG_ICASE | REG_NOSUB), 0);
  int match = regexec(&re, text, 0, NULL, 0);
  regfree(&re);
  if (match != 0) CHECK_FAILED_("%s: stderr does not match /%s/", what, pattern);
}

#endif /* WEFT_TEST_MISUSE_H */
