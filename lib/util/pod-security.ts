/**
 * The Pod Security Standards, as pure functions over a pod spec in Kubernetes JSON: the one copy of
 * the rules that the `pod-security` check (a namespace's enforced level) and `WebApp` (its pods'
 * own settings and their named opt-outs) both read. Follows every check of
 * kubernetes/pod-security-admission (policy/check_*.go, v0.36.2 and master): baseline's host
 * namespaces, privileged, capabilities, hostPath, hostPort, AppArmor, SELinux, procMount, seccomp,
 * sysctls, Windows HostProcess and probe/lifecycle hosts; restricted's volume types, privilege
 * escalation, runAsNonRoot, runAsUser, seccomp and capabilities. Where a rule changed between
 * Kubernetes versions, it is judged at the version given (`PodSecurityOptions.version`).
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
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret',
]);

/**
 * The newest Kubernetes minor version (1.x) whose Pod Security rules the library knows as released:
 * the rules it judges by where no version is given (a namespace's `enforce-version` of `latest`).
 */
export const NEWEST_KUBERNETES_MINOR = 36;

/**
 * The sysctls baseline allows, by the Kubernetes minor version that first allowed each group
 * (policy/check_sysctls.go: 1.0, 1.27, 1.29, 1.32, and 1.37 on master).
 */
export const SAFE_SYSCTLS: readonly (readonly [number, readonly string[]])[] = [
  [0, ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range',
    'net.ipv4.ip_unprivileged_port_start']],
  [27, ['net.ipv4.ip_local_reserved_ports']],
  [29, ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']],
  [32, ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem']],
  [37, ['net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat']],
];

/** The sysctls baseline allows on Kubernetes 1.`minor`. */
export function safeSysctls(minor: number): string[] {
  return SAFE_SYSCTLS.filter(([since]) => since <= minor).flatMap(([, names]) => names);
}

/** The SELinux types baseline allows (policy/check_seLinuxOptions.go; container_engine_t from 1.31), besides unset or "". */
export function seLinuxTypes(minor: number): string[] {
  return ['container_t', 'container_init_t', 'container_kvm_t', ...minor >= 31 ? ['container_engine_t'] : []];
}

/** The annotation prefix of the AppArmor profiles before the `appArmorProfile` field (policy/check_appArmorProfile.go). */
export const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

/** What a violation loosens: one name per kind of setting, the key of its opt-out where there is one. */
export type Loosening =
  | 'hostNetwork' | 'hostPid' | 'hostIpc' | 'hostPath' | 'volumeTypes' | 'hostPort' | 'privileged' | 'addCapabilities'
  | 'dropCapabilities' | 'unconfinedSeccomp' | 'seccompUnset' | 'allowPrivilegeEscalation' | 'runAsRoot'
  | 'unmaskedProcMount' | 'seLinuxOptions' | 'unsafeSysctls' | 'unconfinedAppArmor' | 'probeHost' | 'windowsHostProcess';

/** One way a pod spec breaks a Pod Security level. */
export interface PodSecurityViolation {
  /**
   * The field, relative to the pod spec, in Kubernetes JSON names: `hostPID`, `initContainers[0].securityContext.privileged`;
   * for an annotation of the pod, `metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]`.
   */
  readonly field: string;
  /** The value there (undefined where a required value is missing). */
  readonly value: unknown;
  /** What it must be, e.g. `must not be true`. */
  readonly rule: string;
  /** The kind of setting. */
  readonly loosening: Loosening;
}

/** What the rules need besides the pod spec. */
export interface PodSecurityOptions {
  /** The pod's annotations (AppArmor's per-container annotations). */
  readonly annotations?: Readonly<Record<string, unknown>>;
  /** The Kubernetes minor version (1.x) whose rules apply, e.g. 29; the newest the library knows when undefined. */
  readonly version?: number;
}

/** Every container of a pod spec with its field path: init containers, containers, ephemeral containers (policy/visitor.go). */
export function podContainers(spec: any): { container: any; at: string }[] {
  const list = (key: string) => (Array.isArray(spec?.[key]) ? spec[key] : []).map((container: any, i: number) => ({ container, at: `${key}[${i}]` }));
  return [...list('initContainers'), ...list('containers'), ...list('ephemeralContainers')];
}

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const HOOKS = ['postStart', 'preStop'] as const;

/**
 * How a pod spec breaks a Pod Security level (baseline, or restricted, which includes baseline),
 * field by field.
 */
export function podSecurityViolations(spec: any, level: 'baseline' | 'restricted', options: PodSecurityOptions = {}): PodSecurityViolation[] {
  const out: PodSecurityViolation[] = [];
  const add = (field: string, value: unknown, rule: string, loosening: Loosening) => out.push({ field, value, rule, loosening });
  const version = options.version ?? NEWEST_KUBERNETES_MINOR;
  const restricted = level === 'restricted';
  const pod = spec?.securityContext ?? {};
  // A pod in a user namespace (hostUsers: false) may run as root and unmask /proc from 1.35 on (policy/helpers.go relaxPolicyForUserNamespacePod).
  const userNamespace = version >= 35 && spec?.hostUsers === false;
  // Windows pods are exempt from restricted's seccomp, capabilities and privilege escalation from 1.25 on (the API refuses those fields there).
  const windows = version >= 25 && spec?.os?.name === 'windows';
  const hostNamespaces = [['hostNetwork', 'hostNetwork'], ['hostPID', 'hostPid'], ['hostIPC', 'hostIpc']] as const;
  for (const [f, loosening] of hostNamespaces) if (spec?.[f] === true) add(f, true, 'must not be true', loosening);
  (Array.isArray(spec?.volumes) ? spec.volumes : []).forEach((v: any, i: number) => {
    if (v?.hostPath) add(`volumes[${i}].hostPath`, v.hostPath, 'must not be used', 'hostPath');
    else if (restricted) {
      const type = Object.keys(v ?? {}).find((k) => k !== 'name');
      if (type && !RESTRICTED_VOLUMES.has(type)) {
        add(`volumes[${i}].${type}`, v[type], `must be one of ${[...RESTRICTED_VOLUMES].join(', ')}`, 'volumeTypes');
      }
    }
  });
  const safe = safeSysctls(version);
  (Array.isArray(pod.sysctls) ? pod.sysctls : []).forEach((s: any, i: number) => {
    if (!safe.includes(s?.name)) {
      add(`securityContext.sysctls[${i}].name`, s?.name, `must be a sysctl Kubernetes 1.${version} deems safe: ${safe.join(', ')}`, 'unsafeSysctls');
    }
  });
  for (const [key, value] of Object.entries(options.annotations ?? {})) {
    if (!key.startsWith(APPARMOR_ANNOTATION_PREFIX)) continue;
    const profile = String(value ?? '');
    if (profile !== '' && profile !== 'runtime/default' && !profile.startsWith('localhost/')) {
      add(`metadata.annotations[${JSON.stringify(key)}]`, value, 'must be runtime/default or localhost/<profile>', 'unconfinedAppArmor');
    }
  }
  /** The rules a pod's and a container's securityContext share. */
  const shared = (at: string, sc: any) => {
    if (sc.seccompProfile?.type === 'Unconfined') add(`${at}seccompProfile.type`, 'Unconfined', 'must not be Unconfined', 'unconfinedSeccomp');
    const appArmor = sc.appArmorProfile;
    if (appArmor && appArmor.type !== 'RuntimeDefault' && appArmor.type !== 'Localhost') {
      add(`${at}appArmorProfile.type`, appArmor.type, 'must be RuntimeDefault or Localhost', 'unconfinedAppArmor');
    }
    const seLinux = sc.seLinuxOptions ?? {};
    const types = seLinuxTypes(version);
    if (seLinux.type && !types.includes(seLinux.type)) {
      add(`${at}seLinuxOptions.type`, seLinux.type, `must be unset or one of ${types.join(', ')}`, 'seLinuxOptions');
    }
    for (const f of ['user', 'role']) if (seLinux[f]) add(`${at}seLinuxOptions.${f}`, seLinux[f], 'must not be set', 'seLinuxOptions');
    if (sc.windowsOptions?.hostProcess === true) add(`${at}windowsOptions.hostProcess`, true, 'must not be true', 'windowsHostProcess');
  };
  shared('securityContext.', pod);
  if (restricted && !userNamespace) {
    if (pod.runAsNonRoot === false) add('securityContext.runAsNonRoot', false, 'must not be false', 'runAsRoot');
    if (pod.runAsUser === 0) add('securityContext.runAsUser', 0, 'must not be 0', 'runAsRoot');
  }
  for (const { container: c, at } of podContainers(spec)) {
    const sc = c?.securityContext ?? {};
    if (sc.privileged === true) add(`${at}.securityContext.privileged`, true, 'must not be true', 'privileged');
    const added: string[] = (Array.isArray(sc.capabilities?.add) ? sc.capabilities.add : []).map(String);
    const allowedAdds = restricted ? RESTRICTED_CAPABILITIES : BASELINE_CAPABILITIES;
    const extra = added.filter((a) => !allowedAdds.has(a));
    if (extra.length) add(`${at}.securityContext.capabilities.add`, sc.capabilities.add, `must not add ${extra.join(', ')}`, 'addCapabilities');
    (Array.isArray(c?.ports) ? c.ports : []).forEach((p: any, i: number) => {
      if (p?.hostPort) add(`${at}.ports[${i}].hostPort`, p.hostPort, 'must not be set', 'hostPort');
    });
    shared(`${at}.securityContext.`, sc);
    // Baseline lets a pod in a user namespace unmask /proc from 1.35 on; restricted never does (policy/check_procMount_*.go).
    if (sc.procMount !== undefined && sc.procMount !== 'Default' && (restricted || !userNamespace)) {
      add(`${at}.securityContext.procMount`, sc.procMount, 'must be Default', 'unmaskedProcMount');
    }
    if (version >= 34) {
      const handlers = [...PROBES.map((p) => [p, c?.[p]]), ...HOOKS.map((h) => [`lifecycle.${h}`, c?.lifecycle?.[h]])];
      for (const [name, handler] of handlers) {
        for (const kind of ['httpGet', 'tcpSocket']) {
          const host = handler?.[kind]?.host;
          if (host) add(`${at}.${name}.${kind}.host`, host, 'must be unset or ""', 'probeHost');
        }
      }
    }
    if (!restricted) continue;
    if (!windows && sc.allowPrivilegeEscalation !== false) {
      add(`${at}.securityContext.allowPrivilegeEscalation`, sc.allowPrivilegeEscalation, 'must be false', 'allowPrivilegeEscalation');
    }
    if (!windows && !(Array.isArray(sc.capabilities?.drop) ? sc.capabilities.drop : []).map(String).includes('ALL')) {
      add(`${at}.securityContext.capabilities.drop`, sc.capabilities?.drop, 'must include ALL', 'dropCapabilities');
    }
    if (!userNamespace) {
      // A container's own value wins; the pod's false is the pod's violation (above), so only a container with neither is one.
      if (sc.runAsNonRoot === false || (sc.runAsNonRoot === undefined && pod.runAsNonRoot === undefined)) {
        add(`${at}.securityContext.runAsNonRoot`, sc.runAsNonRoot, '(or the pod\'s) must be true', 'runAsRoot');
      }
      if (sc.runAsUser === 0) add(`${at}.securityContext.runAsUser`, 0, 'must not be 0', 'runAsRoot');
    }
    const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (!windows && seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost' && seccomp !== 'Unconfined') {
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
