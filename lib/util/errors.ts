/**
 * Input mistakes, and how they reach the person running synth.
 *
 * A `ValidationError` says everything in its message (construct path, field, value, rule); a
 * stack trace into the library adds nothing. When the app runs as a program (`cdk8s synth`,
 * `node -r cdk8s-networking/register main.ts`, `ts-node main.ts`) and such an error is not caught,
 * the message is printed once, without a stack trace, with what happened to the output folder,
 * and the process exits with status 1. Every other error keeps Node's own report.
 */
import * as path from 'path';
import { inspect } from 'util';

const BRAND = Symbol.for('cdk8s-networking.ValidationError');

/**
 * An error in what the program declared: bad input, or a problem the synth-time checks found.
 * @jsii ignore JavaScript's Error cannot be a jsii base class; other languages see a plain error.
 */
export class ValidationError extends Error {
  /** Whether `e` is a `ValidationError` (of any copy of this library). */
  public static isValidationError(e: unknown): e is ValidationError {
    return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
  }

  public constructor(message: string) {
    super(message);
    this.name = 'ValidationError';
    Object.defineProperty(this, BRAND, { value: true });
    printUncaughtOnce();
  }
}

/**
 * The folder `cdk8s synth` writes to, when this process is an app it runs: the CLI passes it in
 * `CDK8S_OUTDIR`, and removes it before it starts the app.
 */
export function cliOutdir(): string | undefined {
  return process.env.CDK8S_OUTDIR || undefined;
}

/** What a failed synth left in `outdir`, true for the way the app was run. */
export function outputNote(outdir: string | undefined): string {
  const cli = cliOutdir();
  if (cli !== undefined && (outdir === undefined || path.resolve(outdir) === path.resolve(cli))) {
    return `no file was written, and \`cdk8s synth\` removed ${display(cli)} before it ran the app, so the previous output is gone `
      + '(git has it if you committed it)';
  }
  return outdir === undefined ? 'no file was written' : `no file was written; the files already in ${display(outdir)} were left as they were`;
}

function display(dir: string): string {
  const rel = path.relative(process.cwd(), path.resolve(dir));
  return `${rel === '' ? '.' : rel.startsWith('..') ? path.resolve(dir) : rel}/`;
}

let installed = false;

/**
 * Installs, once and only in a program (not under a test runner), the handler that prints an
 * uncaught `ValidationError` as its message. It steps aside when the program has handlers of its own.
 */
function printUncaughtOnce(): void {
  if (installed || process.env.JEST_WORKER_ID !== undefined || require.main === undefined) return;
  installed = true;
  process.on('uncaughtException', function printValidationError(error) {
    // The program handles its errors itself when it listens too. Node's `domain` module (which
    // ts-node loads, through `repl`) adds a listener of its own to every process that has one:
    // that one handles nothing, and taking it for the program's would end a failed synth with status 0.
    const others = process.listeners('uncaughtException').filter((l) => l !== printValidationError && l.name !== 'domainUncaughtExceptionClear');
    if (others.length > 0) return;
    if (ValidationError.isValidationError(error)) {
      const hasNote = /no file was written/.test(error.message);
      const note = outputNote(cliOutdir());
      process.stderr.write(`\n${error.message}${hasNote ? '' : `\n${note[0].toUpperCase()}${note.slice(1)}.`}\n\n`);
    } else {
      // What Node prints for an uncaught error, since a listener replaces its own report.
      process.stderr.write(`${inspect(error)}\n\nNode.js ${process.version}\n`);
    }
    process.exit(1);
  });
}
