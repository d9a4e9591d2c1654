#!/usr/bin/env node
// Fails when a module of a crate imports one that imports it back (an import cycle between the
// top-level modules of crates/*/src, read from their `crate::` paths outside `#[cfg(test)]`).
// Part of scripts/lint.sh: ARCHITECTURE.md's "no module imports one that imports it back".
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const ROOT = new URL('../crates/', import.meta.url).pathname;
const files = (dir) => readdirSync(dir).flatMap((name) => {
  const path = join(dir, name);
  return statSync(path).isDirectory() ? files(path) : path.endsWith('.rs') ? [path] : [];
});

/** Top-level module -> the top-level modules it names through `crate::`. */
function graph(src) {
  const g = new Map();
  for (const file of files(src)) {
    const top = relative(src, file).split(sep)[0].replace(/\.rs$/, '');
    if (top === 'lib' || top === 'main') continue;
    // Tests may reach anywhere: only the code up to the first test module counts.
    const code = readFileSync(file, 'utf8').split(/#\[cfg\(test\)\]\s*\n\s*(?:pub\(crate\) )?mod \w+/)[0];
    const deps = g.get(top) ?? new Set();
    for (const [, name] of code.matchAll(/crate::(\w+)/g)) if (name !== top) deps.add(name);
    g.set(top, deps);
  }
  return g;
}

/** Every cycle, each once (from its smallest module name). */
function cycles(g) {
  const found = [];
  const walk = (start, path) => {
    for (const next of g.get(path.at(-1)) ?? []) {
      if (next === start) found.push([...path, start]);
      else if (!path.includes(next) && next > start) walk(start, [...path, next]);
    }
  };
  for (const start of g.keys()) walk(start, [start]);
  return found;
}

let failed = 0;
for (const crate of readdirSync(ROOT)) {
  const src = join(ROOT, crate, 'src');
  try { statSync(src); } catch { continue; }
  for (const cycle of cycles(graph(src))) {
    failed++;
    console.error(`crates/${crate}: import cycle ${cycle.join(' -> ')}`);
  }
}
if (failed) process.exit(1);
console.log('no import cycle between the modules of any crate');
