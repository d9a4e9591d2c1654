// Fault injection (workload `fault`): a task that panics, traps, runs out of memory or hangs,
// in every mode. The lesson of the articles: a crashing process takes only itself down (its
// task fails, the pool replaces it, the other tasks complete); a crashing thread takes the whole
// shared-memory engine down (the run is lost, the engine is rebuilt for the next run). Hangs are
// stopped by the per-run time limit or by a cancel. After each, no worker is left over and the
// next run is verified.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DIST, describeRun, fib, mustRun, poll, runOf, runSpec, setup } from './harness.mjs';
import { countWorkers, noStrayWorkers } from './workers.mjs';

const ctx = setup();
const ALL_MODES = ['sequential', 'threads', 'threads-gil', 'processes', 'async'];
const AT = 2;
const N = 22;
const TASKS = 6;
const faultSpec = (fault, extra = {}) => ({
  workload: { kind: 'fault', fault, at_task: AT, n: N }, tasks: TASKS, modes: ALL_MODES, workers: [2],
  repeat: 2, warmup: 0, ...extra,
});
// What each fault's cause says in the report.
const CAUSE = {
  panic: new RegExp(`panicked: injected fault: panic in task ${AT}`),
  trap: /trap|unreachable/i,
  oom: new RegExp(`out of memory in task ${AT}|trap|unreachable`, 'i'),
};
const SMALL = { workload: { kind: 'fib', n: 20 }, tasks: 4, modes: ALL_MODES, workers: [2], repeat: 1, warmup: 0 };

/** The next run verifies in every mode: engines that died were replaced. */
async function assertNextRunWorks(page) {
  const report = await mustRun(page, SMALL);
  for (const r of report.runs) {
    assert.equal(r.verified, true, `after the fault, ${r.mode}: ${describeRun(r)}`);
    assert.equal(r.checksum, String(4 * fib(20)));
  }
}

/** Processes: only the crashed task failed, with its cause; every other task completed. */
function assertOnlyTheTaskFailed(run, cause) {
  const what = `${run.mode}/${run.workers}: ${describeRun(run)}`;
  assert.equal(run.verified, false, what);
  assert.equal(run.samples_ms.length, 2, `every repetition completed: ${what}`);
  assert.equal(run.errors.length, 1, `one cause, nothing else wrong: ${what}`);
  assert.match(run.errors[0], /the process running it crashed/, what);
  assert.match(run.errors[0], cause, what);
  assert.match(run.errors[0], new RegExp(`task ${AT} of every repetition`), what);
  assert.deepEqual(run.trace.map((e) => e.task).sort((a, b) => a - b), [...Array(TASKS).keys()], what);
  const failed = run.trace.filter((e) => e.error);
  assert.deepEqual(failed.map((e) => e.task), [AT], what);
  assert.equal(run.trace.filter((e) => !e.error).length, TASKS - 1);
}

/** Threads: the whole engine went down; the report says so in plain words. */
function assertEngineWentDown(run, cause) {
  const what = describeRun(run);
  assert.equal(run.verified, false, what);
  assert.deepEqual(run.samples_ms, [], `no result of the run survives: ${what}`);
  assert.match(run.errors[0], /Threads share one memory and one fate: a crashing thread takes the whole engine down/, what);
  assert.match(run.errors[0], cause, what);
  assert.match(run.errors[0], new RegExp(`in task ${AT}`), what);
}

for (const fault of ['panic', 'trap', 'oom']) {
  test(`fault ${fault}: one process dies and is replaced, threads lose the engine, one worker loses the run`, { timeout: 180_000 }, async () => {
    await ctx.withPage({ allowErrors: [] }, async ({ page }) => {
      for (const start of ['cold', 'warm']) {
        // Warm: only processes again (the other modes do not depend on it).
        const only = start === 'warm' ? { modes: ['processes'] } : {};
        const { report, error } = await runSpec(page, faultSpec(fault, { processes: { start }, ...only }));
        assert.equal(error, undefined, `the run rejected: ${error}`);
        assertOnlyTheTaskFailed(runOf(report, 'processes', 2), CAUSE[fault]);
        if (start === 'warm') continue;
        for (const mode of ['threads', 'threads-gil']) assertEngineWentDown(runOf(report, mode, 2), CAUSE[fault]);
        for (const mode of ['sequential', 'async']) {
          const run = runOf(report, mode, 1);
          assert.deepEqual(run.samples_ms, [], describeRun(run));
          assert.match(run.errors[0], /One worker runs every task here, so its crash ended the run/, describeRun(run));
          assert.match(run.errors[0], CAUSE[fault], describeRun(run));
        }
        assert.match(report.verdict.summary, new RegExp(`Task ${AT} .*processes with 2 workers lost only that task.*threads with 2 workers.*lost everything`),
          report.verdict.summary);
        // The page shows the lesson, as text.
        assert.equal(await page.textContent('#verdict'), report.verdict.summary);
      }
      // Dead workers were ended, not left behind: only the kept engines remain (the threads
      // engine, the helper, the warm pool of 2).
      assert.equal(await noStrayWorkers(page), true);
      const c = await countWorkers(page);
      assert.ok(c.coordinator <= 1 && c.processes <= 3, JSON.stringify(c));
      await assertNextRunWorks(page);
    });
  });
}

test('fault hang: the time limit stops every mode, ends its workers, and the next run works', { timeout: 180_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    const spec = faultSpec('hang', { time_limit_s: 2, repeat: 1 });
    const t0 = Date.now();
    const { report, error } = await runSpec(page, spec);
    const took = Date.now() - t0;
    assert.equal(error, undefined, `the run rejected: ${error}`);
    for (const run of report.runs) {
      assert.equal(run.verified, false);
      assert.match(run.errors[0] ?? '', /did not finish within the time limit of 2 s \(time_limit_s\)/, describeRun(run));
    }
    // Five stopped runs of 2 s, plus engines restarted after each stop.
    assert.ok(took >= 5 * 2000, `took ${took} ms`);
    assert.match(report.verdict.summary, /every mode was stopped at the time limit of 2 s/);
    assert.equal(await noStrayWorkers(page), true, 'workers left after the time limit');
    await assertNextRunWorks(page);
  });
});

test('fault hang: a cancel stops it at once in every mode', { timeout: 180_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    for (const mode of ALL_MODES) {
      const outcome = await page.evaluate(async (spec) => {
        const run = window.threadlab.run(spec).then(() => 'completed', (e) => e.message);
        // Wait until the hanging task has been running for a while.
        await new Promise((ok) => setTimeout(ok, 1500));
        window.threadlab.cancel();
        return run;
      }, faultSpec('hang', { modes: [mode], time_limit_s: 600, repeat: 1 }));
      assert.equal(outcome, 'the run was cancelled', mode);
      const gone = await poll(async () => (await countWorkers(page)).total === 0, { timeoutMs: 5_000 });
      assert.ok(gone, `${mode}: workers left after the cancel: ${JSON.stringify(await countWorkers(page))}`);
    }
    await assertNextRunWorks(page);
  });
});

test('a fault spec is validated like any other, and the preset teaches the lesson', { timeout: 120_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    const bad = await runSpec(page, { workload: { kind: 'fault', fault: 'segfault' } });
    assert.match(bad.error, /workload\.fault: unknown fault "segfault"; one of panic, trap, oom, hang/);
    const outside = await runSpec(page, { workload: { kind: 'fault', fault: 'panic', at_task: 10 }, tasks: 10 });
    assert.match(outside.error, /workload\.at_task: must be a task of this run: from 0 to 9/);
    // The preset, from the form, with a few changes for time.
    await page.selectOption('#preset', 'crash-thread-vs-process');
    assert.equal(await page.inputValue('#param-fault'), 'panic');
    assert.equal(await page.inputValue('#param-at_task'), '3');
    await page.fill('#param-n', '22');
    await page.click('#run');
    await page.waitForFunction(() => !document.getElementById('run').disabled, null, { timeout: 60_000 });
    const verdict = await page.textContent('#verdict');
    assert.match(verdict, /Task 3 panicked: processes with 4 workers lost only that task, .*threads with 4 workers lost everything/, verdict);
    const notes = await page.$$eval('#results-table tbody tr', (trs) => trs.map((tr) => tr.textContent));
    assert.ok(notes.some((t) => /crashed/.test(t)), notes.join('\n'));
  });
});

test('the form asks before an experiment estimated over a minute; no starts nothing, yes runs it', { timeout: 120_000 }, async () => {
  await ctx.withPage({}, async ({ page }) => {
    // 100 x fib(40), 1 to 16 workers: many minutes.
    await page.selectOption('#kind', 'fib');
    await page.fill('#param-n', '40');
    await page.fill('#tasks', '100');
    await page.fill('#workers', '1, 2, 4, 8, 16');
    await page.fill('#time-limit', '30');
    const questions = [];
    page.once('dialog', (d) => { questions.push(d.message()); d.dismiss(); });
    await page.click('#run');
    await poll(() => questions.length === 1);
    assert.match(questions[0], /^This experiment will take about \d+ min \(an estimate from its size\)\. Runs of .* would exceed the time limit of 30 s and be stopped\. Run it\?$/, questions[0]);
    assert.equal(await page.textContent('#progress-text'), 'Not started.');
    assert.equal(await page.isDisabled('#run'), false);
    assert.equal(await page.isDisabled('#cancel'), true, 'nothing runs');

    page.once('dialog', (d) => d.accept());
    await page.click('#run');
    await page.waitForFunction(() => document.getElementById('run').disabled);
    await page.click('#cancel');
    await page.waitForFunction(() => /cancelled/.test(document.getElementById('error').textContent));
    // A short experiment starts without asking (a dialog would fail the test: none is expected).
    page.once('dialog', (d) => { questions.push(d.message()); d.dismiss(); });
    await page.fill('#param-n', '20');
    await page.fill('#tasks', '4');
    await page.fill('#workers', '2');
    await page.click('#run');
    await page.waitForFunction(() => !document.getElementById('run').disabled && document.querySelectorAll('#results-table tbody tr').length > 0);
    assert.equal(questions.length, 1, `asked again: ${questions.join(' | ')}`);
  });
});

test('the thread pool cannot start: threads runs say why, other modes are measured, no thread is left, the next run starts it', { timeout: 180_000 }, async () => {
  // What www/pool-thread.js is made to be, case by case; `null`: the real one.
  const real = await readFile(join(DIST, 'www/pool-thread.js'), 'utf8');
  const cases = [
    { name: 'its bootstrap cannot be fetched', body: 'abort', cause: /could not load \S*www\/pool-thread\.js/ },
    { name: 'one thread fails to instantiate', cause: /thread 16: injected: thread 16 refuses/,
      body: `{ if (self.name === 'threadlab thread 16') self.onmessage = () => self.postMessage({ error: 'injected: thread 16 refuses' }); else ${real.replace(/^\s*\/\/.*$/gm, '')} }` },
    { name: 'no thread ever answers', body: '{}', cause: /the threads engine failed to start: it was not ready within 20 s/ },
    // Last: Chromium then sometimes keeps the ended coordinator listed, answering nothing (a
    // worker ended while its nested workers close themselves, as workers whose script failed
    // do; reproduced without threadlab), so the stray-worker count is taken before it.
    { name: 'the script does not parse', body: '{ this is not a script', cause: /thread \d+: the worker failed to load or crashed/, last: true },
  ];
  let current = null;
  await ctx.withPage({
    allowErrors: [/pool-thread\.js|Failed to load resource|net::ERR_FAILED|SyntaxError|Unexpected identifier/],
    prepare: async (context) => {
      await context.route('**/www/pool-thread.js', (route) => {
        if (!current) return route.continue();
        if (current.body === 'abort') return route.abort('failed');
        return route.fulfill({ status: 200, contentType: 'text/javascript', body: current.body });
      });
    },
  }, async ({ page }) => {
    for (const c of cases) {
      if (c.last) assert.equal(await noStrayWorkers(page), true, 'every ended coordinator is gone');
      current = c;
      const report = await mustRun(page, SMALL);
      for (const mode of ['threads', 'threads-gil']) {
        const run = runOf(report, mode, 2);
        assert.equal(run.verified, false, `${c.name}: ${describeRun(run)}`);
        assert.match(run.errors.join(' '), /the thread pool did not start|the threads engine failed to start/, `${c.name}: ${describeRun(run)}`);
        assert.match(run.errors.join(' '), c.cause, `${c.name}: ${describeRun(run)}`);
      }
      const others = report.runs.filter((r) => !r.mode.startsWith('threads'));
      assert.equal(others.length, 3);
      for (const run of others) assert.equal(run.verified, true, `${c.name}: ${describeRun(run)}`);
      const left = await poll(async () => ((await countWorkers(page)).pool === 0 ? true : null), { timeoutMs: 5_000 });
      assert.ok(left, `${c.name}: no thread of the failed pool is left: ${JSON.stringify(await countWorkers(page))}`);
    }
    current = null;
    await assertNextRunWorks(page);
    assert.equal(await page.evaluate(() => window.threadlab.liveWorkers()), 2, 'the page runs one helper and one coordinator');
  });
});
