// Small statistics for the bench: median and spread, as hyperfine reports them.

export const median = (xs) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** {median, min, max, n} of a list of numbers (nulls dropped). */
export const summary = (xs) => {
  const v = xs.filter((x) => x != null && Number.isFinite(x));
  return { median: median(v), min: v.length ? Math.min(...v) : null, max: v.length ? Math.max(...v) : null, n: v.length };
};

export const sum = (xs) => xs.reduce((a, b) => a + b, 0);

/** Element-wise median of rows of equal length (e.g. per-task times over repetitions). */
export const columnMedians = (rows) => rows[0].map((_, i) => median(rows.map((r) => r[i])));
