"""buildtree.py: what the benchmark scripts read from a CMake build tree (its CMakeCache.txt).
Used by bench/checker_cost.py and bench/weft-check.py; covered through them."""
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
