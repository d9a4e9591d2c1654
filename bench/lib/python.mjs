// The CPython reference (bench/python/*.py): the same experiments with threading,
// multiprocessing and asyncio. Each script prints one JSON object.
import { execFileSync } from 'node:child_process';

const PYTHON = process.env.PYTHON ?? 'python3';

export function runPython(script, args) {
  const flat = Object.entries(args).flatMap(([k, v]) => [`--${k.replaceAll('_', '-')}`, String(v)]);
  const out = execFileSync(PYTHON, [`bench/python/${script}`, ...flat], { maxBuffer: 16 << 20 });
  return JSON.parse(out.toString());
}

export function pythonVersion() {
  return execFileSync(PYTHON, ['-c', 'import sys; print(sys.version.split()[0])']).toString().trim();
}
