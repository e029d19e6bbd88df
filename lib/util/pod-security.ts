/**
 * The Pod Security Standards, as pure functions over a pod spec in Kubernetes JSON: the one copy of
 * the rules that the `pod-security` check (a namespace's enforced level) and `WebApp` (its pods'
 * own settings and their named opt-outs) both read. Follows the upstream checks of
 * kubernetes/pod-security-admission (policy/check_*.go), the ones that matter in practice.
 */

/** Capabilities the baseline level lets a container add (policy/check_capabilities_baseline.go). */
export const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

/** The only capability the restricted level lets a container add (policy/check_capabilities_restricted.go). */
export const RESTRICTED_CAPABILITIES: ReadonlySet<string> = new Set(['NET_BIND_SERVICE']);

/** Volume types the restricted level allows (policy/check_restrictedVolumes.go). */
export const RESTRICTED_VOLUMES: ReadonlySet<string> = new Set([
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret',
]);

/** What a violation loosens: one name per kind of setting, the key of its opt-out where there is one. */
export type Loosening =
  | 'hostNetwork' | 'hostPid' | 'hostIpc' | 'hostPath' | 'volumeType' | 'hostPort' | 'privileged' | 'addCapabilities'
  | 'dropCapabilities' | 'unconfinedSeccomp' | 'seccompUnset' | 'allowPrivilegeEscalation' | 'runAsRoot';

/** One way a pod spec breaks a Pod Security level. */
export interface PodSecurityViolation {
  /** The field, relative to the pod spec, in Kubernetes JSON names: `hostPID`, `initContainers[0].securityContext.privileged`. */
  readonly field: string;
  /** The value there (undefined where a required value is missing). */
  readonly value: unknown;
  /** What it must be, e.g. `must not be true`. */
  readonly rule: string;
  /** The kind of setting. */
  readonly loosening: Loosening;
}

/** Every container of a pod spec with its field path: init containers, containers, ephemeral containers (policy/visitor.go). */
export function podContainers(spec: any): { container: any; at: string }[] {
  const list = (key: string) => (Array.isArray(spec?.[key]) ? spec[key] : []).map((container: any, i: number) => ({ container, at: `${key}[${i}]` }));
  return [...list('initContainers'), ...list('containers'), ...list('ephemeralContainers')];
}

/**
 * How a pod spec breaks a Pod Security level (baseline, or restricted, which includes baseline),
 * field by field.
 */
export function podSecurityViolations(spec: any, level: 'baseline' | 'restricted'): PodSecurityViolation[] {
  const out: PodSecurityViolation[] = [];
  const add = (field: string, value: unknown, rule: string, loosening: Loosening) => out.push({ field, value, rule, loosening });
  const pod = spec?.securityContext ?? {};
  const hostNamespaces = [['hostNetwork', 'hostNetwork'], ['hostPID', 'hostPid'], ['hostIPC', 'hostIpc']] as const;
  for (const [f, loosening] of hostNamespaces) if (spec?.[f] === true) add(f, true, 'must not be true', loosening);
  (Array.isArray(spec?.volumes) ? spec.volumes : []).forEach((v: any, i: number) => {
    if (v?.hostPath) add(`volumes[${i}].hostPath`, v.hostPath, 'must not be used', 'hostPath');
    else if (level === 'restricted') {
      const type = Object.keys(v ?? {}).find((k) => k !== 'name');
      if (type && !RESTRICTED_VOLUMES.has(type)) {
        add(`volumes[${i}].${type}`, v[type], `must be one of ${[...RESTRICTED_VOLUMES].join(', ')}`, 'volumeType');
      }
    }
  });
  const unconfined = (at: string, sc: any) => {
    if (sc.seccompProfile?.type === 'Unconfined') add(`${at}seccompProfile.type`, 'Unconfined', 'must not be Unconfined', 'unconfinedSeccomp');
  };
  unconfined('securityContext.', pod);
  for (const { container: c, at } of podContainers(spec)) {
    const sc = c?.securityContext ?? {};
    if (sc.privileged === true) add(`${at}.securityContext.privileged`, true, 'must not be true', 'privileged');
    const added: string[] = (Array.isArray(sc.capabilities?.add) ? sc.capabilities.add : []).map(String);
    const allowedAdds = level === 'restricted' ? RESTRICTED_CAPABILITIES : BASELINE_CAPABILITIES;
    const extra = added.filter((a) => !allowedAdds.has(a));
    if (extra.length) add(`${at}.securityContext.capabilities.add`, sc.capabilities.add, `must not add ${extra.join(', ')}`, 'addCapabilities');
    (Array.isArray(c?.ports) ? c.ports : []).forEach((p: any, i: number) => {
      if (p?.hostPort) add(`${at}.ports[${i}].hostPort`, p.hostPort, 'must not be set', 'hostPort');
    });
    unconfined(`${at}.securityContext.`, sc);
    if (level !== 'restricted') continue;
    if (sc.allowPrivilegeEscalation !== false) {
      add(`${at}.securityContext.allowPrivilegeEscalation`, sc.allowPrivilegeEscalation, 'must be false', 'allowPrivilegeEscalation');
    }
    if (!(Array.isArray(sc.capabilities?.drop) ? sc.capabilities.drop : []).map(String).includes('ALL')) {
      add(`${at}.securityContext.capabilities.drop`, sc.capabilities?.drop, 'must include ALL', 'dropCapabilities');
    }
    if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) {
      add(`${at}.securityContext.runAsNonRoot`, sc.runAsNonRoot ?? pod.runAsNonRoot, '(or the pod\'s) must be true', 'runAsRoot');
    }
    if ((sc.runAsUser ?? pod.runAsUser) === 0) add(`${at}.securityContext.runAsUser`, 0, 'must not be 0', 'runAsRoot');
    const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
      add(`${at}.securityContext.seccompProfile.type`, seccomp, '(or the pod\'s) must be RuntimeDefault or Localhost', 'seccompUnset');
    }
  }
  return out;
}

/**
 * Whether a pod can enter the node's network namespace, where no NetworkPolicy applies: it shares
 * the node's PID namespace (`hostPID`) and a container is privileged or adds CAP_SYS_ADMIN (or
 * ALL), so it can `nsenter -t 1 -n` (setns(2) into the network namespace of the node's PID 1).
 * The field that makes it so, or undefined.
 */
export function hostNetworkEscape(spec: any): string | undefined {
  if (spec?.hostPID !== true) return undefined;
  for (const { container: c, at } of podContainers(spec)) {
    const sc = c?.securityContext ?? {};
    if (sc.privileged === true) return `${at}.securityContext.privileged`;
    const added = (Array.isArray(sc.capabilities?.add) ? sc.capabilities.add : []).map(String);
    if (added.includes('SYS_ADMIN') || added.includes('CAP_SYS_ADMIN') || added.includes('ALL')) return `${at}.securityContext.capabilities.add`;
  }
  return undefined;
}
