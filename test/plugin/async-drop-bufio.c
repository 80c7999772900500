// RUN: %weft_verify %s
// The buffered channels' operations are actions like any other: a flush or
// a read_line dropped, reused or taken for its value is diagnosed.
#include <weft.h>

struct echo {
  weft_reader_t *r;
  weft_writer_t *w;
};

static async(void) k_line(struct echo *e, char *line) {
  return weft_writer_write(e->w, line, weft_reader_last_len(e->r));
}

async(void) dropped_flush(weft_writer_t *w) {
  // expected-warning@+1 {{action of type 'async(void)' is discarded and never runs; return it, bind it, or start it with weft_spawn}}
  weft_flush(w);
  return weft_writer_close(w);
}

async(void) unused_line(weft_reader_t *r, weft_writer_t *w) {
  // expected-warning@+1 {{action 'line' of type 'async(str)' is never used; return it or bind it}}
  async(str) line = weft_read_line(r, 80);
  return weft_flush(w);
}

async(void) echo_line(struct echo *e) {
  return weft_bind(weft_timeout(weft_read_line(e->r, 80), 1000), k_line, e);
}
