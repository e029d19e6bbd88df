import { podTemplateOf } from '../../evaluator/workloads';
import type { ICheck } from '../check';
import type { Problem} from '../finding';
import { problem } from '../finding';
import { refOf } from '../objects';

/** The label on a Namespace that sets the Pod Security level the API server enforces. */
export const POD_SECURITY_ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

/** Capabilities the baseline level lets a container add. */
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

/** Volume types the restricted level allows. */
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

/**
 * What a pod spec lacks for a Pod Security level: `<field> <what it must be>` per violation, the
 * fields relative to the pod template (`spec.containers[0].securityContext.allowPrivilegeEscalation`).
 * Follows the Pod Security Standards (baseline, then restricted), checks that matter in practice.
 */
export function podSecurityViolations(spec: any, level: 'baseline' | 'restricted'): string[] {
  const out: string[] = [];
  const pod = spec?.securityContext ?? {};
  const containers: { c: any; at: string }[] = [
    ...(spec?.initContainers ?? []).map((c: any, i: number) => ({ c, at: `spec.initContainers[${i}]` })),
    ...(spec?.containers ?? []).map((c: any, i: number) => ({ c, at: `spec.containers[${i}]` })),
  ];
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec?.[f] === true) out.push(`spec.${f} must not be true`);
  (spec?.volumes ?? []).forEach((v: any, i: number) => {
    if (v?.hostPath) out.push(`spec.volumes[${i}].hostPath must not be used`);
    else if (level === 'restricted') {
      const type = Object.keys(v ?? {}).find((k) => k !== 'name');
      if (type && !RESTRICTED_VOLUMES.has(type)) out.push(`spec.volumes[${i}].${type} must be one of ${[...RESTRICTED_VOLUMES].join(', ')}`);
    }
  });
  if (pod.seccompProfile?.type === 'Unconfined') out.push('spec.securityContext.seccompProfile.type must not be Unconfined');
  for (const { c, at } of containers) {
    const sc = c?.securityContext ?? {};
    if (sc.privileged === true) out.push(`${at}.securityContext.privileged must not be true`);
    const added: string[] = (sc.capabilities?.add ?? []).map(String);
    const allowedAdds = level === 'restricted' ? new Set(['NET_BIND_SERVICE']) : BASELINE_CAPABILITIES;
    const extra = added.filter((a) => !allowedAdds.has(a));
    if (extra.length) out.push(`${at}.securityContext.capabilities.add must not add ${extra.join(', ')}`);
    (c?.ports ?? []).forEach((p: any, i: number) => {
      if (p?.hostPort) out.push(`${at}.ports[${i}].hostPort must not be set`);
    });
    if (sc.seccompProfile?.type === 'Unconfined') out.push(`${at}.securityContext.seccompProfile.type must not be Unconfined`);
    if (level !== 'restricted') continue;
    if (sc.allowPrivilegeEscalation !== false) out.push(`${at}.securityContext.allowPrivilegeEscalation must be false`);
    if (!(sc.capabilities?.drop ?? []).map(String).includes('ALL')) out.push(`${at}.securityContext.capabilities.drop must include ALL`);
    if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) out.push(`${at}.securityContext.runAsNonRoot (or the pod's) must be true`);
    if ((sc.runAsUser ?? pod.runAsUser) === 0) out.push(`${at}.securityContext.runAsUser must not be 0`);
    const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
      out.push(`${at}.securityContext.seccompProfile.type (or the pod's) must be RuntimeDefault or Localhost`);
    }
  }
  return out;
}

/** A workload whose pods the Pod Security level of their namespace rejects. */
export const podSecurity: ICheck = {
  name: 'pod-security',
  severity: 'warning',
  description: 'The pods of every workload must meet the Pod Security level their namespace enforces '
    + '(pod-security.kubernetes.io/enforce), or the API server rejects them.',
  equivalents: [
    'Pod Security Admission', 'kube-score container-security-context-privileged / -user-group-id / -readonlyrootfilesystem',
    'kube-linter privilege-escalation-container, run-as-non-root', 'Checkov CKV_K8S_20, CKV_K8S_23, CKV_K8S_28, CKV_K8S_31',
  ],
  run(ctx) {
    const levels = new Map<string, string>();
    for (const ns of ctx.ofKind('Namespace')) {
      const level = ns.json?.metadata?.labels?.[POD_SECURITY_ENFORCE_LABEL];
      if (level === 'baseline' || level === 'restricted') levels.set(String(ns.json?.metadata?.name), level);
    }
    const out: Problem[] = [];
    for (const t of ctx.templates) {
      const level = levels.get(t.namespace) as 'baseline' | 'restricted' | undefined;
      if (!level) continue;
      const violations = podSecurityViolations(podTemplateOf(t.object.json)?.spec, level);
      if (violations.length === 0) continue;
      const ref = refOf(t.object);
      const prefix = t.object.json?.kind === 'Pod' ? '' : 'spec.template.';
      out.push(problem(ref, `${prefix}spec`, ref.name,
        `namespace "${t.namespace}" enforces Pod Security "${level}" and the API server rejects these pods: ${violations.join('; ')}`,
        'set those fields (with cdk8s-plus: securityContext { ensureNonRoot: true, allowPrivilegeEscalation: false }, and '
        + 'ApiObject.of(workload).addJsonPatch() for capabilities.drop ["ALL"] and seccompProfile RuntimeDefault), '
        + 'or lower the namespace\'s level (ZeroTrustNamespace podSecurity)'));
    }
    return out;
  },
};
