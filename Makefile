# Everything a fresh machine needs is installed by scripts/setup.sh, which every target runs
# first (a no-op when all is present).
.PHONY: serve build dist test bench clean

serve: ## build (release) and serve on http://127.0.0.1:8080, cross-origin isolated
	scripts/setup.sh
	trunk serve --release

build: ## release build into dist/
	scripts/setup.sh
	trunk build --release

dist: ## static site in dist/ for any host and folder: relative URLs, _headers, service worker
	scripts/setup.sh
	trunk build --release
	@echo "dist/ is ready: copy it to any static host (see README: Hosting)"

test: ## every test: native, wasm-bindgen-test in Chromium, end-to-end in Chromium, Firefox ESR and WebKitGTK
	scripts/setup.sh --test
	scripts/test.sh

bench: ## the benchmark suite (~15 min): release page in Chromium vs native Rust and CPython, then a table per engine (Firefox, WebKit); BENCHMARKS.md, bench/results.json
	scripts/setup.sh --test
	trunk build --release
	xvfb-run -a node bench/run.mjs

clean:
	rm -rf dist target
