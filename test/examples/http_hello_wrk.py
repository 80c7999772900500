"""Runs wrk against examples/http_hello: ten keep-alive connections for one second, every
answer a 200, no socket errors, then the server's clean exit.  Usage: http_hello_wrk.py PATH-TO-http_hello PATH-TO-wrk"""
import re
import subprocess
import sys

from common import check, check_that, finish, program, server

prog, wrk = program(sys.argv[1]), sys.argv[2]

# wrk -c10 opens exactly ten connections and keeps them alive, so the server
# can be told to stop after ten and must then exit 0 once wrk has gone.
with server(prog, "--exit-after", "10") as (p, port):
    run = subprocess.run([wrk, "-t1", "-c10", "-d1s", f"http://127.0.0.1:{port}/"],
                         capture_output=True, text=True, timeout=30)
    print(run.stdout, end="")
    check("wrk exit status", run.returncode, 0)
    m = re.search(r"(\d+) requests in", run.stdout)
    check_that("wrk completed requests", m and int(m.group(1)) > 0, run.stdout)
    check_that("no socket errors", "Socket errors" not in run.stdout)
    check_that("every answer a 2xx", "Non-2xx" not in run.stdout)
    check("the server exits 0 after wrk's ten connections", p.wait(timeout=20), 0)

finish()
