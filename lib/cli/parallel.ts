/**
 * The two sides of a diff are independent: on a machine with two cores, the first is read and
 * analyzed in a worker thread while the main thread does the second. The command stays
 * synchronous: the main thread waits for the worker with `Atomics.wait`, which a worker can wake
 * without the event loop. Used for large folders only (a worker costs ~100 ms to start), and only
 * from the compiled JavaScript.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isMainThread, Worker, workerData } from 'worker_threads';
import { CliError } from './errors';
import type { Side } from './side';
import { sideOf } from './side';

/** How long the main thread waits for the worker at most. */
const WORKER_TIMEOUT_MS = 600_000;

/** Below this many bytes of YAML in all, both sides run in the main thread (the variable is for tests). */
const PARALLEL_BYTES = Number(process.env.CDK8S_NETWORKING_PARALLEL_BYTES ?? 1 << 20);

interface Job {
  readonly cdk8sNetworkingDiffSide: true;
  readonly input: string;
  readonly only?: string;
  readonly out: string;
  readonly signal: SharedArrayBuffer;
}

/** Total size of the YAML files directly in a folder (a cheap estimate). */
function yamlBytes(dir: string): number {
  try {
    return fs.readdirSync(dir).filter((f) => /\.ya?ml$/i.test(f)).reduce((s, f) => s + fs.statSync(path.join(dir, f)).size, 0);
  } catch {
    return 0;
  }
}

/**
 * The sides of two inputs, `sideOf(p, only)` for each, the first in a worker when both are large
 * folders and this is the compiled command. Either way the result is the same: the second phase of
 * a diff (`alignSides`) runs in the main thread after this.
 */
export function sidesOf(a: string, b: string, only: string | undefined): [Side, Side] {
  const compiled = __filename.endsWith('.js');
  if (!compiled || os.cpus().length < 2 || yamlBytes(a) + yamlBytes(b) < PARALLEL_BYTES) return [sideOf(a, only), sideOf(b, only)];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-networking-diff-'));
  try {
    const signal = new SharedArrayBuffer(4);
    const job: Job = { cdk8sNetworkingDiffSide: true, input: a, only, out: path.join(tmp, 'report.json'), signal };
    const worker = new Worker(__filename, { workerData: job });
    worker.unref();
    let second: Side | undefined;
    let secondError: unknown;
    try {
      second = sideOf(b, only);
    } catch (e) {
      secondError = e;
    }
    if (Atomics.wait(new Int32Array(signal), 0, 0, WORKER_TIMEOUT_MS) === 'timed-out') {
      void worker.terminate();
      throw new CliError(`reading ${a} took over ${WORKER_TIMEOUT_MS / 1000} s`);
    }
    const result = JSON.parse(fs.readFileSync(job.out, 'utf8'));
    if (result.error !== undefined) throw result.cli ? new CliError(result.error) : new Error(result.error);
    if (secondError !== undefined) throw secondError;
    return [result.side, second!];
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** In a worker started by {@link sidesOf}: computes one side, writes it (or the error), and wakes the main thread. */
function runWorkerSide(job: Job): void {
  let result: unknown;
  try {
    result = { side: sideOf(job.input, job.only) };
  } catch (e) {
    result = { error: (e as Error)?.message ?? String(e), cli: e instanceof CliError };
  }
  try {
    fs.writeFileSync(job.out, JSON.stringify(result));
  } finally {
    const flag = new Int32Array(job.signal);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  }
}

if (!isMainThread && (workerData as Job | undefined)?.cdk8sNetworkingDiffSide) runWorkerSide(workerData as Job);
