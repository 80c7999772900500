// RUN: %weft_verify %s
// A program's own functions named like the file-system and user-database
// calls (declared here, defined in another file: no body in this unit) are
// not the C library's: for these names only a declaration from a system
// header is matched.  Nothing here includes <stdio.h>, <unistd.h> or <pwd.h>.
#include <weft.h>

// expected-no-diagnostics

struct table;
struct list;
int remove(struct table *t, int key);
int link(struct list *a, struct list *b);
int access(struct table *t, int key);
char *truncate(char *s, int n);
int rename(struct table *t, const char *name);
int mkdir(struct list *l);
struct list *opendir(struct table *t);
void *getpwnam(struct table *t);

async(int) use(struct table *t, struct list *a, struct list *b, char *s) {
  int n = remove(t, 1) + link(a, b) + access(t, 2) + (truncate(s, 3) != 0) + rename(t, "x") + mkdir(a);
  n += opendir(t) != 0;
  n += getpwnam(t) != 0;
  return weft_return(int, n);
}
