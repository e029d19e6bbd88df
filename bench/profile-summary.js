'use strict';
/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): self time per function, and total
 * (inclusive) time per function for our own code, so that "what dominates" is a table.
 */
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
/** Our code as the bench runs it: lib/ transpiled somewhere under .bench-tmp/. */
const OURS = /\/\.bench-tmp\/(?:[^/]+\/)*lib\//;

function shortUrl(url) {
  if (!url) return '';
  let p = url.replace(/^file:\/\//, '');
  const nm = p.lastIndexOf('node_modules/');
  if (nm >= 0) return p.slice(nm + 'node_modules/'.length);
  p = p.replace(/^.*\/\.bench-tmp\/(?:[^/]+\/)*?(?=(?:lib|apps)\/)/, '');
  return p.replace(ROOT + '/', '');
}

/** Which part of the stack a frame belongs to. */
function bucket(cf) {
  const u = cf.url || '';
  if (OURS.test(u)) return 'this library (lib/)';
  if (/\/bench\//.test(u)) return 'benchmark workload';
  if (/node_modules\/cdk8s\/node_modules\/yaml\//.test(u) || /node_modules\/yaml\//.test(u)) return 'yaml (serializer)';
  if (/node_modules\/cdk8s\/node_modules\/fast-json-patch\//.test(u)) return 'fast-json-patch (cdk8s JSON patches)';
  if (/node_modules\/cdk8s-plus-27\//.test(u)) return 'cdk8s-plus-27';
  if (/node_modules\/cdk8s\//.test(u)) return 'cdk8s core';
  if (/node_modules\/constructs\//.test(u)) return 'constructs';
  if (cf.functionName === '(garbage collector)') return 'garbage collector';
  if (cf.functionName === '(idle)' || cf.functionName === '(program)') return 'V8/runtime (program, idle)';
  return 'node internals and builtins';
}

function frameKey(cf) {
  return `${cf.functionName || '(anonymous)'} ${shortUrl(cf.url)}:${cf.lineNumber + 1}`;
}

/** @returns {{ totalMs, self: {key, ms, pct}[], inclusiveOurs: {key, ms, pct}[] }} */
function summarize(file, { top = 25, ours = (url) => OURS.test(url) } = {}) {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Sample durations: timeDeltas[i] is the time before sample i.
  const selfUs = new Map();
  const deltas = prof.timeDeltas;
  for (let i = 0; i < prof.samples.length; i++) {
    const dt = deltas[i + 1] ?? 0;
    selfUs.set(prof.samples[i], (selfUs.get(prof.samples[i]) ?? 0) + dt);
  }
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const selfByKey = new Map();
  const inclByKey = new Map();
  const byBucket = new Map();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    const key = frameKey(node.callFrame);
    selfByKey.set(key, (selfByKey.get(key) ?? 0) + us);
    const b = bucket(node.callFrame);
    byBucket.set(b, (byBucket.get(b) ?? 0) + us);
    // Inclusive: charge each distinct ancestor frame (of our code) once per sample stack.
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const cf = byId.get(cur).callFrame;
      if (!ours(cf.url)) continue;
      const k = frameKey(cf);
      if (seen.has(k)) continue;
      seen.add(k);
      inclByKey.set(k, (inclByKey.get(k) ?? 0) + us);
    }
  }
  const rows = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([key, us]) => ({ key, ms: us / 1000, pct: (100 * us) / totalUs }));
  return {
    totalMs: totalUs / 1000,
    self: rows(selfByKey),
    inclusiveOurs: rows(inclByKey),
    buckets: [...byBucket.entries()].sort((a, b) => b[1] - a[1]).map(([key, us]) => ({ key, ms: us / 1000, pct: (100 * us) / totalUs })),
  };
}

module.exports = { summarize };

if (require.main === module) {
  const s = summarize(process.argv[2], { top: Number(process.argv[3] ?? 25) });
  console.log(`total sampled: ${s.totalMs.toFixed(0)} ms`);
  console.log('\nself time:');
  for (const r of s.self) console.log(`${r.ms.toFixed(0).padStart(7)} ms ${r.pct.toFixed(1).padStart(5)}%  ${r.key}`);
  console.log('\nself time by package:');
  for (const r of s.buckets) console.log(`${r.ms.toFixed(0).padStart(7)} ms ${r.pct.toFixed(1).padStart(5)}%  ${r.key}`);
  console.log('\ninclusive time, our code (lib/):');
  for (const r of s.inclusiveOurs) console.log(`${r.ms.toFixed(0).padStart(7)} ms ${r.pct.toFixed(1).padStart(5)}%  ${r.key}`);
}
