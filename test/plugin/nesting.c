// RUN: %python %S/../../bench/nesting.py source 30 > %t.c
// RUN: %clang -fsyntax-only -Wall -Wextra -Wshadow -Werror -I%weft_include %t.c
// RUN: %weft_cc -fplugin-arg-weft-werror -Werror %t.c
// Every combinator, nested 30 deep in its own action argument, and the sinks
// around such nestings, compile without and with the checker, with no
// diagnostic.  weft.h writes each macro argument once in its expansion; a
// macro that wrote one twice would make this file 2^30 times the work (it
// used to take seconds at depth 10 and minutes at depth 12).  The timings per
// depth are printed by bench/nesting.py bench.
