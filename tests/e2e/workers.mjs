// Counting the Web Workers a page really runs, from the browser's side (Playwright follows
// nested workers too: the threads engine's rayon pool lives inside its coordinator worker).
// window.threadlab.liveWorkers() is the page's own count; this one cannot be fooled by it.

/** { total, processes, coordinator, pool, poolScripts } workers alive in `page` right now
 *  (poolScripts: how many scripts the pool threads run from). Process workers and pool threads
 *  both run from blob: URLs: the page says which one is its process script. */
export async function countWorkers(page) {
  const { process_script: processScript } = await page.evaluate(() => window.threadlab.diagnostics());
  const urls = page.workers().map((w) => w.url());
  // The coordinator starts its pool threads from a blob: of its own (crates/threads/src/pool.rs).
  const pool = urls.filter((u) => u.startsWith('blob:') && u !== processScript);
  return {
    total: urls.length,
    processes: urls.filter((u) => u === processScript).length,
    coordinator: urls.filter((u) => u.endsWith('threads-worker.js')).length,
    pool: pool.length,
    poolScripts: new Set(pool).size,
  };
}

/**
 * True once every worker alive is one the page accounts for: its own count (liveWorkers) plus
 * the 16 pool threads of each threads coordinator. Polls for a few seconds (termination is
 * asynchronous).
 */
export async function noStrayWorkers(page, { timeoutMs = 5_000 } = {}) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const c = await countWorkers(page);
    const live = await page.evaluate(() => window.threadlab.liveWorkers());
    const ok = c.total - c.pool === live && c.pool === 16 * c.coordinator;
    if (ok || Date.now() > until) return ok ? true : { ...c, live };
    await new Promise((r) => setTimeout(r, 100));
  }
}
