#!/usr/bin/env bash
# Installs what a fresh machine lacks to build (and, with --test, to test) threadlab.
# Idempotent: every step checks first, so a second run takes seconds.
# Heavy tools go to ~/.cargo/bin (persist between clones); npm packages to ./node_modules.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.22.1
WASM_BINDGEN_VERSION=0.2.130 # must equal the wasm-bindgen crate version in Cargo.lock
GECKODRIVER_VERSION=0.37.1 # Firefox's WebDriver server, for the end-to-end tests
# The dated nightly of rust-toolchain.toml (the threaded module needs -Zbuild-std).
TOOLCHAIN=$(sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml)

with_browser=0
[[ "${1:-}" == "--test" ]] && with_browser=1

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
has_version() { command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -q "$2"; }

if ! rustup toolchain list | grep -q "^$TOOLCHAIN"; then
  step "rustup: toolchain $TOOLCHAIN"
  rustup toolchain install "$TOOLCHAIN" --profile minimal --component rust-src,rustfmt,clippy --target wasm32-unknown-unknown
fi
for component in rustfmt clippy; do
  if ! rustup component list --installed --toolchain "$TOOLCHAIN" | grep -q "^$component"; then
    rustup component add "$component" --toolchain "$TOOLCHAIN"
  fi
done

installed_targets=$(rustup target list --installed --toolchain "$TOOLCHAIN")
if ! grep -q wasm32-unknown-unknown <<<"$installed_targets"; then
  step "rustup: wasm32-unknown-unknown for $TOOLCHAIN"
  rustup target add wasm32-unknown-unknown --toolchain "$TOOLCHAIN"
fi
if ! rustup component list --installed --toolchain "$TOOLCHAIN" | grep -q '^rust-src'; then
  step "rustup: rust-src for $TOOLCHAIN"
  rustup component add rust-src --toolchain "$TOOLCHAIN"
fi

if ! has_version wasm-bindgen "$WASM_BINDGEN_VERSION"; then
  step "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (~3 min)"
  # --locked fails here: its lockfile pins a crate the reachable index lacks.
  cargo +"$TOOLCHAIN" install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if ! has_version trunk "$TRUNK_VERSION"; then
  step "cargo install trunk $TRUNK_VERSION (~11 min, once per machine)"
  cargo +"$TOOLCHAIN" install trunk --version "$TRUNK_VERSION" --locked --force
fi

if [[ $with_browser == 1 ]] && ! has_version geckodriver "$GECKODRIVER_VERSION"; then
  step "cargo install geckodriver $GECKODRIVER_VERSION (~3 min, once per machine)"
  cargo +"$TOOLCHAIN" install geckodriver --version "$GECKODRIVER_VERSION" --locked --force
fi

if [[ $with_browser == 1 ]]; then
  # The three engines the end-to-end tests run in, as Debian ships them (none is downloaded):
  # Chromium, Firefox ESR, and WebKitGTK (WebKitWebDriver + MiniBrowser) under Xvfb.
  missing=()
  { [[ -x /usr/bin/chromium ]] && [[ -x /usr/bin/chromedriver ]]; } || missing+=(chromium chromium-driver)
  [[ -x /usr/bin/firefox-esr ]] || missing+=(firefox-esr)
  [[ -x /usr/bin/WebKitWebDriver ]] || missing+=(webkit2gtk-driver)
  { command -v xvfb-run >/dev/null && command -v xauth >/dev/null; } || missing+=(xvfb xauth)
  if ((${#missing[@]})); then
    step "apt: ${missing[*]}"
    SUDO=""; [[ $(id -u) != 0 ]] && SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
  fi
fi

# npm: binaryen (a wasm-opt that does not break wasm-bindgen output), and playwright-core and
# selenium-webdriver, which drive the Debian browsers (they download none).
if [[ ! -x node_modules/.bin/wasm-opt ]] || [[ ! -d node_modules/selenium-webdriver ]] \
  || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  step "npm ci"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
fi

if [[ ! -d "$HOME/.cargo/registry/cache" ]] || ! cargo +"$TOOLCHAIN" fetch --locked --offline >/dev/null 2>&1; then
  step "cargo fetch"
  cargo +"$TOOLCHAIN" fetch --locked
fi
