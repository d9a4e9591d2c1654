#!/usr/bin/env bash
# Every test: rustfmt and clippy, native unit tests, wasm-bindgen-test in headless Chromium, then end-to-end tests
# (Playwright driving Debian's Chromium) against the release build of the page.
# Assumes scripts/setup.sh --test has run (`make test` does both).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

step "style and lints (scripts/lint.sh)"
scripts/lint.sh

step "native unit tests (workloads, gil and the start line, lab, charts, view)"
cargo test --workspace --exclude threadlab-app --exclude threadlab-worker --exclude threadlab-threads --exclude threadlab-clock --exclude threadlab-io --exclude threadlab-workers

step "wasm-bindgen-test in headless Chromium (process worker executor)"
(cd crates/worker && CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=120 \
  cargo test --target wasm32-unknown-unknown --target-dir ../../target/wasm-test)

step "release build of the page (trunk build --release)"
trunk build --release

step "end-to-end tests in headless Chromium"
node --test --test-concurrency=1 tests/server.test.mjs tests/e2e/
