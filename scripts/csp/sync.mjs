#!/usr/bin/env node
// Writes the policy of policy.txt into every file that delivers it; with --check, only reports
// the files whose copy differs and exits 1 (scripts/lint.sh runs that).
import { readFileSync, writeFileSync } from 'node:fs';
import { CSP } from './policy.mjs';

const ROOT = new URL('../../', import.meta.url);
// Each place: the file, and the pattern around its copy of the policy (group 1 is the policy).
const PLACES = [
  ['index.html', /(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(">)/],
  ['www/_headers', /(\n {2}Content-Security-Policy: )([^\n]*)(\n)/],
  ['www/sw.js', /(\nconst CSP = ")([^"]*)(";)/],
  ['Trunk.toml', /(\n"Content-Security-Policy" = ")([^"]*)(")/],
];

const check = process.argv.includes('--check');
let stale = 0;
for (const [file, pattern] of PLACES) {
  const url = new URL(file, ROOT);
  const text = readFileSync(url, 'utf8');
  const found = text.match(pattern);
  if (!found) {
    console.error(`${file}: no Content-Security-Policy where scripts/csp/sync.mjs expects one`);
    process.exit(1);
  }
  if (found[2] === CSP) continue;
  stale++;
  if (check) console.error(`${file}: its Content-Security-Policy differs from scripts/csp/policy.txt`);
  else writeFileSync(url, text.replace(pattern, (_, before, _old, after) => `${before}${CSP}${after}`));
}
if (check && stale) {
  console.error('run `node scripts/csp/sync.mjs` to write the policy into them');
  process.exit(1);
}
if (!check) console.log(stale ? `wrote the policy into ${stale} file(s)` : 'every copy of the policy is up to date');
