/* memory_copy_stream.c: copy_stream moves 1 GiB from one pipe to another in constant memory.
 * Proves: every byte arrives in order, and the resident set grows by at most 1 MiB between 10% and 100% of the copy. */
#include <weft.h>

#include "check.h"
#include "support.h"

#define TOTAL (1024L << 20)
#define CHUNK (64 << 10)
#define MAX_GROWTH (1L << 20)

struct copy {
  int in[2], out[2];
  /* Chunk j of the stream is block with its first 8 bytes replaced by j,
   * so a lost, repeated or reordered chunk shows, and checking is a memcmp. */
  char block[CHUNK];
  long produced, consumed;
  long rss_at_10pc, rss_at_end;
};

static char expected_header_byte(long chunk_no, long off) {
  unsigned char bytes[sizeof chunk_no];
  memcpy(bytes, &chunk_no, sizeof chunk_no);
  return (char)bytes[off];
}

/* The producer writes TOTAL bytes into `in`, then closes it. */
static async(void) produce(struct copy *c) {
  if (c->produced == TOTAL) return weft_close(c->in[1]);
  long chunk_no = c->produced / CHUNK;
  memcpy(c->block, &chunk_no, sizeof chunk_no);
  c->produced += CHUNK;
  return weft_then(weft_write(c->in[1], c->block, CHUNK), produce, c);
}

/* let rec copy_stream chunk in out = read in chunk >>= fun data -> write out data >>= fun () -> copy_stream ... ;
 * stopping at end of input, as in C. */
static async(void) copy_stream(struct copy *c);

static async(void) copy_chunk(struct copy *c, char *data) {
  size_t n = weft_str_len(data);
  if (n == 0) return weft_close(c->out[1]);
  return weft_then(weft_write(c->out[1], data, n), copy_stream, c);
}

static async(void) copy_stream(struct copy *c) { return weft_bind(weft_read(c->in[0], CHUNK), copy_chunk, c); }

static async(void) consume(struct copy *c);

static async(void) check_chunk(struct copy *c, char *data) {
  size_t n = weft_str_len(data);
  if (n == 0) {
    c->rss_at_end = test_rss_bytes();
    return weft_return(void);
  }
  for (size_t k = 0; k < n;) {
    long at = c->consumed + (long)k, off = at % CHUNK;
    if (off < (long)sizeof(long)) {
      if (data[k] != expected_header_byte(at / CHUNK, off)) CHECK_FAILED_("stream byte %ld differs", at);
      k++;
      continue;
    }
    size_t len = n - k < (size_t)(CHUNK - off) ? n - k : (size_t)(CHUNK - off);
    if (memcmp(data + k, c->block + off, len) != 0) CHECK_FAILED_("stream bytes %ld..%zu differ", at, at + len);
    k += len;
  }
  if (c->consumed < TOTAL / 10 && c->consumed + (long)n >= TOTAL / 10) c->rss_at_10pc = test_rss_bytes();
  c->consumed += (long)n;
  return consume(c);
}

static async(void) consume(struct copy *c) { return weft_bind(weft_read(c->out[0], CHUNK), check_chunk, c); }

/* Producer and copier run in fibers of their own: each read's buffer then
 * belongs to the fiber that uses it (the rule of weft.h). */
static async(void) start(struct copy *c) {
  weft_spawn(weft_then(weft_return(void), produce, c));
  weft_spawn(weft_then(weft_return(void), copy_stream, c));
  return consume(c);
}

int main(void) {
  static struct copy c;
  test_pipe(c.in);
  test_pipe(c.out);
  for (int k = 0; k < CHUNK; k++) c.block[k] = (char)(k * 131 + 7);
  /* The block's tail is what the copy must preserve; the producer changes
   * only its header, and only between writes. */

  CHECK_INT_EQ(weft_run(weft_then(weft_return(void), start, &c), NULL), 0);
  CHECK_INT_EQ(c.produced, TOTAL);
  CHECK_INT_EQ(c.consumed, TOTAL);
  CHECK_RSS_FLAT(c.rss_at_10pc, c.rss_at_end, MAX_GROWTH);

  CHECK_SYS(close(c.in[0]));
  CHECK_SYS(close(c.out[0]));
  return 0;
}
