// RUN: %weft_cc %S/../../examples/conn_table.c 2>&1 | count 0
// RUN: sed -e 's|^  return NULL;$|  warn_full(); /* the table reports it */ return NULL; // expected-error {{'"'"'noyield'"'"' function '"'"'conn_open'"'"' calls '"'"'warn_full'"'"', which may yield}}|' \
// RUN:     -e 's|^  weft_spawn(say(.*;$|& // expected-note {{'"'"'warn_full'"'"' calls '"'"'weft_spawn'"'"' here}}|' \
// RUN:     %S/../../examples/conn_table.c > %t.c
// RUN: %weft_verify %t.c
// examples/conn_table.c is checked clean; a one-line refactor that lets the
// table report "full" itself makes the noyield helper conn_open yield (it
// now spawns a fiber through warn_full), and the checker rejects it with the
// chain that leads to the spawn.
