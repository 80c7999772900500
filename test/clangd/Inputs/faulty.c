/* faulty.c: the file the editor tests open.  clangd reports a C error and a
   -Wparentheses warning (with its own fix); weft reports async-conversion and
   mayyield (with a fix-it).  The tests edit it in the buffer, never on disk. */
#include <weft.h>
#include <string.h>

static async(str) read_stdin(size_t n) { return weft_read(0, n); }
static async(void) write_stdout(char *s) { return weft_write(1, s, strlen(s)); }

static async(void) attempt(void) {
  char *c = read_stdin(1);
  return write_stdout(c);
}

void start_job(void) {
  weft_spawn(write_stdout("job"));
}

int flag(int x) {
  if (x = 1)
    return 1;
  return 0;
}
