#!/usr/bin/env python3
# validate-sarif.py CACHE_DIR FILE: validates FILE against the SARIF 2.1.0
# JSON schema with python3-jsonschema.  The schema is Microsoft's, shipped in
# the npm package @microsoft/sarif-multitool-linux (sarif-2.1.0.json beside
# the Multitool), fetched once into CACHE_DIR in the build tree and never
# committed.  No network means failure, not a skip.  When the Multitool
# itself runs on this machine, its `validate` verb checks FILE too.
import fcntl
import json
import os
import subprocess
import sys

import jsonschema

PACKAGE = "@microsoft/sarif-multitool-linux@5.7.0"


def fetch(cache):
    schema = os.path.join(cache, "package", "sarif-2.1.0.json")
    os.makedirs(cache, exist_ok=True)
    # lit runs tests in parallel: the first to come fetches, under a lock,
    # and the others wait for it instead of unpacking into the same place.
    with open(os.path.join(cache, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.exists(schema):
            return schema
        print("fetching %s into %s" % (PACKAGE, cache), file=sys.stderr)
        try:
            out = subprocess.run(["npm", "pack", "--silent", PACKAGE], cwd=cache, check=True,
                                 stdout=subprocess.PIPE, universal_newlines=True).stdout.split()
            subprocess.run(["tar", "-xzf", out[-1], "-C", cache, "package/sarif-2.1.0.json",
                            "package/Sarif.Multitool"], cwd=cache, check=True)
            os.remove(os.path.join(cache, out[-1]))
            os.chmod(os.path.join(cache, "package", "Sarif.Multitool"), 0o755)
        except (OSError, subprocess.CalledProcessError, IndexError) as e:
            sys.exit("FAIL: cannot fetch %s (is the npm registry reachable?): %s" % (PACKAGE, e))
    return schema


def main():
    cache, path = sys.argv[1:3]
    schema_path = fetch(cache)
    with open(schema_path) as f:
        schema = json.load(f)
    with open(path) as f:
        log = json.load(f)
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    for e in errors[:20]:
        print("%s: %s at /%s" % (path, e.message, "/".join(str(p) for p in e.path)))
    if errors:
        sys.exit(1)
    tool = os.path.join(cache, "package", "Sarif.Multitool")
    report = path + ".validation.sarif"
    if os.access(tool, os.X_OK):
        if os.path.exists(report):
            os.remove(report)
        env = dict(os.environ, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="1")
        r = subprocess.run([tool, "validate", "--output", report, path], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, env=env, universal_newlines=True)
        if r.returncode != 0 or not os.path.exists(report):
            sys.exit("FAIL: the SARIF Multitool could not validate %s:\n%s" % (path, r.stdout))
        with open(report) as f:
            found = json.load(f)["runs"][0].get("results", [])
        bad = [x for x in found if x.get("level", "warning") == "error"]
        for x in found:
            print("multitool: %s %s: %s" % (x.get("level", "warning"), x.get("ruleId"),
                                            json.dumps(x.get("message"))))
        if bad:
            sys.exit(1)
    print("valid SARIF 2.1.0: %s" % path)


if __name__ == "__main__":
    main()
