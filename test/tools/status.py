#!/usr/bin/env python3
# status.py WANT COMMAND...: runs COMMAND, passes its output through, prints
# "exit N" and succeeds only if N is WANT (and COMMAND was not killed by a
# signal), so that tests can check an exact exit status.
import subprocess
import sys

want = int(sys.argv[1])
r = subprocess.run(sys.argv[2:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
sys.stdout.write(r.stdout.decode("utf-8", "replace"))
print("exit %d" % r.returncode)
sys.exit(0 if r.returncode == want else 1)
