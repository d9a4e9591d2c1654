// The bench's analysis is Rust (crates/bench-report): every figure, bound and PASS/MISS of
// BENCHMARKS.md is computed there from bench/results.json, and tested natively. This runs it.
import { execFileSync } from 'node:child_process';

function run(args) {
  try {
    return execFileSync('cargo', ['run', '--quiet', '--offline', '-p', 'threadlab-bench-report', '--', ...args],
      { maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'] }).toString();
  } catch {
    // The binary said why on stderr.
    throw new Error('the bench analysis (crates/bench-report) failed: see above');
  }
}

/** The results schema the analysis reads, which bench/run.mjs writes into new files. */
export const schema = () => Number(run(['--schema']));

/** The analysis of a results file; throws (after the binary said why) on a file of another schema. */
export const analyse = (path) => JSON.parse(run([path]));
