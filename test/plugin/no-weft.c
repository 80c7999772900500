// RUN: %weft_verify %s
// C code that does not include weft.h gets nothing from the checker, even
// when it uses the same words (a union with node_, functions named weft_*
// and weft__*).  publish() would be a missing mayyield if the checker looked
// past its fast path: it calls a function named like weft_spawn's internal.
// expected-no-diagnostics
union weft_async_lookalike_without_members {
  int node;
};
union not_async {
  void *node_;
  int (*value_type_)(void);
};

static int weft_read(int fd) { return fd; }
static void weft__spawn(int job) { (void)job; }

void publish(void) { weft__spawn(0); }

int main(void) {
  union not_async u = {0};
  (void)u.node_;
  (void)weft_read(0);
  publish();
  return 0;
}
