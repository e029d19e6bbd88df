#!/usr/bin/env node
/**
 * `npm run test:mutate`: a small mutation check of the proof's core. Each `mutants.json` under lib/
 * lists deliberate bugs for the files next to it (so the list moves with the code) and the tests
 * that must notice them:
 *
 *   { "tests": ["test/evaluator"], "env": { "PROPERTY_RUNS": "30" }, "mutants": [
 *       { "file": "rule-ports.ts", "find": "exact text", "replace": "broken text", "rule": "what breaks" } ] }
 *
 * For each mutant, jest runs those tests (in band, in the listed order, stopping at the first failing
 * file) with the mutant
 * applied in memory by scripts/mutate/transform.js. A mutant is killed when a test fails, survives
 * when all pass. A mutant whose `find` text no longer occurs exactly once is stale: the run fails
 * so the list is kept true. Prints the score per list and overall and every survivor; exits 1 when
 * the score is below MUTATE_MIN_SCORE (default 95) or a mutant is stale.
 *
 *   npm run test:mutate                       # every list
 *   npm run test:mutate -- lib/evaluator      # the lists under a folder (or one mutants.json)
 *   MUTATE_JOBS=2 npm run test:mutate         # mutants in parallel (default 1: the machine is shared)
 */
const { spawn } = require('child_process');
const { setTimeout, clearTimeout } = require('timers');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..', '..');
const minScore = Number(process.env.MUTATE_MIN_SCORE ?? 95);
const jobs = Math.max(1, Number(process.env.MUTATE_JOBS ?? 1));
/** A mutant that hangs the tests (an endless loop) is killed by this timeout; the baseline has none. */
const timeoutMs = Number(process.env.MUTATE_TIMEOUT_MS ?? 1_800_000);
/** Timed tests are no evidence under mutation (a slower machine would "kill" a mutant). */
const SKIP_TESTS = '^(?!scale )';

function listsUnder(dir) {
  if (dir.endsWith('.json')) return [dir];
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listsUnder(p));
    else if (e.name === 'mutants.json') out.push(p);
  }
  return out;
}

function load(listPath) {
  const list = JSON.parse(fs.readFileSync(listPath, 'utf8'));
  const dir = path.dirname(listPath);
  return list.mutants.map((m, i) => {
    const file = path.join(dir, m.file);
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    const count = m.find ? text.split(m.find).length - 1 : 0;
    return {
      list: path.relative(root, listPath),
      id: `${path.relative(root, file)}#${i + 1}`,
      file,
      find: m.find,
      replace: m.replace,
      rule: m.rule,
      tests: m.tests ?? list.tests,
      env: { ...list.env, ...m.env },
      stale: count !== 1 ? `find text occurs ${count} times in ${path.relative(root, file)}` : undefined,
    };
  });
}

const jestConfig = JSON.stringify({
  ...require(path.join(root, 'jest.config.js')),
  rootDir: root,
  transform: { '^.+\\.ts$': [path.join(__dirname, 'transform.js'), { diagnostics: false }] },
});

function runJest(tests, env, timeout = timeoutMs) {
  return new Promise((resolve) => {
    const args = [require.resolve('jest/bin/jest', { paths: [root] }), '--config', jestConfig, '-i', '--bail', '--silent',
      '--testSequencer', path.join(__dirname, 'sequencer.js'),
      '--testPathIgnorePatterns', '/scale\\.test\\.ts$', '-t', SKIP_TESTS, ...tests];
    const childEnv = { ...process.env, ...env, CDK8S_CHECK_UPGRADE: 'false', MUTATE_TEST_ORDER: JSON.stringify(tests) };
    const child = spawn(process.execPath, args, { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    const timer = timeout > 0 ? setTimeout(() => child.kill('SIGKILL'), timeout) : undefined;
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

async function main() {
  const dirs = process.argv.slice(2);
  const lists = (dirs.length ? dirs : ['lib']).flatMap((d) => listsUnder(path.resolve(root, d)));
  const mutants = lists.flatMap(load);
  const stale = mutants.filter((m) => m.stale);
  const live = mutants.filter((m) => !m.stale);
  const started = Date.now();
  process.stdout.write(`mutate: ${live.length} mutants from ${lists.length} lists, ${jobs} at a time\n`);

  // The tests must pass on the unmutated code, or every mutant would look killed.
  const allTests = [...new Set(live.flatMap((m) => m.tests))];
  const baseline = await runJest(allTests, Object.assign({}, ...live.map((m) => m.env)), 0);
  if (baseline.code !== 0) {
    const failures = baseline.output.split('\n').filter((l) => /^(FAIL|\s+●)/.test(l)).join('\n');
    process.stdout.write(`mutate: the tests fail WITHOUT any mutant; fix them first:\n${failures || baseline.output.slice(-4000)}\n`);
    process.exit(1);
  }

  const results = [];
  let next = 0;
  async function worker() {
    while (next < live.length) {
      const m = live[next++];
      const r = await runJest(m.tests, { ...m.env, MUTANT_FILE: m.file, MUTANT_FIND: m.find, MUTANT_REPLACE: m.replace });
      const killedBy = (r.output.match(/● (.+?) ›/) ?? r.output.match(/FAIL (\S+)/) ?? [])[1];
      const status = r.signal ? 'killed (timeout)' : r.code === 0 ? 'SURVIVED' : 'killed';
      results.push({ m, status, killedBy });
      process.stdout.write(`  ${status.padEnd(16)} ${m.id}  ${m.rule}${r.code !== 0 && killedBy ? `  [${killedBy}]` : ''}\n`);
    }
  }
  await Promise.all(Array.from({ length: jobs }, worker));

  process.stdout.write('\nmutate: score by list\n');
  for (const list of [...new Set(live.map((m) => m.list))]) {
    const own = results.filter((r) => r.m.list === list);
    const killed = own.filter((r) => r.status !== 'SURVIVED').length;
    process.stdout.write(`  ${list}: ${killed}/${own.length} killed (${((100 * killed) / own.length).toFixed(1)} %)\n`);
  }
  const survivors = results.filter((r) => r.status === 'SURVIVED');
  const score = live.length ? (100 * (live.length - survivors.length)) / live.length : 100;
  process.stdout.write(`\nmutate: ${live.length - survivors.length}/${live.length} mutants killed, score ${score.toFixed(1)} % (minimum ${minScore} %), ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  for (const r of survivors) process.stdout.write(`  survivor: ${r.m.id}: ${r.m.rule}\n    - ${JSON.stringify(r.m.find)}\n    + ${JSON.stringify(r.m.replace)}\n`);
  for (const m of stale) process.stdout.write(`  STALE: ${m.id}: ${m.stale} (${m.rule}); update ${m.list}\n`);
  process.exit(score < minScore || stale.length ? 1 : 0);
}

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
