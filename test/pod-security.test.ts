import { ApiObject, Chart } from 'cdk8s';
import { PodSecurityLevel, ZeroTrustNamespace } from '../lib';
import { enforceVersion } from '../lib/checks/rules/pod-security';
import { NEWEST_KUBERNETES_MINOR, podSecurityViolations, safeSysctls, seLinuxTypes } from '../lib/util/pod-security';
import { captureWarnings, synth, testApp } from './util';

/**
 * The `pod-security` check on hand-written workloads, one control of the Pod Security Standards at a
 * time (kubernetes/pod-security-admission policy/check_*.go), at the namespace's level and, where
 * the rule changed between Kubernetes versions, at the version its `enforce-version` label pins.
 */

/** A container that meets restricted, with `securityContext` merged over its settings. */
const ok = (more: object = {}, securityContext: object = {}) => ({
  name: 'agent', image: 'agent:1', ...more,
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, ...securityContext },
});

/** Synthesizes Deployment `agent` with pod `spec` (and template `annotations`) in namespace prod of `level`: every warning, whole. */
function warnings(spec: object, level: PodSecurityLevel, opts: { version?: string; annotations?: Record<string, string> } = {}): string[] {
  const app = testApp();
  const chart = new Chart(app, 'test');
  new ZeroTrustNamespace(chart, 'prod', {
    podSecurity: level, ...opts.version ? { podSecurityVersion: opts.version } : {},
  });
  new ApiObject(chart, 'agent', {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'agent', namespace: 'prod' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' }, ...opts.annotations ? { annotations: opts.annotations } : {} }, spec },
    },
  });
  return captureWarnings(() => synth(app)).warnings.filter((w) => !w.startsWith('[pod-networkpolicy]'));
}

/**
 * The whole `pod-security` warning for Deployment prod/agent with these violations, each given by its
 * path in the pod template (`spec.hostNetwork`); the message names them in the Deployment (`spec.template.spec.hostNetwork`).
 */
const WARNING = (level: string, violations: string[]) => '[pod-security] test/agent: Deployment prod/agent spec.template.spec "agent" is accepted, '
  + `but: namespace "prod" enforces Pod Security "${level}" and the API server rejects these pods: `
  + `${violations.map((v) => `spec.template.${v}`).join('; ')}. Fix: set those fields `
  + '(with cdk8s-plus: securityContext { ensureNonRoot: true, allowPrivilegeEscalation: false }, and ApiObject.of(workload).addJsonPatch() for '
  + 'capabilities.drop ["ALL"] and seccompProfile RuntimeDefault), or lower the namespace\'s level (ZeroTrustNamespace podSecurity) (to accept it, '
  + 'annotate Deployment prod/agent with cdk8s-networking.io/skip-checks: pod-security)';

const B = PodSecurityLevel.BASELINE;
const R = PodSecurityLevel.RESTRICTED;
const SAFE_36 = 'kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, '
  + 'net.ipv4.ip_unprivileged_port_start, net.ipv4.ip_local_reserved_ports, net.ipv4.tcp_keepalive_time, net.ipv4.tcp_fin_timeout, '
  + 'net.ipv4.tcp_keepalive_intvl, net.ipv4.tcp_keepalive_probes, net.ipv4.tcp_rmem, net.ipv4.tcp_wmem';

describe('pod-security: the baseline controls', () => {
  test('procMount: only Default (policy/check_procMount_baseline.go)', () => {
    const spec = { containers: [ok({}, { procMount: 'Unmasked' })] };
    expect(warnings(spec, B)).toEqual([WARNING('baseline', ['spec.containers[0].securityContext.procMount must be Default'])]);
    expect(warnings({ containers: [ok({}, { procMount: 'Default' })] }, B)).toEqual([]);
    // A pod in a user namespace may unmask /proc under baseline from 1.35 on, never under restricted (check_procMount_restricted.go).
    expect(warnings({ ...spec, hostUsers: false }, B)).toEqual([]);
    expect(warnings({ ...spec, hostUsers: false }, B, { version: 'v1.34' }))
      .toEqual([WARNING('baseline', ['spec.containers[0].securityContext.procMount must be Default'])]);
    expect(warnings({ ...spec, hostUsers: false }, R)).toEqual([WARNING('restricted', ['spec.containers[0].securityContext.procMount must be Default'])]);
  });

  test('SELinux: type only container_t, container_init_t, container_kvm_t (container_engine_t from 1.31); no user or role (check_seLinuxOptions.go)', () => {
    const spec = {
      securityContext: { seLinuxOptions: { type: 'spc_t' } },
      initContainers: [ok({ name: 'init' }, { seLinuxOptions: { user: 'system_u', role: 'system_r' } })],
      containers: [ok({}, { seLinuxOptions: { type: 'container_engine_t', level: 's0:c1,c2' } })],
    };
    expect(warnings(spec, B)).toEqual([WARNING('baseline', [
      'spec.securityContext.seLinuxOptions.type must be unset or one of container_t, container_init_t, container_kvm_t, container_engine_t',
      'spec.initContainers[0].securityContext.seLinuxOptions.user must not be set',
      'spec.initContainers[0].securityContext.seLinuxOptions.role must not be set',
    ])]);
    expect(warnings(spec, B, { version: 'v1.30' })).toEqual([WARNING('baseline', [
      'spec.securityContext.seLinuxOptions.type must be unset or one of container_t, container_init_t, container_kvm_t',
      'spec.initContainers[0].securityContext.seLinuxOptions.user must not be set',
      'spec.initContainers[0].securityContext.seLinuxOptions.role must not be set',
      'spec.containers[0].securityContext.seLinuxOptions.type must be unset or one of container_t, container_init_t, container_kvm_t',
    ])]);
    expect(warnings({ securityContext: { seLinuxOptions: { type: 'container_t', level: 's0' } }, containers: [ok()] }, B)).toEqual([]);
  });

  test('sysctls: only the safe set of the Kubernetes version (check_sysctls.go)', () => {
    const spec = { securityContext: { sysctls: [{ name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' }, { name: 'kernel.msgmax', value: '65536' }] }, containers: [ok()] };
    expect(warnings(spec, B)).toEqual([WARNING('baseline', [`spec.securityContext.sysctls[1].name must be a sysctl Kubernetes 1.36 deems safe: ${SAFE_36}`])]);
    expect(warnings(spec, B, { version: 'v1.31' })).toEqual([WARNING('baseline', [
      'spec.securityContext.sysctls[0].name must be a sysctl Kubernetes 1.31 deems safe: kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, '
        + 'net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, net.ipv4.ip_unprivileged_port_start, net.ipv4.ip_local_reserved_ports, '
        + 'net.ipv4.tcp_keepalive_time, net.ipv4.tcp_fin_timeout, net.ipv4.tcp_keepalive_intvl, net.ipv4.tcp_keepalive_probes',
      'spec.securityContext.sysctls[1].name must be a sysctl Kubernetes 1.31 deems safe: kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, '
        + 'net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, net.ipv4.ip_unprivileged_port_start, net.ipv4.ip_local_reserved_ports, '
        + 'net.ipv4.tcp_keepalive_time, net.ipv4.tcp_fin_timeout, net.ipv4.tcp_keepalive_intvl, net.ipv4.tcp_keepalive_probes',
    ])]);
  });

  test('AppArmor: the appArmorProfile field and the beta annotation, RuntimeDefault or Localhost only (check_appArmorProfile.go)', () => {
    const spec = { securityContext: { appArmorProfile: { type: 'Unconfined' } }, containers: [ok({}, { appArmorProfile: { type: 'Unconfined' } })] };
    const annotations = { 'container.apparmor.security.beta.kubernetes.io/agent': 'unconfined', 'container.apparmor.security.beta.kubernetes.io/x': 'localhost/k8s-x' };
    expect(warnings(spec, B, { annotations })).toEqual([WARNING('baseline', [
      'metadata.annotations["container.apparmor.security.beta.kubernetes.io/agent"] must be runtime/default or localhost/<profile>',
      'spec.securityContext.appArmorProfile.type must be RuntimeDefault or Localhost',
      'spec.containers[0].securityContext.appArmorProfile.type must be RuntimeDefault or Localhost',
    ])]);
    const fine = { securityContext: { appArmorProfile: { type: 'RuntimeDefault' } }, containers: [ok({}, { appArmorProfile: { type: 'Localhost', localhostProfile: 'k8s-x' } })] };
    expect(warnings(fine, B, { annotations: { 'container.apparmor.security.beta.kubernetes.io/agent': 'runtime/default', other: 'unconfined' } })).toEqual([]);
  });

  test('probes and lifecycle hooks: host must be unset or "", from 1.34 on (check_hostProbesAndhostLifecycle.go)', () => {
    const spec = {
      containers: [ok({
        readinessProbe: { httpGet: { host: '10.0.0.1', port: 8080 } },
        startupProbe: { tcpSocket: { host: 'metadata.internal', port: 80 } },
        livenessProbe: { httpGet: { host: '', port: 8080 } },
        lifecycle: { preStop: { httpGet: { host: '169.254.169.254', port: 80 } }, postStart: { tcpSocket: { host: 'db', port: 5432 } } },
      })],
    };
    expect(warnings(spec, B)).toEqual([WARNING('baseline', [
      'spec.containers[0].readinessProbe.httpGet.host must be unset or ""',
      'spec.containers[0].startupProbe.tcpSocket.host must be unset or ""',
      'spec.containers[0].lifecycle.postStart.tcpSocket.host must be unset or ""',
      'spec.containers[0].lifecycle.preStop.httpGet.host must be unset or ""',
    ])]);
    expect(warnings(spec, B, { version: 'v1.33' })).toEqual([]);
  });

  test('Windows HostProcess: windowsOptions.hostProcess must not be true (check_windowsHostProcess.go)', () => {
    const spec = {
      hostNetwork: true, os: { name: 'windows' }, securityContext: { windowsOptions: { hostProcess: true } },
      containers: [{ name: 'agent', image: 'agent:1', securityContext: { windowsOptions: { hostProcess: true } } }],
    };
    expect(warnings(spec, B)).toEqual([WARNING('baseline', [
      'spec.hostNetwork must not be true', 'spec.securityContext.windowsOptions.hostProcess must not be true',
      'spec.containers[0].securityContext.windowsOptions.hostProcess must not be true',
    ])]);
  });
});

describe('pod-security: the restricted controls', () => {
  test('volume types: the image volume is allowed, nfs is not (check_restrictedVolumes.go)', () => {
    const spec = { volumes: [{ name: 'tools', image: { reference: 'tools:1' } }, { name: 'share', nfs: { server: 'nfs', path: '/x' } }], containers: [ok()] };
    expect(warnings(spec, R)).toEqual([WARNING('restricted', ['spec.volumes[1].nfs must be one of configMap, csi, downwardAPI, emptyDir, ephemeral, image, '
      + 'persistentVolumeClaim, projected, secret'])]);
    expect(warnings(spec, B)).toEqual([]);
  });

  test('runAsUser 0 and runAsNonRoot false on the pod are rejected even where every container overrides them (check_runAsUser.go, check_runAsNonRoot.go)', () => {
    const spec = { securityContext: { runAsUser: 0, runAsNonRoot: false }, containers: [ok({}, { runAsUser: 1000 })] };
    expect(warnings(spec, R)).toEqual([WARNING('restricted', ['spec.securityContext.runAsNonRoot must not be false', 'spec.securityContext.runAsUser must not be 0'])]);
    expect(warnings({ containers: [ok({}, { runAsUser: 0, runAsNonRoot: false })] }, R)).toEqual([WARNING('restricted', [
      'spec.containers[0].securityContext.runAsNonRoot (or the pod\'s) must be true', 'spec.containers[0].securityContext.runAsUser must not be 0',
    ])]);
    // A pod in a user namespace may run as root from 1.35 on.
    expect(warnings({ ...spec, hostUsers: false }, R)).toEqual([]);
    expect(warnings({ ...spec, hostUsers: false }, R, { version: 'v1.34' }))
      .toEqual([WARNING('restricted', ['spec.securityContext.runAsNonRoot must not be false', 'spec.securityContext.runAsUser must not be 0'])]);
    // The pod's false is the pod's violation, not each container's too.
    expect(warnings({ securityContext: { runAsNonRoot: false }, containers: [ok({}, { runAsNonRoot: undefined })] }, R))
      .toEqual([WARNING('restricted', ['spec.securityContext.runAsNonRoot must not be false'])]);
    // The pod's runAsNonRoot true covers a container that does not say.
    expect(warnings({ securityContext: { runAsNonRoot: true }, containers: [ok({}, { runAsNonRoot: undefined })] }, R)).toEqual([]);
  });

  test('seccomp: each container\'s or the pod\'s RuntimeDefault or Localhost; an Unconfined one is reported once (check_seccompProfile_restricted.go)', () => {
    expect(warnings({ containers: [ok({}, { seccompProfile: undefined })] }, R))
      .toEqual([WARNING('restricted', ['spec.containers[0].securityContext.seccompProfile.type (or the pod\'s) must be RuntimeDefault or Localhost'])]);
    expect(warnings({ containers: [ok({}, { seccompProfile: { type: 'Unconfined' } })] }, R))
      .toEqual([WARNING('restricted', ['spec.containers[0].securityContext.seccompProfile.type must not be Unconfined'])]);
    expect(warnings({ securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } }, containers: [ok({}, { seccompProfile: undefined })] }, R))
      .toEqual([]);
  });

  test('a Windows pod needs no seccomp, capabilities or allowPrivilegeEscalation from 1.25 on (the API refuses them there)', () => {
    const spec = { os: { name: 'windows' }, securityContext: { runAsNonRoot: true }, containers: [{ name: 'agent', image: 'agent:1' }] };
    expect(warnings(spec, R)).toEqual([]);
    expect(warnings(spec, R, { version: 'v1.24' })).toEqual([WARNING('restricted', [
      'spec.containers[0].securityContext.allowPrivilegeEscalation must be false', 'spec.containers[0].securityContext.capabilities.drop must include ALL',
      'spec.containers[0].securityContext.seccompProfile.type (or the pod\'s) must be RuntimeDefault or Localhost',
    ])]);
  });
});

describe('the rules by Kubernetes version', () => {
  test('enforce-version: v1.N pins 1.N; latest, or anything else, is the newest the library knows', () => {
    expect([enforceVersion('v1.29'), enforceVersion('latest'), enforceVersion(undefined), enforceVersion('1.29'), enforceVersion('v2.1')])
      .toEqual([29, undefined, undefined, undefined, undefined]);
    expect(NEWEST_KUBERNETES_MINOR).toBe(36);
  });

  test('ZeroTrustNamespace podSecurityVersion writes the three version labels; without it none (latest); the label alone works too', () => {
    const app = testApp();
    const chart = new Chart(app, 'test');
    new ZeroTrustNamespace(chart, 'old', { podSecurityVersion: 'v1.30' });
    new ZeroTrustNamespace(chart, 'new');
    new ZeroTrustNamespace(chart, 'labelled', { labels: { 'pod-security.kubernetes.io/enforce-version': 'v1.33' } });
    const labels = (name: string) => synth(app).objects.find((o) => o.kind === 'Namespace' && o.metadata.name === name)!.metadata.labels;
    expect(labels('old')).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.30',
      'pod-security.kubernetes.io/audit-version': 'v1.30', 'pod-security.kubernetes.io/warn-version': 'v1.30',
    });
    expect(Object.keys(labels('new')).filter((k) => k.endsWith('-version'))).toEqual([]);
    expect(labels('labelled')['pod-security.kubernetes.io/enforce-version']).toBe('v1.33');
  });

  test('podSecurityVersion: "latest" or "v1.<minor>", as the API server parses it; not also in labels', () => {
    const chart = new Chart(testApp(), 'test');
    for (const bad of ['1.30', 'v1.030', 'v2.1', 'v1.x']) {
      expect(() => new ZeroTrustNamespace(chart, `ns-${bad.replace(/\W/g, '')}`, { podSecurityVersion: bad })).toThrow(
        `test/ns-${bad.replace(/\W/g, '')}: podSecurityVersion ${JSON.stringify(bad)} is invalid: must be "latest" or "v1.<minor>", such as "v1.30"`);
    }
    expect(() => new ZeroTrustNamespace(chart, 'latest', { podSecurityVersion: 'latest' })).not.toThrow();
    expect(() => new ZeroTrustNamespace(chart, 'both', {
      podSecurityVersion: 'v1.30', labels: { 'pod-security.kubernetes.io/warn-version': 'v1.31' },
    })).toThrow('test/both: labels["pod-security.kubernetes.io/warn-version"] "v1.31" is invalid: is set from podSecurityVersion ("v1.30") '
      + 'on enforce, audit and warn alike: give the version there only');
  });

  test('the safe sysctls and SELinux types grow at the versions upstream added them', () => {
    expect(safeSysctls(26)).toHaveLength(5);
    expect(safeSysctls(27)).toHaveLength(6);
    expect(safeSysctls(28)).toHaveLength(6);
    expect(safeSysctls(29)).toHaveLength(10);
    expect(safeSysctls(32)).toHaveLength(12);
    expect(safeSysctls(36).join(', ')).toBe(SAFE_36);
    expect(safeSysctls(37).slice(12)).toEqual(['net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat']);
    expect(seLinuxTypes(30)).toEqual(['container_t', 'container_init_t', 'container_kvm_t']);
    expect(seLinuxTypes(31)).toEqual(['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
  });

  test('an explicit version reaches every versioned rule', () => {
    const spec = {
      hostUsers: false, securityContext: { sysctls: [{ name: 'net.ipv4.tcp_slow_start_after_idle', value: '0' }] },
      containers: [ok({ readinessProbe: { httpGet: { host: 'x', port: 1 } } }, { procMount: 'Unmasked' })],
    };
    expect(podSecurityViolations(spec, 'baseline', { version: 37 })).toEqual([
      { field: 'containers[0].readinessProbe.httpGet.host', value: 'x', rule: 'must be unset or ""', loosening: 'probeHost' },
    ]);
    expect(podSecurityViolations(spec, 'baseline').map((v) => v.loosening)).toEqual(['unsafeSysctls', 'probeHost']);
    expect(podSecurityViolations(spec, 'baseline', { version: 33 }).map((v) => v.loosening)).toEqual(['unsafeSysctls', 'unmaskedProcMount']);
  });
});
