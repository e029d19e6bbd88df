/**
 * The network report of any folder of manifests, computed with the library's checks, flow
 * verification and report model. Without declared flows, what the library's own report knows
 * (which flows were declared and by which construct, zero-trust namespaces, construct paths,
 * guardrails) comes from the `network-report.json` next to the manifests when there is one;
 * otherwise zero-trust namespaces are those a default-deny policy isolates.
 */
import { CheckContext } from '../checks/context';
import { isRepresentativeNamespace } from '../checks/exposure';
import type { ManifestObject } from '../checks/objects';
import { namespaceOf } from '../checks/objects';
import { applyOptOuts, runChecks } from '../checks/registry';
import { externalServiceClients } from '../checks/external-clients';
import { routeBackendClients } from '../checks/route-clients';
import type { NetworkView } from '../checks/verify';
import { pairKey, verifyFlows } from '../checks/verify';
import { parsePolicy } from '../evaluator/policy';
import type { Endpoint } from '../model/flows/endpoint';
import { labelsKey } from '../model/flows/endpoint';
import type { FlowKind } from '../model/flows/flow-graph';
import type { Finding } from '../checks/finding';
import type { ReportManifests } from '../report/digest';
import { manifestDigest } from '../report/digest';
import type { NetworkReport, ReportEndpoint } from '../report/model';
import { buildReport } from '../report/model';
import { CliError } from './errors';
import type { Input } from './load';
import { REPORT_FILE } from './load';

/** The label every namespace carries with its name. */
const NAME_LABEL = 'kubernetes.io/metadata.name';

/** A report and, when it was computed from manifests, what it was computed from. */
export interface Analysis {
  readonly report: NetworkReport;
  /** The indexed manifests; undefined for a report read as it is. */
  readonly context?: CheckContext;
  readonly view?: NetworkView;
}

/**
 * Analyzes an input: its manifests when it has some, else the report as written at synth.
 * @param extra endpoints of pods outside the app (of another report, see {@link standIns}) to compute
 * the flows of too, evaluated against these manifests' own policies; ignored for a report read as it is
 */
export function analyze(input: Input, extra: readonly ReportEndpoint[] = []): Analysis {
  if (!input.objects || input.objects.length === 0) {
    if (input.report) return { report: input.report };
    throw new CliError(`${input.label}: no Kubernetes object found`);
  }
  return analyzeObjects(input.objects, input.report, extra);
}

/** Computes the report of manifests; `prior` is the library's report for them, when known; `extra` as for {@link analyze}. */
export function analyzeObjects(objects: readonly ManifestObject[], prior?: NetworkReport, extra: readonly ReportEndpoint[] = []): Analysis {
  try {
    return compute(objects, prior, extra);
  } catch (e) {
    // The evaluator names the policy but not its file: find the malformed one and say where it is.
    checkPolicies(objects);
    throw e;
  }
}

function compute(objects: readonly ManifestObject[], written: NetworkReport | undefined, extra: readonly ReportEndpoint[]): Analysis {
  // The library's report describes the manifests it was written with; beside other ones (edited, added or removed
  // after synth) its findings, construct paths and declared flows would describe what is no longer there.
  const outdated = written?.manifests !== undefined ? outdatedReport(written.manifests, manifestDigest(objects)) : undefined;
  const prior = outdated ? undefined : written;
  const zeroTrust = prior
    ? new Set(prior.namespaces.filter((n) => n.zeroTrust).map((n) => n.name))
    : defaultDenyNamespaces(objects);
  const context = new CheckContext({ objects, ownedNamespaces: zeroTrust });
  // The library's report carries the findings of its synth, with construct paths: no need to run the checks again.
  const checks = prior ? { findings: [], suppressed: [] } : runChecks(context);
  const peers = [...policyPeers(objects), ...(prior ? reportPeers(prior) : []), ...extra.map(endpointPeer)];
  // The stand-ins of namespaces matched by labels that the other output's exposure analysis made carry those labels here too.
  const namespaces = extra.filter((e) => e.namespaceLabels && e.namespace !== undefined && isRepresentativeNamespace(e.namespace))
    .map((e) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: e.namespace, labels: { ...e.namespaceLabels } } }));
  const verified = verifyFlows({ context, flows: [], zeroTrust, ownedNamespaces: zeroTrust, peers, namespaces });
  const view: NetworkView = prior ? { ...verified.view, ...declarationsOf(prior) } : verified.view;
  // The checks over what the policies allow that need no declared flows: routes whose backends no controller
  // may reach, NodePort/LoadBalancer Services no client outside the cluster may reach (synth runs them too).
  const reach = prior ? { findings: [], suppressed: [] }
    : applyOptOuts([...routeBackendClients(context, view, zeroTrust), ...externalServiceClients(context, view, zeroTrust)], objects);
  const computed = buildReport({
    context, view, zeroTrust, findings: [...(outdated ? [outdated] : []), ...checks.findings, ...reach.findings],
    suppressed: [...checks.suppressed, ...reach.suppressed],
  });
  return { report: prior ? withPaths(computed, prior) : computed, context, view };
}

/** The check name of a `network-report.json` beside manifests other than those it was written with. */
export const REPORT_OUTDATED = 'report-outdated';

/** The finding for a report written with other manifests than these, or undefined when they are the same. */
function outdatedReport(written: ReportManifests, here: ReportManifests): Finding | undefined {
  if (written.sha256 === here.sha256 && written.objects === here.objects) return undefined;
  return {
    check: REPORT_OUTDATED,
    severity: 'warning',
    related: [],
    message: `${REPORT_FILE} was written at synth for ${written.objects} objects (sha256 ${written.sha256.slice(0, 12)}), and the manifests `
      + `beside it are ${here.objects} objects (sha256 ${here.sha256.slice(0, 12)}): objects were edited, added or removed after synth, so `
      + 'the report\'s findings, construct paths and declared flows are not used; the checks ran on the manifests as they are, and '
      + 'zero-trust namespaces are those a default-deny policy isolates',
    fix: 'synthesize again (cdk8s synth) and commit the output as it is written, or make the change in the program instead of the YAML',
  };
}

/** Malformed NetworkPolicies, named by file and document, before the evaluator sees them. */
function checkPolicies(objects: readonly ManifestObject[]): void {
  for (const o of objects) {
    if (o.json.kind !== 'NetworkPolicy' || o.json.apiVersion !== 'networking.k8s.io/v1') continue;
    try {
      parsePolicy(o.json);
    } catch (e) {
      throw new CliError(`${location(o)}: NetworkPolicy ${namespaceOf(o)}/${o.json.metadata.name} is invalid: ${(e as Error).message}`);
    }
  }
}

/** `file, document N` for a manifest path `file#N`. */
export function location(o: ManifestObject): string {
  const hash = o.path.lastIndexOf('#');
  return hash < 0 ? o.path : `${o.path.slice(0, hash)}, document ${o.path.slice(hash + 1)}`;
}

/** Namespaces where a policy selecting every pod denies all ingress and egress (what a ZeroTrustNamespace writes). */
export function defaultDenyNamespaces(objects: readonly ManifestObject[]): Set<string> {
  const out = new Set<string>();
  for (const o of objects) {
    const spec = o.json.spec ?? {};
    if (o.json.kind !== 'NetworkPolicy') continue;
    const selector = spec.podSelector ?? {};
    const selectsAll = Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
    const types: string[] = spec.policyTypes ?? [];
    if (selectsAll && types.includes('Ingress') && types.includes('Egress') && !(spec.ingress ?? []).length && !(spec.egress ?? []).length) {
      out.add(namespaceOf(o));
    }
  }
  return out;
}

/**
 * Pods outside the manifests that policies name by namespace (a namespaceSelector on
 * `kubernetes.io/metadata.name`) and plain labels: kube-dns, an ingress controller, Prometheus.
 * They become endpoints of the report, as the declared peers of the library's own report do.
 */
function policyPeers(objects: readonly ManifestObject[]): Endpoint[] {
  const out = new Map<string, Endpoint>();
  for (const o of objects) {
    if (o.json.kind !== 'NetworkPolicy') continue;
    const spec = o.json.spec ?? {};
    for (const rule of [...(spec.ingress ?? []).map((r: any) => r?.from), ...(spec.egress ?? []).map((r: any) => r?.to)]) {
      for (const peer of rule ?? []) {
        const ns = pinnedNamespace(peer?.namespaceSelector);
        const pods = peer?.podSelector;
        if (ns === undefined || (pods?.matchExpressions ?? []).length > 0) continue;
        const labels: Record<string, string> = { ...(pods?.matchLabels ?? {}) };
        const endpoint = peerEndpoint(ns, Object.keys(labels).length ? labels : undefined);
        out.set(endpoint.key, endpoint);
      }
    }
  }
  return [...out.values()];
}

function pinnedNamespace(selector: any): string | undefined {
  const labels = selector?.matchLabels ?? {};
  if ((selector?.matchExpressions ?? []).length > 0 || Object.keys(labels).length !== 1) return undefined;
  return typeof labels[NAME_LABEL] === 'string' ? labels[NAME_LABEL] : undefined;
}

function peerEndpoint(namespace: string, labels: Record<string, string> | undefined, name?: string): Endpoint {
  const readable = name
    ?? (labels ? labels['app.kubernetes.io/name'] ?? labels.app ?? labels['k8s-app'] ?? labelsKey(labels) : `any pod in ${namespace}`);
  return { key: labels ? `pods:${namespace}:${labelsKey(labels)}` : `namespace:${namespace}`, name: readable, namespace, podLabels: labels };
}

/** The pods outside the app that the library's report lists, with their names. */
function reportPeers(report: NetworkReport): Endpoint[] {
  return report.endpoints.filter((e) => e.type === 'external-pods' && e.namespace !== undefined).map(endpointPeer);
}

/** The peer a report endpoint of pods (`ns/Peer/<labels>` or `ns/Peer/*`) stands for, with its name. */
function endpointPeer(e: ReportEndpoint): Endpoint {
  const key = e.id.slice(`${e.namespace}/Peer/`.length);
  const labels = e.labels ?? (key === '*' ? undefined : Object.fromEntries(key.split(',').map((kv) => {
    const eq = kv.indexOf('=');
    return [kv.slice(0, eq), kv.slice(eq + 1)];
  })));
  return peerEndpoint(e.namespace!, labels && Object.keys(labels).length ? { ...labels } : undefined, e.name);
}

/** The report endpoint types that stand for pods by namespace and labels: pods outside the app, and the exposure analysis's. */
export const STAND_IN_TYPES: ReadonlySet<ReportEndpoint['type']> = new Set(['external-pods', 'exposure']);

/** The namespace of the exposure analysis's stand-in for `namespaceSelector: {}`: its labels are its name alone, in every analysis. */
export const ANY_OTHER_NAMESPACE = '[any other namespace]';

/**
 * The endpoints of a report that stand for pods outside the app (`ns/Peer/<labels>`, `ns/Peer/*`)
 * and that another analysis can compute the flows of exactly: those in a real namespace, those in
 * `[any other namespace]` (a namespace labelled with its name only), and those of a representative
 * namespace matched by other labels (`[namespaces team=x]`) whose labels the report gives
 * (`namespaceLabels`; a report of an older version lacks them, and they compare by id).
 */
export function standIns(report: NetworkReport): ReportEndpoint[] {
  return report.endpoints.filter((e) => STAND_IN_TYPES.has(e.type) && e.namespace !== undefined
    && e.id.startsWith(`${e.namespace}/Peer/`)
    && (!isRepresentativeNamespace(e.namespace) || e.namespace === ANY_OTHER_NAMESPACE || e.namespaceLabels !== undefined));
}

/**
 * The stand-ins of namespaces matched by labels that a report gives without those labels (a
 * report of an older version, read alone): no other analysis can compute their flows.
 */
export function unlabelledStandIns(report: NetworkReport): ReportEndpoint[] {
  return report.endpoints.filter((e) => STAND_IN_TYPES.has(e.type) && e.namespace !== undefined && e.id.startsWith(`${e.namespace}/Peer/`)
    && isRepresentativeNamespace(e.namespace) && e.namespace !== ANY_OTHER_NAMESPACE && e.namespaceLabels === undefined);
}

/** What the library's report says was declared, for the flows computed again. */
function declarationsOf(report: NetworkReport): Pick<NetworkView, 'declaredKinds' | 'declaredBy' | 'calls'> {
  const declaredKinds = new Map<string, FlowKind[]>();
  const declaredBy = new Map<string, string[]>();
  const calls = new Map<string, string[]>();
  for (const f of report.flows) {
    if (f.declared.length) declaredKinds.set(pairKey(f.from, f.to), f.declared as FlowKind[]);
    if (f.declaredBy?.length) declaredBy.set(pairKey(f.from, f.to), [...f.declaredBy]);
    if (f.calls?.length) calls.set(pairKey(f.from, f.to), [...f.calls]);
  }
  return { declaredKinds, declaredBy, calls };
}

/** The computed report with the construct paths, names, findings and guardrails of the library's report. */
function withPaths(computed: NetworkReport, prior: NetworkReport): NetworkReport {
  const endpoints = new Map(prior.endpoints.map((e) => [e.id, e]));
  const entryPaths = new Map(prior.entryPoints.map((e) => [`${e.namespace}/${e.via}`, e.path]));
  const servicePaths = new Map(prior.services.map((s) => [`${s.namespace}/${s.name}`, s.path]));
  return {
    ...prior,
    ...computed,
    endpoints: computed.endpoints.map((e) => {
      const known = endpoints.get(e.id);
      return known ? { ...e, name: known.name, ...(known.path ? { path: known.path } : {}) } : e;
    }),
    entryPoints: computed.entryPoints.map((e) => ({ ...e, path: entryPaths.get(`${e.namespace}/${e.via}`) ?? e.path })),
    services: computed.services.map((s) => ({ ...s, path: servicePaths.get(`${s.namespace}/${s.name}`) ?? s.path })),
    findings: prior.findings,
    suppressed: prior.suppressed,
  };
}

/** The report restricted to one namespace: its flows (either end), entry points and Services. */
export function onlyNamespace(report: NetworkReport, namespace: string): NetworkReport {
  const endpoints = new Map(report.endpoints.map((e) => [e.id, e]));
  const inside = (id: string) => endpoints.get(id)?.namespace === namespace;
  const flows = report.flows.filter((f) => inside(f.from) || inside(f.to));
  const used = new Set(flows.flatMap((f) => [f.from, f.to]));
  for (const e of report.endpoints) if (e.namespace === namespace) used.add(e.id);
  const namespaces = new Set([namespace, ...[...used].map((id) => endpoints.get(id)?.namespace).filter((n): n is string => n !== undefined)]);
  return {
    ...report,
    namespaces: report.namespaces.filter((n) => namespaces.has(n.name))
      .map((n) => (n.name === namespace ? n : { ...n, inApp: false, workloads: n.workloads.filter((w) => used.has(w)) })),
    endpoints: report.endpoints.filter((e) => used.has(e.id)),
    flows,
    entryPoints: report.entryPoints.filter((e) => e.namespace === namespace),
    services: report.services.filter((s) => s.namespace === namespace),
  };
}
