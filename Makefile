# The two commands of README.md, and a few conveniences.  All real work is in scripts/ and test/.
.PHONY: demo test build bench setup clean

demo: setup
	scripts/build.sh clang14
	scripts/demo.sh build/clang14

test: setup
	test/run-all.sh

build: setup
	scripts/build.sh clang14

# Benchmarks print figures (weft against libev, libuv, epoll, Lwt and Node; docs/performance.md).
# `make bench BENCH_MODE=quick` for the 3-minute version, which `make test` also runs once as a smoke test.
BENCH_MODE ?= full
bench: setup
	scripts/bench.sh $(BENCH_MODE)

setup:
	scripts/setup-debian.sh

clean:
	rm -rf build
