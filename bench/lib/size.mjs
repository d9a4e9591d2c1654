// What the page loads: the .js and .wasm files the server was asked for during a visit (page,
// workers and service worker alike: the server's request log sees them all), each gzipped.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export function loadedFiles(dir, paths) {
  const unique = [...new Set(paths)].filter((p) => /\.(m?js|wasm)$/.test(p)).sort();
  return unique.map((path) => {
    const body = readFileSync(join(dir, path));
    return { path, bytes: body.length, gzip_default: gzipSync(body).length, gzip_best: gzipSync(body, { level: 9 }).length };
  });
}
