#!/usr/bin/env python3
"""run-nvim.py WEFT_CLANGD CLANGD INCLUDE_DIR WORK_DIR: runs nvim.lua in headless
Neovim against weft-clangd (running the clangd given), in a scratch workspace
holding faulty.c and a compile_commands.json, then checks that no weft-clangd
or clangd process of the run is left.  A ctest entry per clangd major."""
import json
import os
import shutil
import subprocess
import sys
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))


def processes_with(marker):
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                if marker.encode() in f.read():
                    found.append(int(pid))
        except OSError:
            pass
    return found


def main():
    weft_clangd, clangd, include, work = sys.argv[1:5]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    src = os.path.join(work, "faulty.c")
    shutil.copy(os.path.join(HERE, "Inputs", "faulty.c"), src)
    with open(os.path.join(work, "compile_commands.json"), "w") as f:
        json.dump([{"directory": work, "file": "faulty.c",
                    "arguments": ["clang", "-Wall", "-I" + include, "-c", "faulty.c"]}], f)
    # A harmless clangd option carrying a marker, to find the processes later.
    marker = "/nonexistent/weft-nvim-" + uuid.uuid4().hex
    cmd = [weft_clangd, "--clangd=" + clangd, "--query-driver=" + marker]
    env = dict(os.environ, WEFT_CLANGD_CMD="\n".join(cmd), WEFT_FILE=src, HOME=work,
               XDG_CONFIG_HOME=work, XDG_DATA_HOME=work, XDG_STATE_HOME=work, XDG_CACHE_HOME=work)
    r = subprocess.run(["nvim", "--headless", "--clean", "-c", "luafile " + os.path.join(HERE, "nvim.lua")],
                       env=env, cwd=work, stdin=subprocess.DEVNULL, timeout=240)
    with open(src) as f:
        if "mayyield void start_job" in f.read():
            print("run-nvim.py: FAIL: the file on disk was changed")
            return 1
    for _ in range(100):
        left = processes_with(marker)
        if not left:
            break
        time.sleep(0.05)
    if left:
        print("run-nvim.py: FAIL: processes left after the editor quit: %s" % left)
        return 1
    if r.returncode != 0:
        print("run-nvim.py: FAIL: nvim exited with %d" % r.returncode)
        return 1
    print("run-nvim.py: PASS with %s" % clangd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
