#!/usr/bin/env node
/**
 * The `cdk8s-networking` command: `diff`, `explain` and `analyze` over synthesized manifests,
 * with the library's evaluator, checks and report. No cluster and no network.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import type { Guardrail, GuardrailViolation } from '../checks/guardrails';
import { checkGuardrails } from '../checks/guardrails';
import { renderMarkdown } from '../report/markdown';
import type { NetworkReport, ReportEndpoint } from '../report/model';
import { reportJson } from '../report/write';
import { analyze } from './analyze';
import { defaultOutput, outputAtRef } from './base';
import type { FailOn, ReportDiff } from './diff';
import { changedEndpoints, diffReports, FAIL_ON, hasCategory, hasChanges } from './diff';
import { CliError, EXIT_CHANGES, EXIT_ERROR, EXIT_OK } from './errors';
import { explain, renderExplanation } from './explain';
import { loadInput } from './load';
import { renderDiffMarkdown } from './markdown';
import { alignSides } from './align';
import { sidesOf } from './parallel';
import { sideOf, sideReport } from './side';

export const USAGE = `Usage:
  cdk8s-networking diff OLD NEW            compare two synth outputs (folders) or two network-report.json files
  cdk8s-networking diff --base REF [NEW]   compare NEW (default: cdk8s.yaml's output, else dist) with the output at Git ref REF
  cdk8s-networking explain DIR FROM TO PORT  why FROM can or cannot open a connection to TO on PORT
  cdk8s-networking analyze DIR             the network report of any folder of manifests

Options:
  --only NAMESPACE        only flows, entry points and Services of this namespace
  --format md|json        output format (default md); --json is --format json
  --fail-on CATEGORIES    diff: exit 1 only for changes of these comma-separated categories: opened, exposure, tls-off,
                          tls-unverified (tls-off: TLS off, or on before and unknown now; tls-unverified: unknown, added or changed)
  --app COMMAND           diff --base: the command that synthesizes the app (default: app in cdk8s.yaml)
  -h, --help              this help

FROM and TO: a workload as namespace/name or namespace/Kind/name, pods as namespace:label=value,...,
or an address as an IP or CIDR. PORT: 3000, 53/UDP, or a port name of TO.

Exit codes: 0 no change (diff) or allowed (explain); 1 changes (diff; with --fail-on, changes of those
categories or a broken guardrail) or denied (explain); 2 bad usage or unreadable/invalid input.`;

/** Where the command writes. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd?: string;
}

const PROCESS_IO: Io = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

export interface Options {
  readonly only?: string;
  readonly format: 'md' | 'json';
  readonly failOn?: readonly FailOn[];
  readonly base?: string;
  readonly app?: string;
}

/** Runs the command; returns the exit code. */
export function main(argv: readonly string[], io: Io = PROCESS_IO): number {
  try {
    return run(argv, io);
  } catch (e) {
    if (e instanceof CliError) {
      io.stderr(`cdk8s-networking: error: ${e.message}\n`);
    } else if ((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`cdk8s-networking: error: ${(e as Error).message}\n\n${USAGE}\n`);
    } else {
      const debug = process.env.CDK8S_NETWORKING_DEBUG === '1';
      const more = debug ? `${(e as Error)?.stack}\n` : 'Set CDK8S_NETWORKING_DEBUG=1 for the stack trace, and please report it.\n';
      io.stderr(`cdk8s-networking: internal error: ${(e as Error)?.message ?? String(e)}\n${more}`);
    }
    return EXIT_ERROR;
  }
}

/** A parsed command line. */
export interface CommandLine {
  readonly command?: string;
  readonly args: readonly string[];
  readonly help: boolean;
  readonly options: Options;
}

/** Parses and checks the arguments (the command's own checks of its folders come later). */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      'only': { type: 'string' },
      'format': { type: 'string' },
      'json': { type: 'boolean' },
      'fail-on': { type: 'string' },
      'base': { type: 'string' },
      'app': { type: 'string' },
      'help': { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...args] = positionals;
  const format = values.json ? 'json' : values.format ?? 'md';
  if (format !== 'md' && format !== 'json') throw new CliError(`--format "${format}" is invalid: must be md or json`);
  const failOn = values['fail-on'] === undefined ? undefined : values['fail-on'].split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const c of failOn ?? []) {
    if (!(FAIL_ON as readonly string[]).includes(c)) throw new CliError(`--fail-on "${c}" is invalid: must be one of ${FAIL_ON.join(', ')}`);
  }
  if (failOn && failOn.length === 0) throw new CliError(`--fail-on needs at least one of ${FAIL_ON.join(', ')}`);
  if (command !== undefined && command !== 'help' && !COMMANDS.includes(command)) {
    throw new CliError(`unknown command "${command}": must be ${COMMANDS.join(', ')}\n\n${USAGE}`);
  }
  return {
    command,
    args,
    help: values.help === true || command === 'help',
    options: { only: values.only, format, failOn: failOn as FailOn[] | undefined, base: values.base, app: values.app },
  };
}

const COMMANDS = ['diff', 'explain', 'analyze'];

function run(argv: readonly string[], io: Io): number {
  const { command, args, help, options } = parseCommandLine(argv);
  if (help) {
    io.stdout(`${USAGE}\n`);
    return EXIT_OK;
  }
  const cwd = io.cwd ?? process.cwd();
  const at = (p: string) => path.resolve(cwd, p);
  switch (command) {
    case 'diff':
      return runDiff(args, options, io, cwd, at);
    case 'explain':
      if (args.length !== 4) throw new CliError(`explain needs DIR FROM TO PORT, got ${plural(args.length, 'argument')}\n\n${USAGE}`);
      return runExplain(at(args[0]), args, options, io);
    case 'analyze':
      if (args.length !== 1) throw new CliError(`analyze needs one DIR, got ${args.length} arguments\n\n${USAGE}`);
      return runAnalyze(at(args[0]), options, io);
    default:
      throw new CliError(`a command is needed\n\n${USAGE}`);
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function reportOf(p: string, options: Options): NetworkReport {
  return sideReport(p, options.only);
}

function runAnalyze(dir: string, options: Options, io: Io): number {
  const report = reportOf(dir, options);
  io.stdout(options.format === 'json' ? reportJson(report) : renderMarkdown(report, { title: `Network report of ${path.basename(dir)}` }));
  return EXIT_OK;
}

function runExplain(dir: string, args: readonly string[], options: Options, io: Io): number {
  const analysis = analyze(loadInput(dir));
  if (!analysis.context || !analysis.view) throw new CliError(`${args[0]}: explain needs the manifests, not only a report`);
  const x = explain(analysis.context, analysis.view, args[1], args[2], args[3]);
  io.stdout(options.format === 'json' ? JSON.stringify(x, undefined, 2) + '\n' : renderExplanation(x));
  return x.allowed ? EXIT_OK : EXIT_CHANGES;
}

function runDiff(args: readonly string[], options: Options, io: Io, cwd: string, at: (p: string) => string): number {
  let before: NetworkReport;
  let after: NetworkReport;
  let notes: readonly string[];
  if (options.base !== undefined) {
    if (args.length > 1) throw new CliError(`diff --base REF takes at most one folder (NEW), got ${args.length}`);
    const output = args[0] ?? defaultOutput(cwd);
    if (!fs.existsSync(at(output))) throw new CliError(`${output}: no such folder: synthesize the app first (NEW defaults to cdk8s.yaml's output)`);
    const base = outputAtRef(options.base, output, cwd, options.app);
    try {
      const paths = { before: base.dir, after: at(output) };
      ({ before, after, notes } = alignSides(sideOf(paths.before, options.only), sideOf(paths.after, options.only),
        (which, extra) => sideOf(paths[which], options.only, extra).report));
    } finally {
      base.cleanup();
    }
  } else {
    if (args.length !== 2) throw new CliError(`diff needs OLD and NEW (or --base REF), got ${plural(args.length, 'argument')}\n\n${USAGE}`);
    const paths = { before: at(args[0]), after: at(args[1]) };
    const [old, now] = sidesOf(paths.before, paths.after, options.only);
    ({ before, after, notes } = alignSides(old, now, (which, extra) => sideOf(paths[which], options.only, extra).report));
  }
  const diff = diffReports(before, after);
  // The report does not carry namespace labels: only zero-trust namespaces (a ZeroTrustNamespace writes its Namespace) are known.
  const labelled = new Set(after.namespaces.filter((n) => n.zeroTrust).map((n) => n.name));
  const violations = checkGuardrails(guardrailsOf(before, after), after, undefined, labelled);
  if (options.format === 'json') {
    io.stdout(JSON.stringify(diffJson(diff, violations, changedEndpoints(diff, before, after), notes), undefined, 2) + '\n');
  } else {
    io.stdout(renderDiffMarkdown(diff, before, after, { violations, notes }));
  }
  if (violations.length > 0) return EXIT_CHANGES;
  if (options.failOn) return options.failOn.some((c) => hasCategory(diff, c)) ? EXIT_CHANGES : EXIT_OK;
  return hasChanges(diff) ? EXIT_CHANGES : EXIT_OK;
}

/** The guardrails of both outputs: a change cannot drop the rule it breaks. */
function guardrailsOf(...reports: NetworkReport[]): Guardrail[] {
  const all = new Map<string, Guardrail>();
  for (const r of reports) for (const g of r.guardrails ?? []) all.set(JSON.stringify(g), g);
  return [...all.values()];
}

function diffJson(diff: ReportDiff, violations: readonly GuardrailViolation[], endpoints: Record<string, ReportEndpoint>, notes: readonly string[]) {
  return { version: 1, ...diff, endpoints, guardrails: { violations }, ...(notes.length ? { notes } : {}) };
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
