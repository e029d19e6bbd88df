/**
 * The benchmark and the scripts are plain JavaScript that no compiler checks and eslint's
 * TypeScript parser reads leniently (it accepts an arrow split before `=>`): node must accept them.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');

function jsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : jsFiles(p);
    return e.name.endsWith('.js') ? [p] : [];
  });
}

const files = [...jsFiles(path.join(ROOT, 'bench')), ...jsFiles(path.join(ROOT, 'scripts')), path.join(ROOT, 'register.js')]
  .filter((f) => fs.existsSync(f));

test('there are scripts to check', () => {
  expect(files.map((f) => path.relative(ROOT, f))).toEqual(expect.arrayContaining(['bench/run.js', 'bench/report.js', 'register.js']));
});

test.each(files.map((f) => [path.relative(ROOT, f), f]))('node accepts %s', (_name, file) => {
  const r = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});
