/**
 * The steps every app runs at synth, after the model renders its policies: collect the app's
 * objects, run the checks and the flow verification, fail with one error listing every problem,
 * report warnings, and prepare the network report that `app.synth()` writes after the manifests.
 */
import * as path from 'path';
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import type { NetworkModel } from '../network-model';
import { buildReport } from '../report/model';
import { formatValue } from '../validation';
import { setPendingReport, writePendingReport } from '../report/write';
import { CheckContext } from './context';
import { Finding, formatFinding } from './finding';
import { ManifestObject } from './objects';
import { parseFlag, REPORT_CONTEXT_KEY, REPORT_ENV, STRICT_CONTEXT_KEY, STRICT_ENV } from './options';
import { applyOptOuts, CHECK_NAMES, runChecks } from './registry';
import { verifyFlows } from './verify';

/** Name of the synth step. */
export const CHECKS_STEP = 'cdk8s-networking:checks';

/** Metadata type under which warnings are recorded on the construct of the object concerned. */
export const WARNING_METADATA = 'cdk8s-networking:warning';

/** Registers the default synth steps on a new model, and the report writer on its App. */
export function registerDefaultSynthSteps(model: NetworkModel): void {
  model.addSynthStep(CHECKS_STEP, runSynthChecks, { last: true });
  model._afterSynth(() => writePendingReport(model, (model.node.root as unknown as { outdir: string }).outdir));
}

/** Every ApiObject of every chart, with its manifest (`toJson()` called once) and construct path. */
export function collectObjects(
  root: IConstruct, render: (obj: ApiObject) => any = (obj) => obj.toJson(),
): { objects: ManifestObject[]; constructs: Map<string, IConstruct> } {
  const objects: ManifestObject[] = [];
  const constructs = new Map<string, IConstruct>();
  for (const c of root.node.findAll()) {
    if (!ApiObject.isApiObject(c) || !inChart(c)) continue;
    objects.push({ json: render(c), path: c.node.path });
    constructs.set(c.node.path, c);
  }
  return { objects, constructs };
}

function inChart(c: IConstruct): boolean {
  return c.node.scopes.some((s) => Chart.isChart(s));
}

/** Whether warnings are errors: the option, else the context, else the environment. */
export function isStrict(model: NetworkModel): boolean {
  return model.options.strict ?? parseFlag(model.node.tryGetContext(STRICT_CONTEXT_KEY)) ?? parseFlag(process.env[STRICT_ENV]) ?? false;
}

function reportEnabled(model: NetworkModel): boolean {
  if (model.options.report === false) return false;
  return (parseFlag(model.node.tryGetContext(REPORT_CONTEXT_KEY)) ?? parseFlag(process.env[REPORT_ENV]) ?? true) !== false;
}

const reported = new WeakMap<NetworkModel, Set<string>>();

/** The synth step: checks, verification, errors, warnings, and the report. */
export function runSynthChecks(model: NetworkModel): void {
  const options = model.options;
  const strict = isStrict(model);
  const { objects, constructs } = collectObjects(model.node.root, (obj) => model._renderOnce(obj));
  const zeroTrust = new Set(model.zeroTrustNamespaces.map((n) => n.name));
  validateOptions(model, zeroTrust);
  const shared = new Set(options.sharedNamespaces ?? []);
  const owned = new Set([...zeroTrust].filter((n) => !shared.has(n)));
  const context = new CheckContext({ objects, ownedNamespaces: owned, externalBackends: options.externalBackends });
  const runOptions = { strict, skipChecks: options.skipChecks };
  const checks = runChecks(context, runOptions);
  const libraryPolicies = new Set(model.renderedPolicies.map((p) => `${p.namespace}/${p.name}`));
  for (const ns of model.zeroTrustNamespaces) libraryPolicies.add(`${ns.name}/default-deny`);
  const verified = verifyFlows({ context, flows: model.graph.flows, zeroTrust, ownedNamespaces: owned, libraryPolicies });
  const flowResults = applyOptOuts(verified.findings, objects, runOptions);
  const findings = [...checks.findings, ...flowResults.findings];
  const suppressed = [...checks.suppressed, ...flowResults.suppressed];

  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) {
    throw new Error(`cdk8s-networking: ${errors.length} problem${errors.length === 1 ? '' : 's'} found at synth; no file was written.\n`
      + errors.map((f) => `  - ${formatFinding(f)}`).join('\n'));
  }
  emitWarnings(model, findings.filter((f) => f.severity === 'warning'), constructs);

  if (!reportEnabled(model)) {
    setPendingReport(model, undefined);
    return;
  }
  const reportOptions = options.report || {};
  const report = buildReport({ context, view: verified.view, zeroTrust, findings, suppressed, clusterDomain: reportOptions.clusterDomain });
  setPendingReport(model, { report, options: reportOptions });
}

/** Options naming checks or namespaces that do not exist would silently do nothing. */
function validateOptions(model: NetworkModel, zeroTrust: ReadonlySet<string>): void {
  const { skipChecks = [], sharedNamespaces = [], externalBackends = [] } = model.options;
  const where = `${model.node.path}: NetworkModel.configure()`;
  const unknown = skipChecks.filter((c) => !CHECK_NAMES.includes(c));
  if (unknown.length) throw new Error(`${where} skipChecks ${formatValue(unknown)} is invalid: no such check (known: ${CHECK_NAMES.join(', ')})`);
  const notZt = sharedNamespaces.filter((n) => !zeroTrust.has(n));
  if (notZt.length) throw new Error(`${where} sharedNamespaces ${formatValue(notZt)} is invalid: must name zero-trust namespaces of the app (others are never taken to be fully defined by the app)`);
  const malformed = externalBackends.filter((b) => !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z]([-a-z0-9]*[a-z0-9])?$/.test(b));
  if (malformed.length) throw new Error(`${where} externalBackends ${formatValue(malformed)} is invalid: each entry must be "<namespace>/<service name>"`);
}

/** Records each warning once on its construct's metadata and prints it to stderr. */
function emitWarnings(model: NetworkModel, warnings: readonly Finding[], constructs: Map<string, IConstruct>): void {
  let seen = reported.get(model);
  if (!seen) reported.set(model, (seen = new Set()));
  for (const w of warnings) {
    const text = formatFinding(w);
    if (seen.has(text)) continue;
    seen.add(text);
    (constructs.get(w.object?.path ?? '') ?? model).node.addMetadata(WARNING_METADATA, text);
    process.stderr.write(`[cdk8s-networking] warning: ${text}\n`);
  }
}

/**
 * The files `app.synth()` writes for the network report inside the app's outdir, relative to it:
 * for an Argo CD directory Application over the outdir, which must exclude `network-report.json`
 * (Argo CD reads every `.json` file as a manifest).
 */
export function networkReportPaths(model: NetworkModel): string[] {
  const app = model.node.root as { outdir?: unknown };
  if (!reportEnabled(model) || typeof app.outdir !== 'string') return [];
  const options = model.options.report || {};
  const outdir = path.resolve(app.outdir);
  return [options.markdownFile ?? 'network-report.md', options.jsonFile ?? 'network-report.json']
    .filter((f): f is string => f !== false)
    .map((f) => path.relative(outdir, path.resolve(outdir, f)))
    .filter((rel) => !rel.startsWith('..') && !path.isAbsolute(rel))
    .map((rel) => rel.split(path.sep).join('/'))
    .sort();
}
