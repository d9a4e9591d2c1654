#!/usr/bin/env bash
# Style and lints, part of the test command: rustfmt, and clippy with -D warnings on the native
# crates, the plain wasm32 crates and the threaded crate (built as scripts/build-wasm.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

step "one Content-Security-Policy (scripts/csp/policy.txt) in every place that delivers it"
node scripts/csp/sync.mjs --check

step "no import cycle between the modules of a crate"
node scripts/check-cycles.mjs

step "JavaScript parses (node --check) in www/, tests/, bench/ and scripts/"
# A syntax check, not a style linter: the JS is small (bootstraps, tests, bench templates), and
# node needs no package for it. Files the build generates (dist/, pkg/) are not tracked.
git ls-files '*.js' '*.mjs' | grep -v '^vendor/' | while read -r f; do
  node --check "$f" || { echo "node --check failed: $f" >&2; exit 1; }
done

step "cargo fmt --check"
cargo fmt --all --check

step "clippy: native crates"
cargo clippy --quiet --workspace --all-targets --exclude threadlab-app --exclude threadlab-worker \
  --exclude threadlab-threads --exclude threadlab-clock --exclude threadlab-io --exclude threadlab-workers \
  -- -D warnings

step "clippy: wasm32 crates"
cargo clippy --quiet --target wasm32-unknown-unknown --target-dir target/lint-wasm --all-targets \
  -p threadlab-app -p threadlab-view -p threadlab-worker -p threadlab-io -p threadlab-workers \
  -p threadlab-clock -p threadlab-dom -- -D warnings

step "clippy: threaded crate (atomics, -Zbuild-std)"
RUSTFLAGS="-C target-feature=+atomics,+bulk-memory,+mutable-globals" \
  cargo clippy --quiet --target wasm32-unknown-unknown --target-dir target/lint-threads \
  -p threadlab-threads -Z build-std=panic_abort,std -- -D warnings 2>&1 \
  | { grep -v -e 'unstable feature specified for `-Ctarget-feature`' -e 'this feature is not stably supported' \
        -e '^  |$' -e '^  = note' -e 'generated 1 warning' -e '^$' || true; }
# The filter above drops only rustc's note that `atomics` is unstable (one per crate); clippy's
# exit status is kept by pipefail.
