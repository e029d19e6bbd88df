import { podTemplateOf, podTemplatePath } from '../../evaluator/workloads';
import type { ICheck } from '../check';
import type { Problem} from '../finding';
import { problem } from '../finding';
import { refOf } from '../objects';
import { podSecurityViolations } from '../../util/pod-security';

/** The label on a Namespace that sets the Pod Security level the API server enforces. */
export const POD_SECURITY_ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';
/** The label on a Namespace that pins the Kubernetes version of the enforced level's rules (`v1.29`; `latest` when unset). */
export const POD_SECURITY_ENFORCE_VERSION_LABEL = 'pod-security.kubernetes.io/enforce-version';

/** The Kubernetes minor version an `enforce-version` label pins (`v1.29` -> 29), or undefined for `latest` (the newest rules). */
export function enforceVersion(label: unknown): number | undefined {
  const m = /^v1\.(\d+)$/.exec(String(label ?? ''));
  return m ? Number(m[1]) : undefined;
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
    const levels = new Map<string, { level: 'baseline' | 'restricted'; version?: number }>();
    for (const ns of ctx.ofKind('Namespace')) {
      const labels = ns.json?.metadata?.labels;
      const level = labels?.[POD_SECURITY_ENFORCE_LABEL];
      if (level === 'baseline' || level === 'restricted') {
        levels.set(String(ns.json?.metadata?.name), { level, version: enforceVersion(labels?.[POD_SECURITY_ENFORCE_VERSION_LABEL]) });
      }
    }
    const out: Problem[] = [];
    for (const t of ctx.templates) {
      const { level, version } = levels.get(t.namespace) ?? {};
      if (!level) continue;
      // The pod template's path in the object: `` (Pod), `spec.template`, `spec.jobTemplate.spec.template` (CronJob).
      const base = podTemplatePath(t.object.json) ?? [];
      const at = [...base, 'spec'].join('.');
      const template = podTemplateOf(t.object.json);
      const violations = podSecurityViolations(template?.spec, level, { annotations: template?.metadata?.annotations, version })
        // An annotation's field is the pod's metadata; every other one is in its spec.
        .map((v) => `${v.field.startsWith('metadata.') ? [...base, v.field].join('.') : `${at}.${v.field}`} ${v.rule}`);
      if (violations.length === 0) continue;
      const ref = refOf(t.object);
      out.push(problem(ref, at, ref.name,
        `namespace "${t.namespace}" enforces Pod Security "${level}" and the API server rejects these pods: ${violations.join('; ')}`,
        'set those fields (with cdk8s-plus: securityContext { ensureNonRoot: true, allowPrivilegeEscalation: false }, and '
        + 'ApiObject.of(workload).addJsonPatch() for capabilities.drop ["ALL"] and seccompProfile RuntimeDefault), '
        + 'or lower the namespace\'s level (ZeroTrustNamespace podSecurity)'));
    }
    return out;
  },
};
