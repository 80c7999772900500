// RUN: %weft_verify %s
// "Find a free slot in the loop, else use the action after it": whether the
// loop used the action is decided by a flag or a break, which a per-path
// analysis does not correlate.  The findings stay (an unchecked flag is the
// bug they catch), with a note on how to restructure; the restructured
// shape is accepted.
#include <weft.h>
#include <stdbool.h>

struct slot {
  bool busy;
  async(void) action;
};

async(void) job(void);

async(void) with_flag(struct slot *slots, int n) {
  async(void) m = job(); // expected-note {{action 'm' declared here}}
  bool placed = false;
  for (int i = 0; i < n; i++)
    if (!slots[i].busy) {
      slots[i].action = m; // expected-note {{first used here}}
      placed = true;
      break;
    }
  if (!placed)
    // expected-error@+2 {{action 'm' may already have been used on some path; an action is consumed by its first use, build a new one instead}}
    // expected-note@+1 {{if a flag or a break set in the loop decides this path, the checker cannot see it: it follows each path on its own; let the loop only find the place (an index, a pointer to the slot) and use 'm' once, after the loop}}
    return m;
  // expected-warning@+2 {{action 'm' is dropped on this path without being used; use it on every path}}
  // expected-note@+1 {{if a flag or a break set in the loop decides this path}}
  return weft_return(void);
}

async(void) with_index(struct slot *slots, int n) {
  async(void) m = job(); // expected-note {{action 'm' declared here}}
  int i;
  for (i = 0; i < n; i++)
    if (!slots[i].busy) {
      slots[i].action = m; // expected-note {{first used here}}
      break;
    }
  if (i == n)
    // expected-error@+2 {{action 'm' may already have been used on some path}}
    // expected-note@+1 {{if a flag or a break set in the loop decides this path}}
    return m;
  // expected-warning@+2 {{action 'm' is dropped on this path without being used}}
  // expected-note@+1 {{if a flag or a break set in the loop decides this path}}
  return weft_return(void);
}

// The restructured shape: the loop finds the slot, the action is used once.
async(void) restructured(struct slot *slots, int n) {
  async(void) m = job();
  struct slot *free_slot = 0;
  for (int i = 0; i < n && !free_slot; i++)
    if (!slots[i].busy)
      free_slot = &slots[i];
  if (!free_slot)
    return m;
  free_slot->action = m;
  return weft_return(void);
}

// The flag tested by the loop's own condition: the loop stops after the
// use, which the back edge does not know.
async(void) flag_in_condition(struct slot *slots, int n) {
  async(void) m = job(); // expected-note {{action 'm' declared here}}
  bool placed = false;
  for (int i = 0; i < n && !placed; i++)
    if (!slots[i].busy) {
      // expected-error@+3 {{action 'm' may already have been used on some path}}
      // expected-note@+2 {{first used here}}
      // expected-note@+1 {{if a flag or a break set in the loop decides this path}}
      slots[i].action = m; // expected-note {{first used here}}
      placed = true;
    }
  if (!placed)
    // expected-error@+2 {{action 'm' may already have been used on some path}}
    // expected-note@+1 {{if a flag or a break set in the loop decides this path}}
    return m;
  // expected-warning@+2 {{action 'm' is dropped on this path without being used}}
  // expected-note@+1 {{if a flag or a break set in the loop decides this path}}
  return weft_return(void);
}

// A loop that only counts uses the action again on its next turn: a real
// reuse, told without the note.
async(void) every_turn(struct slot *slots, int n) {
  async(void) m = job(); // expected-note {{action 'm' declared here}}
  int i = 0;
  while (i < n) {
    // expected-error@+2 {{action 'm' may already have been used on some path}}
    // expected-note@+1 {{first used here}}
    slots[i].action = m;
    i++;
  }
  // expected-warning@+2 {{action 'm' is dropped on this path without being used}}
  // expected-note@+1 {{if a flag or a break set in the loop decides this path}}
  return weft_return(void);
}
