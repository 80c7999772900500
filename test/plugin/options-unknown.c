// RUN: not %weft_cc -fplugin-arg-weft-frobnicate %s 2>&1 | FileCheck --check-prefix=OPTION %s
// RUN: not %weft_cc -fplugin-arg-weft-disable=no-such-rule %s 2>&1 | FileCheck --check-prefix=RULE %s
// RUN: %weft_cc -fplugin-arg-weft-list-rules %s 2>&1 | FileCheck --check-prefix=LIST %s
// RUN: %weft_cc -fplugin-arg-weft-list-rules %s 2>&1 | grep -c "remark: weft rule '" > %t.listed
// RUN: grep -c "^WEFT_CHECK(" %S/../../plugin/lib/Checks.def > %t.registry
// RUN: diff %t.registry %t.listed
// Mistyped options are errors that say what the options are, and
// list-rules prints every rule of the registry (as many lines as Checks.def
// has WEFT_CHECK lines; the LIST lines check the format).
// OPTION: error: unknown weft plugin option 'frobnicate'; the options are werror, disable=<rule> and list-rules
// RULE: error: unknown weft rule 'no-such-rule' in -fplugin-arg-weft-disable; run with -fplugin-arg-weft-list-rules to see them
// LIST: remark: weft rule 'async-conversion': an action is never converted to or used as another type
// LIST: remark: weft rule 'async-reuse': no action is used twice on any path
int main(void) { return 0; }
