#!/usr/bin/env python3
# fingerprints.py SARIF: prints each result's rule and partialFingerprints,
# sorted, for comparing two runs (test/tools/weft-check-sarif.test).
import json
import sys

with open(sys.argv[1]) as f:
    log = json.load(f)
for line in sorted("%s %s" % (r["ruleId"], json.dumps(r["partialFingerprints"], sort_keys=True))
                   for r in log["runs"][0]["results"]):
    print(line)
