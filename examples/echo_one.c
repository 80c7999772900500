/* echo_one: reads one byte from stdin and writes it to stdout, the appendix's echo_one.
 * Covered by test/examples/echo_one.py. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <weft.h>

/* let read_stdin = read stdin */
static async(str) read_stdin(size_t n) { return weft_read(STDIN_FILENO, n); }

/* let write_stdout = write stdout
 * The bytes belong to the runtime, but they stay valid until this fiber's next
 * read, and there is none: the write can use them in place. */
static async(void) write_stdout(void *env, char *data)
{
  (void)env;
  return weft_write(STDOUT_FILENO, data, weft_str_len(data));
}

int main(void)
{
  /* let echo_one = read_stdin 1 >>= write_stdout */
  int rc = weft_run(weft_bind(read_stdin(1), write_stdout, NULL), NULL);
  if (rc < 0) {
    fprintf(stderr, "echo_one: %s\n", strerror(-rc));
    return 1;
  }
  return 0;
}
