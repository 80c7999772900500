# The two commands of README.md, and a few conveniences.  All real work is in scripts/ and test/.
.PHONY: demo test build bench setup clean

demo: setup
	scripts/build.sh clang14
	scripts/demo.sh build/clang14

test: setup
	test/run-all.sh

build: setup
	scripts/build.sh clang14

# Benchmarks print figures (weft against Lwt, with ratios); never part of `make test`.
bench: setup
	scripts/bench.sh

setup:
	scripts/setup-debian.sh

clean:
	rm -rf build
