// TypeScript declarations for `window.threadlab`, the playground's scripting API.
// The contracts they describe: docs/api.md, docs/spec.md, docs/report.md.
// tests/e2e/types.test.mjs type-checks real reports, capabilities and presets against them.

// ---------------------------------------------------------------------------------------------
// Spec (docs/spec.md)

/** An execution model. */
export type Mode = "sequential" | "threads" | "threads-gil" | "processes" | "async";

/** How `fault` fails its task. */
export type FaultKind = "panic" | "trap" | "oom" | "hang";

/** Every task computes fib(n) recursively. */
export interface FibWorkload {
  kind: "fib";
  /** 1 to 45. */
  n: number;
}

/** The integers 1..=n summed, one contiguous share per task. */
export interface SumWorkload {
  kind: "sum";
  /** 1 to 4,000,000,000. */
  n: number;
}

/** Primes below n counted by trial division, one range per task. */
export interface PrimesWorkload {
  kind: "primes";
  /** 2 to 20,000,000. */
  n: number;
}

/** Every task appends n pseudo-random integers to a list. */
export interface SampleAppendWorkload {
  kind: "sample_append";
  /** 1 to 10,000,000. */
  n: number;
}

/** A width x height Mandelbrot image, one band of rows per task. */
export interface MandelbrotWorkload {
  kind: "mandelbrot";
  /** 1 to 4096. */
  width: number;
  /** 1 to 4096. */
  height: number;
  /** 1 to 100,000. */
  max_iter: number;
}

/** Task i does numeric work for the letter 'a' + i % 26. */
export interface LettersWorkload {
  kind: "letters";
}

/** Every task waits `ms` and computes nothing. */
export interface SleepWorkload {
  kind: "sleep";
  /** 0 to 10,000. */
  ms: number;
}

/** Parameters of `fetch` and `fetch_write`; `null` means absent. */
export interface DownloadParams {
  /** An absolute http(s) URL; `{letter}` and `{i}` are replaced per task. Absent: the built-in endpoint. */
  url?: string | null;
  /** Built-in endpoint only: 0 to 60,000, default 200. */
  delay_ms?: number | null;
  /** Built-in endpoint only: 0 to 4,194,304, default 10,240. */
  bytes?: number | null;
  /** 1 to 120,000, default 10,000. */
  timeout_ms?: number | null;
}

/** Every task downloads, then hashes the body. */
export interface FetchWorkload extends DownloadParams {
  kind: "fetch";
}

/** As `fetch`, then writes the body to `{letter}.txt` in the Origin Private File System. */
export interface FetchWriteWorkload extends DownloadParams {
  kind: "fetch_write";
}

/** Task `at_task` fails on purpose; every other task computes fib(n). */
export interface FaultWorkload {
  kind: "fault";
  fault: FaultKind;
  /** 0 to tasks - 1, default 0. */
  at_task?: number;
  /** 1 to 40, default 27. */
  n?: number;
}

/** A counter's synchronisation: a read then a write, a mutex, or one atomic add. */
export type Sync = "none" | "lock" | "atomic";

/** How a processes run hands a `pass` input to a worker: a structured clone, a transferred copy, a SharedArrayBuffer. */
export type Via = "copy" | "transfer" | "shared";

/** Every task reads one input of `mb` MB; the processes mode runs once per listed `via`. */
export interface PassWorkload {
  kind: "pass";
  /** 1 to 256 MB. */
  mb: number;
  /** One or a list on input; always a list in a normalized spec. Default: all three. */
  via?: Via | Via[];
}

/** Every task adds 1 to one counter n times; threads modes run once per listed `sync`. */
export interface CounterWorkload {
  kind: "counter";
  /** 1 to 100,000,000 updates per task. */
  n: number;
  /** One or a list on input; always a list in a normalized spec. Default: all three. */
  sync?: Sync | Sync[];
}

export type Workload =
  | CounterWorkload
  | PassWorkload
  | FibWorkload
  | SumWorkload
  | PrimesWorkload
  | SampleAppendWorkload
  | MandelbrotWorkload
  | LettersWorkload
  | SleepWorkload
  | FetchWorkload
  | FetchWriteWorkload
  | FaultWorkload;

export type WorkloadKind = Workload["kind"];

export type ProcessStart = "cold" | "warm";

/** A spec as `run()` accepts it: only `workload` is required. */
export interface Spec {
  workload: Workload;
  /** 1 to 1024, default 10. */
  tasks?: number;
  /** At least one; default all five. */
  modes?: Mode[];
  /** 1 to 16 entries, each 1 to 16; default [1, 2, 4]. */
  workers?: number[];
  /** 1 to 50, default 3. */
  repeat?: number;
  /** 0 to 10, default 1. */
  warmup?: number;
  gil?: {
    /** 0.1 to 1000, default 5. */
    switch_interval_ms?: number;
  };
  processes?: {
    /** Default "cold". */
    start?: ProcessStart;
    /** 1 to 1024; absent or null: Pool.map's default. */
    chunksize?: number | null;
  };
  /** 1 to 3600, default 120. */
  time_limit_s?: number;
}

/** A spec as reports carry it: every default filled in, modes de-duplicated, workers sorted. */
export interface NormalizedSpec {
  workload: Exclude<Workload, FaultWorkload> | Required<FaultWorkload>;
  tasks: number;
  modes: Mode[];
  workers: number[];
  repeat: number;
  warmup: number;
  gil: { switch_interval_ms: number };
  processes: { start: ProcessStart; chunksize?: number };
  time_limit_s: number;
}

// ---------------------------------------------------------------------------------------------
// Report (docs/report.md)

export interface Env {
  cores: number;
  cross_origin_isolated: boolean;
  user_agent: string;
  timer_resolution_ms: number;
  version: string;
}

/** One task of a run's last kept repetition; times in ms from the repetition's start. */
export interface TraceEvent {
  task: number;
  /** Numbered from 1 within the run. */
  worker: number;
  start_ms: number;
  end_ms: number;
  gil_wait_ms: number;
  /** At most a thousand per task; absent when empty. */
  gil_waits?: [number, number][];
  /** Time blocked on a lock another thread held (counter with a lock); absent when 0. */
  lock_wait_ms?: number;
  lock_waits?: [number, number][];
  /** Time the task's input spent on its way to a process worker (pass); absent when 0. */
  pass_ms?: number;
  /** That passing as one [start_ms, end_ms] interval at the start of the task. */
  passing?: [number, number][];
  io_wait_ms: number;
  io_waits?: [number, number][];
  /** Bytes downloaded; absent when 0. */
  bytes?: number;
  /** Why the task failed. */
  error?: string;
}

/** What a counter run counted, per kept repetition. */
export interface CounterRecord {
  /** Updates made: tasks x n. */
  expected: number;
  counted: number[];
  /** expected - counted. */
  lost: number[];
  /** True for unsynchronised threads, whose lost updates are the result, not a failure. */
  racy: boolean;
  /** The median run over the updates made, ns. */
  ns_per_update?: number;
}

/** What passing a `pass` input cost, the median over kept repetitions. */
export interface PassingRecord {
  /** MB each task received by message; 0 where the input is read in place. */
  mb: number;
  /** tasks x mb. */
  mb_passed: number;
  /** Passing, summed over the tasks of one repetition, ms. */
  passing_ms: number;
  /** Reading the input, summed over the tasks of one repetition, ms. */
  compute_ms: number;
  /** mb_passed / passing time; absent when nothing was passed. */
  mb_per_s?: number;
  /** passing_ms / (passing_ms + compute_ms). */
  share: number;
}

/** One (mode, variant, workers) cell of the plan. Optional fields are absent, never null. */
export interface RunRecord {
  mode: Mode;
  workers: number;
  /** The workload's variant this run used: a counter's synchronisation (threads modes) or a pass's way (processes). */
  variant?: Sync | Via;
  /** Why this browser could not run the cell. */
  skipped?: string;
  /** Kept repetitions' wall times, ms; possibly empty. */
  samples_ms: number[];
  median_ms?: number;
  mean_ms?: number;
  stddev_ms?: number;
  min_ms?: number;
  max_ms?: number;
  /** Against the sequential median, else the same mode at 1 worker. */
  speedup?: number;
  efficiency?: number;
  verified: boolean;
  /** A decimal u64 (may exceed 2^53); "" for a skipped cell. */
  checksum: string;
  /** Cold processes: mean time for a worker to become ready, ms. */
  startup_ms?: number;
  /** Processes runs: tasks per message. */
  chunksize?: number;
  errors?: string[];
  warnings?: string[];
  trace: TraceEvent[];
  /** Counter workloads only. */
  counter?: CounterRecord;
  /** Pass workloads only. */
  passing?: PassingRecord;
}

/** Sentences for people; their wording may change. */
export interface Verdict {
  summary: string;
  details: string[];
}

/** Why an article's claim did not hold. */
export type ClaimCause =
  | "cores"
  | "start_up"
  | "tasks_too_short"
  | "connection_limit"
  | "not_measured"
  | "no_race"
  | "noise";

export interface ClaimCheck {
  /** The id of the preset whose claim was checked. */
  preset: string;
  claim: string;
  holds: boolean;
  cause?: ClaimCause;
  text: string;
  /** How the preset sized the article's experiment for Wasm; only when the spec is the preset's. */
  scaling?: string;
  /** The article's own figures beside this report's runs, when the spec is its kind of work. */
  article?: ArticleBeside;
}

/** An article's figures beside the same runs measured here (`lab::article`). */
export interface ArticleBeside {
  title: string;
  /** Interpreter and cores of the article's figures, as far as it says. */
  setup: string;
  /** What the article shows instead, where it gives no figure. */
  note?: string;
  rows: ArticleRow[];
}

export interface ArticleRow {
  mode: Mode;
  workers: number;
  /** The article's time, in seconds. */
  article_s: number;
  /** Against the article's sequential time, else the same mode at 1 worker. */
  article_speedup?: number;
  /** The median measured here, when this run was measured. */
  here_ms?: number;
  /** Against the same baseline measured here. */
  here_speedup?: number;
}

export interface Report {
  spec: NormalizedSpec;
  env: Env;
  runs: RunRecord[];
  verdict: Verdict;
  /** Present when the spec has the shape of a preset. */
  claim?: ClaimCheck;
}

// ---------------------------------------------------------------------------------------------
// The API (docs/api.md)

/** Passed to `onProgress` after every timed run (warm-ups included). */
export interface Progress {
  done: number;
  total: number;
  mode: Mode;
  workers: number;
}

export interface RunOptions {
  /** Exceptions it throws are ignored. */
  onProgress?: (progress: Progress) => void;
}

export interface Capabilities {
  /** What the browser reports (`cores_source`), not a measurement: browsers may round it. */
  cores: number;
  cores_source: 'navigator.hardwareConcurrency';
  cross_origin_isolated: boolean;
  /** Whether the threads engine can share its memory with its workers here. */
  shared_memory: boolean;
  timer_resolution_ms: number;
  /** The modes this page can run. */
  modes: Mode[];
  /** Every check the modes depend on, one by one. */
  checks: CapabilityChecks;
  /** Why threads, or fetch_write's file writing, would be skipped here; null: nothing known rules it out. */
  skip_reasons: { threads: string | null; fetch_write: string | null };
}

/**
 * One entry per need. The page's own checks are made at load; the ones only a worker can make
 * are null until the helper process worker answered (`checkCapabilities()` waits for it).
 */
export interface CapabilityChecks {
  cross_origin_isolated: boolean;
  shared_wasm_memory: boolean;
  /** A shared WebAssembly.Memory can be sent to a worker (WebKitGTK refuses: DataCloneError). */
  shared_memory_to_workers: boolean;
  /** Reported only: the threads do not need the global. */
  shared_array_buffer_global: boolean;
  opfs_window: boolean;
  create_writable_window: boolean;
  module_workers: boolean | null;
  atomics_wait_worker: boolean | null;
  opfs_worker: boolean | null;
  sync_access_handle_worker: boolean | null;
  create_writable_worker: boolean | null;
  module_workers_error: string | null;
  opfs_worker_error: string | null;
  /** How long the worker's checks took inside it, and from the page (a worker's start included). */
  worker_checks_ms: number | null;
  worker_checks_page_ms: number | null;
}

export interface Preset {
  /** What `?preset=<id>` takes. */
  id: string;
  title: string;
  /** What the original article claimed. */
  claim: string;
  /** As the preset writes it (defaults not filled in). */
  spec: Spec;
}

/** Not part of the contract: for soak tests. */
export interface Diagnostics {
  live_workers: number;
  /** The blob: URL process workers start from; null until their code has loaded. */
  process_script: string | null;
  wasm_memory_bytes: number;
}

export interface Threadlab {
  /** Resolves once the API is complete and the page will not reload; rejects if it cannot start. */
  readonly ready: Promise<true>;
  /**
   * Validates and runs a spec (an object or JSON text). Rejects with an Error whose message is
   * `invalid spec: <field>: <message>`, `a run is already in progress: ...`,
   * `the run was cancelled`, `the results view could not be loaded: ..., so the run has no
   * report yet. ...` (the runs are kept in the page's history), or why nothing could run.
   */
  run(spec: Spec | string, options?: RunOptions): Promise<Report>;
  /** Stops the current run at once; its promise rejects. No-op when nothing runs. */
  cancel(): void;
  capabilities(): Capabilities;
  /** The same, once the helper worker made the checks only a worker can make; rejects if no worker could. */
  checkCapabilities(): Promise<Capabilities>;
  readonly presets: Preset[];
  /** Not part of the contract: Web Workers started and not yet terminated. */
  liveWorkers(): number;
  /** Not part of the contract. */
  diagnostics(): Diagnostics;
}

declare global {
  // `var`, so that both `threadlab` and `window.threadlab` are typed.
  var threadlab: Threadlab;
}
