// The native reference (crates/bench-native): the same Rust kernels compiled for this machine,
// timed task by task and on std threads. See its main.rs for the plan and output format.
import { execFileSync } from 'node:child_process';

const BIN = 'target/release/threadlab-bench-native';

/** Builds the binary with the workspace's release profile (it is not a default member). */
export function buildNative() {
  execFileSync('cargo', ['build', '--quiet', '--release', '--offline', '-p', 'threadlab-bench-native'], { stdio: 'inherit' });
}

/** Runs a plan ({jobs: [...]}) and returns {jobs: [{id, task_ms, threads_ms, verified}]}. */
export function runNative(plan) {
  const out = execFileSync(BIN, { input: JSON.stringify(plan), maxBuffer: 64 << 20 });
  return JSON.parse(out.toString());
}

export function rustcVersion() {
  return execFileSync('rustc', ['--version']).toString().trim();
}
