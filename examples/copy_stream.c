/* copy_stream: copies stdin to stdout in chunks of argv[1] bytes (default 131072, as cat) until
 * end of input, the appendix's copy_stream.  Covered by test/examples/copy_stream.py. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <weft.h>

struct copy {
  size_t chunk_size;
  int in_fd, out_fd;
};

static async(void) copy_stream(struct copy *c);

/*   fun data -> write out_fd data >>= fun () -> copy_stream chunk_size in_fd out_fd
 * The OCaml version runs forever; in C a zero-length read is the end of input.
 * Lengths come from weft_str_len, so NUL bytes are copied like any other. */
static async(void) copy_chunk(struct copy *c, char *data)
{
  size_t len = weft_str_len(data);
  if (len == 0)
    return weft_return(void);
  return weft_then(weft_write(c->out_fd, data, len), copy_stream, c);
}

/* let rec copy_stream chunk_size in_fd out_fd =
 *   read in_fd chunk_size >>= ...
 * The recursion is a new bind returned to the fiber, not a C call that waits:
 * the loop runs in constant stack and memory however long the stream is. */
static async(void) copy_stream(struct copy *c)
{
  return weft_bind(weft_read(c->in_fd, c->chunk_size), copy_chunk, c);
}

int main(int argc, char **argv)
{
  struct copy c = {.chunk_size = 131072, .in_fd = STDIN_FILENO, .out_fd = STDOUT_FILENO};
  if (argc > 1) {
    char *end;
    unsigned long n = strtoul(argv[1], &end, 10);
    if (*argv[1] == '\0' || *end != '\0' || n == 0) {
      fprintf(stderr, "usage: copy_stream [chunk-size > 0]\n");
      return 2;
    }
    c.chunk_size = n;
  }
  int rc = weft_run(copy_stream(&c), NULL);
  if (rc < 0) {
    fprintf(stderr, "copy_stream: %s\n", strerror(-rc));
    return 1;
  }
  return 0;
}
