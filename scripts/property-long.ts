/**
 * The long property run: the same properties as `npm test` (test/robustness/properties.test.ts),
 * on many more programs and with a larger share of large ones (13-30 apps).
 *
 *   npm run test:property-long                         # 2000 programs, a fresh seed
 *   PROPERTY_RUNS=10000 npm run test:property-long     # more
 *   PROPERTY_SEED=123 npm run test:property-long       # replay a run (add PROPERTY_PATH from a failure)
 *
 * The seed is printed first, so a failing run can be replayed; on failure fast-check also prints
 * the shrunk counterexample, its seed and its path.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

const root = path.join(__dirname, '..');
const runs = process.env.PROPERTY_RUNS ?? '2000';
const seed = process.env.PROPERTY_SEED ?? String((Date.now() ^ (Math.random() * 0x7fffffff)) | 0);
const largeShare = process.env.PROPERTY_LARGE_SHARE ?? '0.25';

process.stdout.write(`property-long: PROPERTY_RUNS=${runs} PROPERTY_SEED=${seed} PROPERTY_LARGE_SHARE=${largeShare}\n`);
const started = Date.now();
const result = spawnSync(process.execPath, [
  require.resolve('jest/bin/jest', { paths: [root] }),
  '--runTestsByPath', path.join('test', 'robustness', 'properties.test.ts'),
  '--verbose',
], {
  cwd: root,
  stdio: 'inherit',
  env: { PROPERTY_PROGRESS: '100', ...process.env, PROPERTY_RUNS: runs, PROPERTY_SEED: seed, PROPERTY_LARGE_SHARE: largeShare },
});
process.stdout.write(`property-long: ${runs} programs, seed ${seed}, ${((Date.now() - started) / 1000).toFixed(0)} s, ${result.status === 0 ? 'passed' : 'FAILED'}\n`);
process.exit(result.status ?? 1);
