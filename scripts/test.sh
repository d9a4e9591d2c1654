#!/usr/bin/env bash
# Every test: rustfmt and clippy, native unit tests, wasm-bindgen-test in headless Chromium, then end-to-end tests
# against the release build of the page: in depth in Chromium (Playwright), then the cross-engine suite
# (tests/engines/) in Chromium, Firefox ESR (geckodriver) and WebKitGTK (WebKitWebDriver, under Xvfb).
# Assumes scripts/setup.sh --test has run (`make test` does both).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

step "style and lints (scripts/lint.sh)"
scripts/lint.sh

step "native unit tests (workloads, gil and the start line, lab, charts, view, the bench's analysis)"
cargo test --workspace --exclude threadlab-app --exclude threadlab-worker --exclude threadlab-threads --exclude threadlab-clock --exclude threadlab-io --exclude threadlab-workers

step "native unit tests of the page's module (runner errors)"
cargo test -p threadlab-app --lib

step "wasm-bindgen-test in headless Chromium (process worker executor)"
(cd crates/worker && CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=120 \
  cargo test --target wasm32-unknown-unknown --target-dir ../../target/wasm-test)

step "release build of the page (trunk build --release)"
trunk build --release

step "end-to-end tests in headless Chromium"
node --test --test-concurrency=1 tests/server.test.mjs tests/e2e/

step "cross-engine end-to-end tests in Chromium (tests/engines/)"
node --test --test-concurrency=1 tests/engines/chromium.test.mjs

step "cross-engine end-to-end tests in Firefox ESR (tests/engines/)"
node --test --test-concurrency=1 tests/engines/firefox.test.mjs

step "cross-engine end-to-end tests in WebKitGTK, Safari's engine, under Xvfb (tests/engines/)"
xvfb-run -a -s '-screen 0 1280x1024x24' node --test --test-concurrency=1 tests/engines/webkit.test.mjs
