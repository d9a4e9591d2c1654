#!/usr/bin/env bash
# Builds the four Wasm modules into <out>/pkg:
#   app.js + app_bg.wasm          the page: UI, orchestration (built for size: no kernel runs here)
#   view.js + view_bg.wasm        what shows a report: table, charts, exports (built for size),
#                                 loaded on the first touch or run
#   worker.js + worker_bg.wasm    plain module of the isolated "process" workers and the service worker
#   threads.js + threads_bg.wasm  threaded module: shared memory, rayon pool, emulated GIL
# Called by trunk as a build hook (TRUNK_STAGING_DIR, TRUNK_PROFILE), or by hand:
#   scripts/build-wasm.sh <out-dir> [release|debug]
# Rust is always compiled optimised (the release profile; the page's two modules its size
# variant, `page`): timings from a debug build would mislead.
# "debug" only skips wasm-opt.
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-${TRUNK_STAGING_DIR:?give an output directory}}/pkg"
profile="${2:-${TRUNK_PROFILE:-release}}"
target=wasm32-unknown-unknown
mkdir -p "$out"

# 1 GiB of shared memory at most: enough for the spec limits (see lab::spec), modest for Safari.
threads_rustflags="-C target-feature=+atomics,+bulk-memory,+mutable-globals \
 -C link-arg=--shared-memory -C link-arg=--max-memory=1073741824 -C link-arg=--import-memory \
 -C link-arg=--export=__wasm_init_tls -C link-arg=--export=__tls_size \
 -C link-arg=--export=__tls_align -C link-arg=--export=__tls_base"

build() { # crate out-name cargo-profile rustflags [cargo args...]
  local crate=$1 name=$2 cargo_profile=$3 flags=$4; shift 4
  local dir="target/wasm-$name"
  RUSTFLAGS="$flags" cargo build --quiet -p "$crate" --target $target --profile "$cargo_profile" --target-dir "$dir" "$@"
  wasm-bindgen --target web --out-dir "$out" --out-name "$name" "$dir/$target/$cargo_profile/${crate//-/_}.wasm"
}

# The page's two modules, built for size, also rebuild std: a panic there aborts at once
# (immediate-abort) with no file or line kept (location-detail). Nothing is lost: on
# wasm32-unknown-unknown std's panic message goes to a stderr that writes nothing, and the
# module traps either way. It saved 20 KB gzip of the page's module (docs/perf-notes.md).
page_rustflags="-Zlocation-detail=none -Zunstable-options -Cpanic=immediate-abort"
build threadlab-app app page "$page_rustflags" -Z build-std=panic_abort,std
build threadlab-view view page "$page_rustflags" -Z build-std=panic_abort,std
build threadlab-worker worker release ""
# Shared memory needs std rebuilt with atomics (nightly -Zbuild-std).
build threadlab-threads threads release "$threads_rustflags" -Z build-std=panic_abort,std

# Without this check a toolchain change could silently ship an unshared, non-threaded module.
node scripts/check-shared-memory.mjs "$out/threads_bg.wasm"

if [[ "$profile" == release ]]; then
  features="--enable-threads --enable-bulk-memory --enable-mutable-globals --enable-sign-ext \
    --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue"
  # No inlining by wasm-opt (-aimfs/-fimfs/-ocimfs 0): LLVM already decided it, and the kernels
  # are #[inline(never)] so the worker and threaded modules run the same kernel code. With
  # binaryen's inlining the plain module's fib(30) ran 1.7x slower than the threaded module's in
  # V8, with identical kernel code: a sequential baseline that slow made threads look faster than
  # the cores allow. The page's two modules run no kernel and are optimised for size.
  for name in worker threads; do
    node_modules/.bin/wasm-opt -O3 -aimfs 0 -fimfs 0 -ocimfs 0 $features "$out/${name}_bg.wasm" -o "$out/${name}_bg.wasm"
  done
  for name in app view; do
    node_modules/.bin/wasm-opt -Oz $features "$out/${name}_bg.wasm" -o "$out/${name}_bg.wasm"
  done
fi
