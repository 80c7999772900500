/* sleepy_writer: reads up to 10 bytes from stdin, sleeps 2 s, then writes them to an
 * fd (argv[1], default stdout), the appendix's sleepy_writer.  Covered by test/examples/sleepy_writer.py. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <weft.h>

/* The closure of `fun data -> ...`: what the later steps need to see. */
struct sleepy {
  int out;
  char *data;
};

/* let read_stdin = read stdin */
static async(str) read_stdin(size_t n) { return weft_read(STDIN_FILENO, n); }

/*   sleep 2 >>= fun _ ->
 *   write out data
 * The data is still the runtime's buffer from the read: it stays valid until
 * this fiber reads again, and it never does. */
static async(void) write_data(struct sleepy *s, int slept)
{
  (void)slept;
  return weft_write(s->out, s->data, weft_str_len(s->data));
}

/*   read_stdin 10 >>= fun data -> */
static async(void) got_data(struct sleepy *s, char *data)
{
  s->data = data;
  return weft_bind(weft_sleep(2), write_data, s);
}

/* let sleepy_writer out = ... */
static async(void) sleepy_writer(struct sleepy *s)
{
  return weft_bind(read_stdin(10), got_data, s);
}

int main(int argc, char **argv)
{
  struct sleepy s = {.out = argc > 1 ? atoi(argv[1]) : STDOUT_FILENO};
  int rc = weft_run(sleepy_writer(&s), NULL);
  if (rc < 0) {
    fprintf(stderr, "sleepy_writer: %s\n", strerror(-rc));
    return 1;
  }
  return 0;
}
