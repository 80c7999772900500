"""benchlib.py: what the benchmark scripts share: a build tree's CMake cache, the check of --only's pattern.
Used by bench/run.py, bench/checker_cost.py and bench/weft-check.py; covered through them (ctest bench.cli, bench.run_py)."""
import argparse
import os
import re


def cache_value(build, key):
    """The value of cache entry key in build/CMakeCache.txt, or "" when it has none."""
    with open(os.path.join(build, "CMakeCache.txt")) as f:
        for line in f:
            m = re.match(r"%s:[A-Z]+=(.*)" % re.escape(key), line)
            if m:
                return m.group(1).strip()
    return ""


def regex(text):
    """--only's argument, refused by argparse (a usage line, exit 2) if it is no regular expression."""
    try:
        re.compile(text)
    except re.error as e:
        raise argparse.ArgumentTypeError("not a regular expression: %r (%s)" % (text, e))
    return text
