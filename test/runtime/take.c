/* take.c: weft_take moves an action out of a slot (a field, an array element) and empties it; a take from an
 * empty slot stops the program with a message.  Proves: slots hand out each stored action once. */
#include <stdlib.h>
#include <weft.h>

#include "check.h"
#include "misuse.h"

struct job {
  int id;
  async(int) action; /* a slot: filled by assignment, emptied by weft_take */
};

static void take_twice(void) {
  struct job j = {0};
  j.action = weft_return(int, 1);
  int out = 0;
  weft_run(weft_take(&j.action), &out);
  weft_run(weft_take(&j.action), &out);
}

static void take_never_stored(void) {
  struct job *j = calloc(1, sizeof *j);
  int out = 0;
  weft_run(weft_take(&j->action), &out);
}

int main(void) {
  /* A field and the elements of an array, each taken once. */
  struct job j = {.id = 7};
  j.action = weft_return(int, 41);
  async(int) steps[3] = {0};
  for (int i = 0; i < 3; i++) steps[i] = weft_return(int, i * 10);
  int out = 0;
  CHECK_INT_EQ(weft_run(weft_take(&j.action), &out), 0);
  CHECK_INT_EQ(out, 41);
  for (int i = 0; i < 3; i++) {
    CHECK_INT_EQ(weft_run(weft_take(&steps[i]), &out), 0);
    CHECK_INT_EQ(out, i * 10);
  }
  /* Taken slots are empty again and can be refilled. */
  j.action = weft_fail(int, -5);
  CHECK_INT_EQ(weft_run(weft_take(&j.action), &out), -5);

  expect_misuse("a slot taken twice", take_twice, "weft.*misuse.*weft_take of an empty slot");
  expect_misuse("a slot never filled", take_never_stored, "weft.*misuse.*weft_take of an empty slot");
  return 0;
}
