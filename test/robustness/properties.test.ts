/**
 * Property-based tests over random valid programs (see ./program.ts for the generator and what a
 * shuffle may and may not reorder). For every generated program:
 * 1. every synthesized object validates against the Kubernetes / Gateway API schemas;
 * 2. the synth-time checks report nothing: no finding, nothing suppressed, no warning metadata;
 * 3. reachability computed from the YAML alone by the NetworkPolicy evaluator equals exactly the
 *    declared flows + DNS + gateway routes (controller -> backend container port), port for port;
 * 4. building and synthesizing the same data again gives byte-identical files;
 * 5. building it with its order-free declarations shuffled gives byte-identical files.
 *
 * Runs: `PROPERTY_RUNS` (default 200), `PROPERTY_LARGE_SHARE` (share of programs with 13-30 apps,
 * default 0.05), and `PROPERTY_SEED` + `PROPERTY_PATH` to replay a failure: fast-check prints the
 * seed, the path and the shrunk counterexample when a property fails. `npm run test:property-long`
 * (scripts/property-long.ts) runs 2000 programs.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { App } from 'cdk8s';
import fc from 'fast-check';
import { WARNING_METADATA } from '../../lib';
import type { PodGroup } from '../../lib/evaluator';
import { NetworkPolicyEvaluator } from '../../lib/evaluator';
import { readOutput } from '../util';
import type { Program } from './program';
import { build, CONTROLLER_PODS, expectedEdges, KUBE_DNS, portStrings, programArb } from './program';
import { acmeSolverPods } from './program';

const NUM_RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
const SEED = process.env.PROPERTY_SEED !== undefined ? Number(process.env.PROPERTY_SEED) : undefined;
const PATH = process.env.PROPERTY_PATH;
/** The share of large programs (13-30 apps); the long run raises it. */
const LARGE_SHARE = Number(process.env.PROPERTY_LARGE_SHARE ?? 0.05);

/** fast-check parameters: the run count, and a seed and path to replay a reported failure. */
function params(numRuns = NUM_RUNS): fc.Parameters<[Program, number]> {
  return { numRuns, ...(SEED !== undefined ? { seed: SEED } : {}), ...(PATH !== undefined ? { path: PATH } : {}) };
}

/** Every file below `dir`, by relative path. */
function readTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const child = path.join(rel, e.name);
      if (e.isDirectory()) walk(child);
      else out.set(child, fs.readFileSync(path.join(dir, child)));
    }
  };
  walk('');
  return out;
}

/** The first difference between two synthesized trees, or undefined when byte-identical. */
function treeDifference(a: Map<string, Buffer>, b: Map<string, Buffer>): string | undefined {
  const names = [...a.keys()].join(', ');
  if (names !== [...b.keys()].join(', ')) return `files differ: [${names}] vs [${[...b.keys()].join(', ')}]`;
  for (const [file, bytes] of a) {
    if (Buffer.compare(bytes, b.get(file)!) !== 0) {
      const x = bytes.toString('utf8').split('\n');
      const y = b.get(file)!.toString('utf8').split('\n');
      const line = x.findIndex((l, i) => l !== y[i]);
      return `${file} differs at line ${line + 1}: ${JSON.stringify(x[line])} vs ${JSON.stringify(y[line])}`;
    }
  }
  return undefined;
}

/** Reachability from the synthesized YAML, as `from -> to` => set of `PROTO/port`. */
function actualEdges(objects: any[], solvers: readonly PodGroup[] = []): Map<string, Set<string>> {
  const evaluator = NetworkPolicyEvaluator.fromManifests(objects);
  const groups = [...NetworkPolicyEvaluator.podGroupsFromManifests(objects), KUBE_DNS, ...Object.values(CONTROLLER_PODS), ...solvers];
  const edges = new Map<string, Set<string>>();
  for (const e of evaluator.reachability(groups)) {
    edges.set(`${e.from} -> ${e.to}`, new Set(e.ports.flatMap((r) => portStrings(r.protocol, r.from, r.to))));
  }
  return edges;
}

function edgeDifferences(expected: Map<string, Set<string>>, actual: Map<string, Set<string>>): string[] {
  const out: string[] = [];
  const text = (s: Set<string> | undefined) => (s ? [...s].sort().join(',') : 'nothing');
  for (const key of new Set([...expected.keys(), ...actual.keys()])) {
    const e = text(expected.get(key));
    const a = text(actual.get(key));
    if (e !== a) out.push(`${key}: declared ${e}, allowed ${a}`);
  }
  return out.sort();
}

/**
 * Synthesizes the app (any error fails the property: the generator makes valid programs only),
 * reads every file back, and removes the output folder unless `keep`.
 */
function synthTree(app: App, keep = false): Map<string, Buffer> {
  app.synth();
  const tree = readTree(app.outdir);
  if (!keep) fs.rmSync(app.outdir, { recursive: true, force: true });
  return tree;
}

let tried = 0;

function checkProgram(program: Program, shuffleSeed: number): void {
  tried++;
  const first = build(program);
  const tree = synthTree(first, true);

  // 1. Schema validation of every object (readOutput validates each with kubernetes-models).
  const { objects } = readOutput(first.outdir);
  fs.rmSync(first.outdir, { recursive: true, force: true });

  // 2. The checks: the report lists no finding and nothing suppressed; no warning was recorded.
  const report = JSON.parse(tree.get('network-report.json')!.toString('utf8'));
  if (report.findings.length || report.suppressed.length) {
    throw new Error(`synth-time checks reported: ${JSON.stringify([...report.findings, ...report.suppressed], undefined, 2)}`);
  }
  const warnings = first.node.findAll().flatMap((c) => c.node.metadata).filter((m) => m.type === WARNING_METADATA);
  if (warnings.length) throw new Error(`warnings recorded: ${warnings.map((w) => w.data).join('\n')}`);

  // 3. Reachability: exactly what was declared.
  const differences = edgeDifferences(expectedEdges(program), actualEdges(objects, acmeSolverPods(program)));
  if (differences.length) throw new Error(`reachability differs from the declared flows:\n  ${differences.join('\n  ')}`);

  // 4. The same data again: byte-identical.
  const again = treeDifference(tree, synthTree(build(program)));
  if (again) throw new Error(`a second build of the same program differs: ${again}`);

  // 5. Order-free declarations shuffled: byte-identical.
  const reordered = treeDifference(tree, synthTree(build(program, shuffleSeed)));
  if (reordered) throw new Error(`shuffling flows, routes, ports, env and labels changed the output: ${reordered}`);
}

describe('random valid programs', () => {
  // About 0.15 s of CPU per program here; the long run's larger programs take more, and shrinking a
  // failure re-runs many.
  test(`${NUM_RUNS} programs: valid, deterministic, order-free, exactly the declared reachability, no finding`, () => {
    fc.assert(fc.property(programArb({ largeShare: LARGE_SHARE }), fc.integer(), checkProgram), params());
    expect(tried).toBeGreaterThanOrEqual(NUM_RUNS);
  }, Math.max(120_000, NUM_RUNS * 3_000));
});
