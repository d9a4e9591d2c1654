// Fails unless the given Wasm module imports a shared memory (a working threaded build).
import { readFileSync } from 'node:fs';

const file = process.argv[2];
const module = new WebAssembly.Module(readFileSync(file));
const memory = WebAssembly.Module.imports(module).find((i) => i.kind === 'memory');
// Module.imports does not expose "shared"; instantiate-free check via the memory type reflection
// is not available in Node 20, so read the import section's limits flag directly.
const bytes = readFileSync(file);
function importedMemoryIsShared(b) {
  let p = 8;
  const leb = () => { let r = 0, s = 0, x; do { x = b[p++]; r |= (x & 0x7f) << s; s += 7; } while (x & 0x80); return r >>> 0; };
  const name = () => { const n = leb(); p += n; };
  while (p < b.length) {
    const id = b[p++], size = leb(), end = p + size;
    if (id === 2) {
      for (let n = leb(); n > 0; n--) {
        name(); name();
        const kind = b[p++];
        if (kind === 0) leb();                                   // function: type index
        else if (kind === 1) { p++; const f = leb(); leb(); if (f & 1) leb(); } // table
        else if (kind === 2) { const f = leb(); leb(); if (f & 1) leb(); return (f & 2) !== 0; } // memory
        else if (kind === 3) { p += 2; }                          // global: valtype + mut (simple types)
        else if (kind === 4) { p++; leb(); }                      // tag
      }
    }
    p = end;
  }
  return false;
}
if (!memory || !importedMemoryIsShared(bytes)) {
  console.error(`${file}: does not import a shared memory; the threaded build is broken (see docs/toolchain.md)`);
  process.exit(1);
}
console.error(`${file}: imports shared memory ${memory.module}.${memory.name}`);
