'use strict';
/** Small statistics helpers for the benchmark. */

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Least-squares line y = a + b x. */
function linearFit(xs, ys) {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  const slope = sxx === 0 ? NaN : sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

/** A copy with object keys sorted at every level (for order-insensitive comparison). */
function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return v;
}

/** The first path where two JSON values differ, e.g. `metadata.annotations.x: "1" vs undefined`. */
function firstDiff(a, b, at = '') {
  if (JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b))) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const d = firstDiff(a[k], b[k], at ? `${at}.${k}` : k);
      if (d) return d;
    }
  }
  return `${at}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
}

module.exports = { median, linearFit, sortKeys, firstDiff };
