/**
 * The table of cross-object checks and the runner that applies opt-outs and strict mode.
 */
import type { ICheck } from './check';
import type { CheckInput } from './context';
import { CheckContext } from './context';
import type { Finding, Severity } from './finding';
import { problem, sortFindings } from './finding';
import type { ManifestObject } from './objects';
import { refOf, SKIP_CHECKS_ANNOTATION, skippedChecks } from './objects';
import { containerPort, duplicatePortName } from './rules/container-port';
import { duplicateNodePort } from './rules/duplicate-nodeport';
import { duplicateObject } from './rules/duplicate-object';
import { duplicateRoute } from './rules/duplicate-route';
import { ingressHostMatchTls } from './rules/ingress-host-match-tls';
import { ingressTargetsService } from './rules/ingress-targets-service';
import { metadataNamespace, metadataNamespaceUnverified } from './rules/metadata-namespace';
import { networkPolicyPort } from './rules/networkpolicy-port';
import { networkPolicyPeerTargetsPod, networkPolicyTargetsPod } from './rules/networkpolicy-targets-pod';
import { podNetworkPolicy } from './rules/pod-networkpolicy';
import { policyAsHook } from './rules/policy-as-hook';
import { policyNotApplied } from './rules/policy-not-applied';
import { policyUnverified } from './rules/policy-unverified';
import { podSecurity } from './rules/pod-security';
import { routeNotAttached } from './rules/route-not-attached';
import { serviceTargetPort } from './rules/service-target-port';
import { serviceTargetsPod } from './rules/service-targets-pod';
import { syncWaveOrder } from './rules/sync-wave-order';
import { CNI_CHECK_NAMES } from './cni';
import { FLOW_CHECK_NAMES } from './flow-checks';
import {
  CILIUM_POLICY_UNVERIFIED, CILIUM_POLICY_WIDENS, DECLARED_FLOW_DENIED, POD_TEMPLATE_UNVERIFIED, SHARED_POD_LABELS, UNDECLARED_FLOW,
} from './verify';
import { EXPOSURE_UNVERIFIED } from './exposure';
import { TLS_UNVERIFIED } from './tls-unverified';
import { UNSKIPPABLE_CHECKS, UNSKIPPABLE_REASON } from './unskippable';

/**
 * The checks of what the API server refuses that the evaluator reads (policy ports, and the container
 * ports named ports resolve against). They run first: while one of them fails, the other checks do
 * not run, nor does the verification, since the evaluator refuses those objects too.
 */
export const API_CHECKS: readonly ICheck[] = [networkPolicyPort, containerPort];

/** Every cross-object check, in the order they run. */
export const CHECKS: readonly ICheck[] = [
  ...API_CHECKS,
  metadataNamespace,
  metadataNamespaceUnverified,
  duplicateObject,
  serviceTargetsPod,
  serviceTargetPort,
  duplicatePortName,
  ingressTargetsService,
  duplicateRoute,
  routeNotAttached,
  ingressHostMatchTls,
  duplicateNodePort,
  networkPolicyTargetsPod,
  networkPolicyPeerTargetsPod,
  podNetworkPolicy,
  podSecurity,
  policyUnverified,
  syncWaveOrder,
  policyNotApplied,
  policyAsHook,
];

/** Name of the finding for a skip annotation that names an unknown check. */
export const SKIP_CHECKS_CHECK = 'skip-checks';

/** Every check's name: what findings carry, and what the skip annotation and `skipChecks` accept (but `networkpolicy-port` and `container-port`). */
export const CHECK_NAMES: readonly string[] = [
  ...CHECKS.map((c) => c.name), DECLARED_FLOW_DENIED, UNDECLARED_FLOW, CILIUM_POLICY_WIDENS, CILIUM_POLICY_UNVERIFIED, SHARED_POD_LABELS,
  POD_TEMPLATE_UNVERIFIED, EXPOSURE_UNVERIFIED, TLS_UNVERIFIED,
  ...CNI_CHECK_NAMES,
  ...FLOW_CHECK_NAMES,
].sort();

/**
 * Options of {@link runChecks} and {@link applyOptOuts}.
 * @jsii ignore
 */
export interface RunChecksOptions {
  /**
   * Report warnings as errors.
   * @default false
   */
  readonly strict?: boolean;
  /**
   * Checks turned off for the whole app, by name.
   * @default - none
   */
  readonly skipChecks?: readonly string[];
}

/**
 * The outcome of the checks.
 * @jsii ignore
 */
export interface CheckResults {
  /** Findings that count: errors fail synth, warnings are reported. Sorted. */
  readonly findings: Finding[];
  /** Findings an object opted out of with the skip annotation (listed in the report). Sorted. */
  readonly suppressed: Finding[];
}

/**
 * Runs every check over the objects. Pure: the same objects give the same findings.
 */
export function runChecks(input: CheckInput | CheckContext, options: RunChecksOptions = {}): CheckResults {
  const ctx = input instanceof CheckContext ? input : new CheckContext(input);
  const skipped = new Set(options.skipChecks ?? []);
  const run = (checks: readonly ICheck[]): Finding[] => checks.filter((c) => UNSKIPPABLE_CHECKS.has(c.name) || !skipped.has(c.name))
    .flatMap((check) => check.run(ctx).map((p) => ({ ...p, check: check.name, severity: check.severity })));
  const refused = [...run(API_CHECKS), ...unknownSkipNames(ctx.objects)];
  const results = applyOptOuts(refused, ctx.objects, options);
  if (refusedByApiServer(results.findings)) return results;
  return applyOptOuts([...refused, ...run(CHECKS.filter((c) => !API_CHECKS.includes(c)))], ctx.objects, options);
}

/**
 * Whether the findings hold an error of {@link API_CHECKS}: the API server would refuse the objects,
 * and the evaluator cannot read them, so nothing past the checks may run.
 */
export function refusedByApiServer(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error' && API_CHECKS.some((c) => c.name === f.check));
}

/** Drops app-wide skipped checks, moves findings opted out by annotation aside, applies strict mode. */
export function applyOptOuts(findings: readonly Finding[], objects: readonly ManifestObject[], options: RunChecksOptions = {}): CheckResults {
  const skipped = new Set(options.skipChecks ?? []);
  const byPath = new Map(objects.map((o) => [o.path, o]));
  const kept: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const f of findings) {
    const skippable = !UNSKIPPABLE_CHECKS.has(f.check);
    if (skippable && skipped.has(f.check)) continue;
    const obj = f.object ? byPath.get(f.object.path) : undefined;
    const severity: Severity = options.strict ? 'error' : f.severity;
    const finding = severity === f.severity ? f : { ...f, severity };
    const worded = severity === 'warning' ? asWarning(finding) : finding;
    if (obj && skippable && f.check !== SKIP_CHECKS_CHECK && skippedChecks(obj).includes(f.check)) suppressed.push(worded);
    else kept.push(worded);
  }
  return { findings: sortFindings(kept), suppressed: sortFindings(suppressed) };
}

/**
 * A warning reads as one: `<path>: <field> <value> is accepted, but: <rule>` where an error says
 * `is invalid`. Checks write both the same way; the wording follows the final severity (strict mode
 * turns warnings into errors, which then say `is invalid`).
 */
function asWarning(f: Finding): Finding {
  return { ...f, message: f.message.replace(' is invalid: ', ' is accepted, but: ') };
}

/** A skip annotation naming a check that does not exist is a typo that would silently skip nothing. */
function unknownSkipNames(objects: readonly ManifestObject[]): Finding[] {
  const known = new Set(CHECK_NAMES);
  const out: Finding[] = [];
  for (const obj of objects) {
    const field = `metadata.annotations["${SKIP_CHECKS_ANNOTATION}"]`;
    const unknown = skippedChecks(obj).filter((n) => !known.has(n));
    if (unknown.length > 0) {
      out.push({
        ...problem(refOf(obj), field, unknown.join(','), `it names no known check (known: ${CHECK_NAMES.join(', ')})`,
          'fix the check names, or remove the annotation'),
        check: SKIP_CHECKS_CHECK,
        severity: 'error',
      });
    }
    const unskippable = skippedChecks(obj).filter((n) => UNSKIPPABLE_CHECKS.has(n));
    if (unskippable.length > 0) {
      out.push({
        ...problem(refOf(obj), field, unskippable.join(','), `${unskippable.join(' and ')} cannot be skipped: ${UNSKIPPABLE_REASON}`,
          `remove ${unskippable.join(' and ')} from the annotation, and fix what ${unskippable.length === 1 ? 'it reports' : 'they report'}`),
        check: SKIP_CHECKS_CHECK,
        severity: 'error',
      });
    }
  }
  return out;
}
