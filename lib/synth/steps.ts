/**
 * The steps every app runs at synth, each in its phase: render the flow graph's policies, check
 * the output layout, annotate Argo CD sync waves, run the checks and the flow verification (fail
 * with one error listing every problem, print warnings), and write the network report.
 */
import * as path from 'path';
import { App } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { SyncWaves } from '../argocd/sync-waves';
import { CheckContext } from '../checks/context';
import type { Finding } from '../checks/finding';
import { formatFinding } from '../checks/finding';
import { applyOptOuts, CHECK_NAMES, refusedByApiServer, runChecks } from '../checks/registry';
import { UNSKIPPABLE_CHECKS, UNSKIPPABLE_REASON } from '../checks/unskippable';
import type { NetworkView } from '../checks/verify';
import { verifyFlows } from '../checks/verify';
import { externalServiceClients } from '../checks/external-clients';
import { dnsServerIsolated } from '../checks/dns-server';
import { routeBackendClients } from '../checks/route-clients';
import { checkDeclaredFlows } from '../checks/flow-checks';
import { podDnsPolicy } from '../checks/pod-dns';
import { tlsUnverified } from '../checks/tls-unverified';
import { CniKind } from '../cni';
import type { NetworkModel } from '../model/network-model';
import { SynthPhase } from '../model/network-model';
import { checkOutputLayout, manifestFiles } from '../output/layout';
import { otherAppsManifests } from '../output/kustomization';
import type { BuildReportInput, NetworkReport } from '../report/model';
import type { NetworkReportOptions } from '../report/options';
import { buildReport } from '../report/model';
import { checkGuardrails, formatViolation } from '../checks/guardrails';
import type { ManifestObject } from '../checks/objects';
import { namespaceOf } from '../checks/objects';
import type { Endpoint } from '../model/flows/endpoint';
import { podsEndpoint } from '../model/flows/endpoint';
import type { Guardrail, GuardrailPeer } from '../util/guardrail';
import { htmlFileOf, writeReport } from '../report/write';
import { formatValue } from '../util/validation';
import { outputNote, ValidationError } from '../util/errors';
import { currentSynthCall } from './call';
import { collectObjects } from '../checks/collect';
import { cniFindings } from './cni-findings';
import { isStrict, reportEnabled, reportOptionsOf } from './options';
import { SynthPipeline } from './pipeline';

/** Name of the checks step. */
export const CHECKS_STEP = 'cdk8s-networking:checks';

/** Metadata type under which warnings are recorded on the construct of the object concerned. */
export const WARNING_METADATA = 'cdk8s-networking:warning';

/** What the checks step computed, for the report step. */
interface CheckOutcome {
  /** The report, when guardrails needed it before the report step. */
  readonly report?: NetworkReport;
  readonly context: CheckContext;
  readonly view: NetworkView;
  readonly zeroTrust: ReadonlySet<string>;
  readonly findings: readonly Finding[];
  readonly suppressed: readonly Finding[];
}

/** Adds the default steps to a new model. */
export function addDefaultSteps(model: NetworkModel): void {
  const pipeline = SynthPipeline.of(model);
  let outcome: CheckOutcome | undefined;
  model.addSynthStep({ name: 'cdk8s-networking:policies', phase: SynthPhase.RENDER, run: () => model.renderPolicies() });
  const app = model.node.root;
  if (app instanceof App) {
    model.addSynthStep({
      name: 'output-layout',
      phase: SynthPhase.LAYOUT,
      run: () => {
        checkOutputLayout(app);
        if (currentSynthCall().method === 'synth') checkSharedOutdir(app);
      },
    });
  }
  SyncWaves.of(model)._deferToModel();
  model.addSynthStep({ name: 'argocd-sync-waves', phase: SynthPhase.ANNOTATE, run: () => SyncWaves._apply(model) });
  model.addSynthStep({
    name: CHECKS_STEP,
    phase: SynthPhase.CHECK,
    run: () => { outcome = runSynthChecks(model, pipeline); },
  });
  model.addSynthStep({
    name: 'cdk8s-networking:report',
    phase: SynthPhase.REPORT,
    run: () => {
      // The checks' indexes and the verification's view are not needed past this step: let them be
      // freed before cdk8s writes the YAML, the peak of a synth's memory.
      const checked = outcome;
      outcome = undefined;
      if (!checked || !reportEnabled(model)) return;
      const options = reportOptionsOf(model);
      const report = checked.report ?? buildReport({ ...checked, clusterDomain: options.clusterDomain, guardrails: model._guardrails });
      const outdir = (model.node.root as { outdir?: unknown }).outdir;
      if (typeof outdir !== 'string') return;
      checkReportFiles(model, outdir, options);
      pipeline.whenWriting(() => writeReport(report, outdir, options));
    },
  });
}

/** The checks step: checks, verification, errors and warnings. */
function runSynthChecks(model: NetworkModel, pipeline: SynthPipeline): CheckOutcome {
  const options = model.options;
  const strict = isStrict(model);
  const { objects, constructs } = collectObjects(model.node.root, (obj) => pipeline.render(obj));
  refuseLists(objects);
  const zeroTrust = new Set(model.zeroTrustNamespaces.map((n) => n.name));
  validateOptions(model, zeroTrust);
  const shared = new Set(options.sharedNamespaces ?? []);
  const owned = new Set([...zeroTrust].filter((n) => !shared.has(n)));
  const libraryPolicies = new Set([...model._renderedPolicies, ...model._renderedCiliumPolicies].map((p) => `${p.namespace}/${p.name}`));
  for (const ns of model.zeroTrustNamespaces) libraryPolicies.add(`${ns.name}/default-deny`);
  const context = new CheckContext({ objects, ownedNamespaces: owned, externalBackends: options.externalBackends, libraryPolicies });
  const runOptions = { strict, skipChecks: options.skipChecks };
  const checks = runChecks(context, runOptions);
  // The evaluator refuses what the API server refuses: say so, with the construct paths, before it runs.
  if (refusedByApiServer(checks.findings)) failOnErrors(model, checks.findings);
  // Pods outside the app that guardrails name are computed like the peers flows name.
  const peers = guardrailEndpoints(model._guardrails);
  const verified = verifyFlows({ context, flows: model._renderedFlows, zeroTrust, ownedNamespaces: owned, libraryPolicies, peers });
  const created = new Set([...zeroTrust, ...context.ofKind('Namespace').map((n) => String(n.json?.metadata?.name))]);
  const appNamespaces = new Set([...created, ...objects.filter((o) => o.json?.metadata?.namespace).map((o) => String(o.json.metadata.namespace))]);
  const flowChecks = [
    ...checkDeclaredFlows({ flows: model._renderedFlows, zeroTrust, addresses: model._addresses, appNamespaces, createdNamespaces: created }),
    ...externalServiceClients(context, verified.view, zeroTrust, model._renderedFlows),
    ...dnsServerIsolated(verified.view, zeroTrust, model._renderedFlows),
    ...routeBackendClients(context, verified.view, zeroTrust, model._renderedFlows, model.cni.podCidrs),
    ...cniFindings(model, context),
    ...podDnsPolicy(context, zeroTrust, model._renderedFlows, model.cni.kind === CniKind.CILIUM),
    // What requireTls() cannot see: a warning, where the guardrail fails synth on what is known to be plain HTTP.
    ...(model._guardrails.some((g) => g.kind === 'require-tls') ? tlsUnverified(context) : []),
  ];
  const flowResults = applyOptOuts([...verified.findings, ...flowChecks], objects, runOptions);
  const findings = [...checks.findings, ...flowResults.findings];
  const suppressed = [...checks.suppressed, ...flowResults.suppressed];

  failOnErrors(model, findings);
  const outcome = { context, view: verified.view, zeroTrust, findings, suppressed };
  const report = model._guardrails.length
    ? checkModelGuardrails(model, { ...outcome, clusterDomain: (options.report || {}).clusterDomain, guardrails: model._guardrails })
    : undefined;
  emitWarnings(model, pipeline, findings.filter((f) => f.severity === 'warning'), constructs);
  return { ...outcome, ...(report ? { report } : {}) };
}

/** Fails synth with every error finding, when there is one. */
function failOnErrors(model: NetworkModel, findings: readonly Finding[]): void {
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length === 0) return;
  throw synthFailure(model, `${errors.length} problem${errors.length === 1 ? '' : 's'}`, errors.map(formatFinding));
}

/**
 * The error that fails synth, printed once without a stack trace: `<what> found at synth`, what
 * became of the output under this way of running, and one line per problem.
 */
function synthFailure(model: NetworkModel, what: string, lines: readonly string[]): ValidationError {
  const outdir = currentSynthCall().method === 'synth' ? (model.node.root as { outdir?: string }).outdir : undefined;
  return new ValidationError(`cdk8s-networking: ${what} found at synth; ${outputNote(outdir)}.\n` + lines.map((l) => `  - ${l}`).join('\n'));
}

/**
 * Refuses `kind: List` objects (and `<Kind>List` objects with `items`, which kubectl unwraps too):
 * kubectl and Argo CD apply each item, but the checks, the workload model and the report read the
 * app's objects one by one, so a NetworkPolicy or a Deployment inside a List would escape the proof.
 */
function refuseLists(objects: readonly ManifestObject[]): void {
  const lines: string[] = [];
  for (const obj of objects) {
    const kind = obj.json?.kind;
    if (typeof kind !== 'string' || !(kind === 'List' || (kind.endsWith('List') && Array.isArray(obj.json?.items)))) continue;
    const items: unknown[] = Array.isArray(obj.json?.items) ? obj.json.items : [];
    const named = items.map((i) => {
      const item = i as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null;
      const ns = item?.metadata?.namespace;
      return `${String(item?.kind ?? '(no kind)')} ${ns ? `${String(ns)}/` : ''}${String(item?.metadata?.name ?? '(no name)')}`;
    });
    lines.push(`${obj.path}: kind ${formatValue(kind)} is invalid: kubectl and Argo CD apply each item of a List`
      + `${named.length ? ` (${named.join(', ')})` : ''}, but the checks, the flow verification and the network report read only the `
      + 'objects of the app themselves, so its items would escape them; write each item as an ApiObject of its own '
      + '(new ApiObject(chart, id, item)), or split the List of a file you include');
  }
  if (lines.length) throw new ValidationError(lines.join('\n'));
}

/** Endpoints for the pods guardrails name, so that reachability is computed for them too. */
function guardrailEndpoints(guardrails: readonly Guardrail[]): Endpoint[] {
  const peers = guardrails.flatMap((g) => [g.from, g.to, ...(g.except ?? [])]).filter((p): p is GuardrailPeer => p?.namespace !== undefined);
  return peers.map((p) => podsEndpoint(p.labels ? Object.values(p.labels).join('-') : `namespace-${p.namespace}`, p.namespace!, p.labels));
}

/**
 * Checks the guardrails on the report of the rendered output (what every policy allows, the
 * library's and hand-written ones alike); a violation fails synth. Returns the report.
 */
function checkModelGuardrails(model: NetworkModel, input: BuildReportInput): NetworkReport {
  const report = buildReport(input);
  const policies = new Map(input.context.ofKind('NetworkPolicy').map((p) => [`${namespaceOf(p)}/${p.json?.metadata?.name}`, p.path]));
  const labelled = new Set(input.context.ofKind('Namespace').map((n) => String(n.json?.metadata?.name)));
  const violations = checkGuardrails(model._guardrails, report, (policy) => `${policies.get(policy) ?? policy} (NetworkPolicy ${policy})`, labelled);
  if (violations.length > 0) {
    throw synthFailure(model, `${violations.length} guardrail violation${violations.length === 1 ? '' : 's'}`, violations.map(formatViolation));
  }
  return report;
}

/**
 * Each report file needs a path of its own, and none of the manifests': one write would replace
 * the other (the Markdown report by the JSON, a manifest by the report, or the other way round).
 */
function checkReportFiles(model: NetworkModel, outdir: string, options: NetworkReportOptions): void {
  const where = `${model.node.path}: NetworkModel.configure()`;
  const taken = new Map<string, string>();
  const files = [['markdownFile', options.markdownFile ?? 'network-report.md'], ['jsonFile', options.jsonFile ?? 'network-report.json'],
    ['htmlFile', htmlFileOf(options) ?? false]] as const;
  // Every manifest file name ends with the app's output extension; listing them costs a walk of the whole tree.
  const app = model.node.root;
  if (app instanceof App && files.some(([, f]) => typeof f === 'string' && f.endsWith(app.outputFileExtension))) {
    for (const f of manifestFiles(app)) taken.set(path.resolve(outdir, f), `the manifest ${f}`);
  }
  for (const [field, file] of files) {
    if (file === false) continue;
    if (typeof file !== 'string' || file.trim() === '') {
      throw new ValidationError(`${where} report.${field} ${formatValue(file)} is invalid: must be a file name, or false to write none`);
    }
    const full = path.resolve(outdir, file);
    const other = taken.get(full);
    if (other !== undefined) {
      throw new ValidationError(`${where} report.${field} ${formatValue(file)} is invalid: it is the path of ${other}, and one would overwrite the `
        + 'other; give each report file a path of its own');
    }
    taken.set(full, `report.${field}`);
  }
}

/**
 * Another cdk8s App of this program synthesized into the same output folder, and this one would
 * leave its manifests there: each App's checks and network report cover its own objects only, so
 * the folder (what Argo CD or `kubectl apply -f` deploys) would hold objects never checked
 * together (a duplicate, a hand-written policy of one opening the other's pods), and its
 * `network-report.md` and `.json` would describe this App alone, replacing the other's.
 */
function checkSharedOutdir(app: App): void {
  const left = otherAppsManifests(app, manifestFiles(app));
  if (left.length === 0) return;
  const shown = left.slice(0, 5).join(', ') + (left.length > 5 ? `, and ${left.length - 5} more` : '');
  throw new ValidationError(`App: outdir ${formatValue(app.outdir)} is invalid: another cdk8s App of this program synthesized into it, `
    + `and its manifests (${shown}) are still there. The checks, the flow verification and the network report of each App cover `
    + 'its own objects only, so the folder would hold objects never checked together, and its network report would describe '
    + `this App's alone; give each App its own outdir (new App({ outdir: 'dist/<name>' })), or put the charts in one App`);
}

/** Options naming checks or namespaces that do not exist would silently do nothing. */
function validateOptions(model: NetworkModel, zeroTrust: ReadonlySet<string>): void {
  const { skipChecks = [], sharedNamespaces = [], externalBackends = [] } = model.options;
  const where = `${model.node.path}: NetworkModel.configure()`;
  const unknown = skipChecks.filter((c) => !CHECK_NAMES.includes(c));
  if (unknown.length) {
    throw new ValidationError(`${where} skipChecks ${formatValue(unknown)} is invalid: no such check (known: ${CHECK_NAMES.join(', ')})`);
  }
  const unskippable = skipChecks.filter((c) => UNSKIPPABLE_CHECKS.has(c));
  if (unskippable.length) {
    throw new ValidationError(`${where} skipChecks ${formatValue(unskippable)} is invalid: ${unskippable.join(' and ')} cannot be skipped: `
      + UNSKIPPABLE_REASON);
  }
  const notZt = sharedNamespaces.filter((n) => !zeroTrust.has(n));
  if (notZt.length) throw new ValidationError(`${where} sharedNamespaces ${formatValue(notZt)} is invalid: ` +
    'must name zero-trust namespaces of the app ' +
    `(others are never taken to be fully defined by the app)`);
  const malformed = externalBackends.filter((b) => !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z]([-a-z0-9]*[a-z0-9])?$/.test(b));
  if (malformed.length) throw new ValidationError(`${where} externalBackends ${formatValue(malformed)} is invalid: ` +
    'each entry must be "<namespace>/<service ' +
    `name>"`);
}

/** Records each warning once on its construct's metadata and prints it to stderr. */
function emitWarnings(model: NetworkModel, pipeline: SynthPipeline, warnings: readonly Finding[], constructs: Map<string, IConstruct>): void {
  const seen = pipeline.reportedWarnings;
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
  const options = reportOptionsOf(model);
  const outdir = path.resolve(app.outdir);
  return [options.markdownFile ?? 'network-report.md', options.jsonFile ?? 'network-report.json', htmlFileOf(options) ?? false]
    .filter((f): f is string => f !== false)
    .map((f) => path.relative(outdir, path.resolve(outdir, f)))
    .filter((rel) => !rel.startsWith('..') && !path.isAbsolute(rel))
    .map((rel) => rel.split(path.sep).join('/'))
    .sort();
}
