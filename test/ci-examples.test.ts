/**
 * The CI examples in docs/ci are what users copy into their repositories: their YAML parses, has
 * the structure GitHub Actions and GitLab CI require, their shell passes `bash -n`, and every
 * `cdk8s-networking` command in them is accepted by the command's own parser. (Offline: the
 * platforms' own linters cannot run here.)
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as jsyaml from 'js-yaml';
import { parseCommandLine } from '../lib/cli/main';

const ROOT = path.join(__dirname, '..');
const load = (file: string): any => jsyaml.load(fs.readFileSync(path.join(ROOT, 'docs', 'ci', file), 'utf8'));

/** `bash -n`: the script parses. */
function bashSyntax(script: string): void {
  execFileSync('bash', ['-n'], { input: script, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** The arguments of every `cdk8s-networking` command in a script, with variables as placeholders. */
function commands(script: string): string[][] {
  const out: string[][] = [];
  for (const line of script.split('\n')) {
    const at = line.indexOf('cdk8s-networking ');
    if (at < 0) continue;
    const words = line.slice(at).split(/[>|;&]/)[0].match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
    out.push(words.slice(1).map((w) => w.replace(/^["']|["']$/g, '')));
  }
  return out;
}

describe('docs/ci/github-actions.yml', () => {
  const workflow = load('github-actions.yml');

  test('is a workflow: a trigger, jobs with runs-on and steps that each run or use one thing', () => {
    expect(workflow.on).toHaveProperty('pull_request');
    expect(workflow.permissions).toEqual({ 'contents': 'read', 'pull-requests': 'write' });
    const jobs = Object.values(workflow.jobs) as any[];
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) {
      expect(typeof job['runs-on']).toBe('string');
      const ids = new Set(job.steps.filter((s: any) => s.id).map((s: any) => s.id));
      for (const step of job.steps) {
        expect(Object.keys(step).filter((k) => k === 'run' || k === 'uses')).toHaveLength(1);
        if (step.uses) expect(step.uses).toMatch(/^[\w-]+\/[\w-]+@v\d+$/);
        // Expressions only read contexts that exist, and step outputs of steps that have that id.
        for (const [, expr] of JSON.stringify(step).matchAll(/\$\{\{\s*([^}]+?)\s*\}\}/g)) {
          expect(expr).toMatch(/^(github|steps|secrets|env)\./);
          const ref = /^steps\.([\w-]+)\./.exec(expr);
          if (ref) expect(ids).toContain(ref[1]);
        }
        if (step.if) {
          const ref = /steps\.([\w-]+)\./.exec(step.if);
          if (ref) expect(ids).toContain(ref[1]);
        }
      }
    }
  });

  test('its shell parses and its cdk8s-networking commands are valid', () => {
    const steps = (Object.values(workflow.jobs) as any[]).flatMap((j) => j.steps).filter((s: any) => s.run);
    const found: string[][] = [];
    for (const step of steps) {
      const script = step.run.replace(/\$\{\{[^}]*\}\}/g, 'X');
      bashSyntax(script);
      found.push(...commands(script));
    }
    expect(found).toEqual([['diff', '--base', 'origin/X', 'dist', '--fail-on', 'opened,exposure,tls-off']]);
    for (const args of found) expect(parseCommandLine(args).command).toBe('diff');
  });
});

describe('docs/ci/gitlab-ci.yml', () => {
  const config = load('gitlab-ci.yml');
  const JOB_KEYS = new Set(['image', 'stage', 'rules', 'variables', 'cache', 'script', 'artifacts', 'before_script', 'after_script', 'needs', 'tags']);

  test('is a merge-request job with a script', () => {
    const job = config['network-diff'];
    for (const key of Object.keys(job)) expect(JOB_KEYS).toContain(key);
    expect(job.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }]);
    expect(Array.isArray(job.script) && job.script.every((l: unknown) => typeof l === 'string')).toBe(true);
    expect(job.artifacts.paths).toContain('network-diff.md');
  });

  test('its shell parses and its cdk8s-networking commands are valid', () => {
    const script = config['network-diff'].script.join('\n');
    bashSyntax(script);
    const found = commands(script);
    expect(found).toEqual([['diff', '--base', 'origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME', 'dist', '--fail-on', 'opened,exposure,tls-off']]);
    for (const args of found) expect(parseCommandLine(args).options.failOn).toEqual(['opened', 'exposure', 'tls-off']);
  });
});
