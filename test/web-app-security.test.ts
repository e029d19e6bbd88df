import { ApiObject, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import type { WebAppProps } from '../lib';
import { PodSecurityLevel, WebApp, ZeroTrustNamespace } from '../lib';
import { podSecurityViolations } from '../lib/util/pod-security';
import { captureWarnings, find, synth, testApp } from './util';

/**
 * WebApp's pod meets Pod Security "restricted" and keeps a read-only root filesystem; `podSpec`
 * may loosen it only through a named opt-out (`securityOptOuts`, `writableRootFilesystem`).
 */

/** Synthesizes a WebApp `w` with `extras` in zero-trust namespace `prod` of the given level: the objects and every warning, whole. */
function build(extras: Partial<WebAppProps>, level = PodSecurityLevel.PRIVILEGED) {
  const app = testApp();
  const chart = new Chart(app, 'test');
  const ns = new ZeroTrustNamespace(chart, 'prod', { podSecurity: level });
  new WebApp(chart, 'w', { namespace: ns, image: 'a:1', containerPort: 8080, ...extras });
  const { result, warnings } = captureWarnings(() => synth(app));
  return { pod: find(result.objects, 'Deployment', 'w', 'prod').spec.template.spec, warnings };
}

/** The error a WebApp with `extras` fails with. */
function refusal(extras: Partial<WebAppProps>): string {
  try {
    build(extras);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the WebApp to be refused');
}

const ALL_OPT_OUTS = 'hostPid, hostIpc, hostPath, hostPort, privileged, addCapabilities, unconfinedSeccomp, allowPrivilegeEscalation, runAsRoot, '
  + 'volumeTypes, unmaskedProcMount, seLinuxOptions, unconfinedAppArmor, probeHost';
const side = (securityContext: object, more: object = {}) => ({ initContainers: [{ name: 'side', image: 'b:1', restartPolicy: 'Always', securityContext, ...more }] });
const OPT = (key: string, allow = 'true') => `; to allow it, set securityOptOuts: { ${key}: ${allow} }`;
const NSENTER = 'the pods would share the node\'s process namespace, and with a privileged container enter the node\'s network namespace '
  + '(nsenter -t 1 -n), where no NetworkPolicy applies';

/** Each loosening: the extras, the whole refusal, the opt-out that allows it, and where it lands. */
const CASES: { name: string; podSpec: object; message: string; optOut: WebAppProps['securityOptOuts']; lands: (pod: any) => unknown; expected: unknown }[] = [
  {
    name: 'hostPid', podSpec: { hostPid: true }, optOut: { hostPid: true }, lands: (pod) => pod.hostPID, expected: true,
    message: `test/w: podSpec.hostPid true is invalid: must not be true (Pod Security "baseline"): ${NSENTER}${OPT('hostPid')}`,
  },
  {
    name: 'hostIpc', podSpec: { hostIpc: true }, optOut: { hostIpc: true }, lands: (pod) => pod.hostIPC, expected: true,
    message: 'test/w: podSpec.hostIpc true is invalid: must not be true (Pod Security "baseline"): the pods would share the node\'s IPC namespace '
      + `and its shared memory${OPT('hostIpc')}`,
  },
  {
    name: 'hostPath', podSpec: { volumes: [{ name: 'root', hostPath: { path: '/' } }] }, optOut: { hostPath: true },
    lands: (pod) => pod.volumes, expected: [{ name: 'root', hostPath: { path: '/' } }],
    message: 'test/w: podSpec.volumes[0].hostPath {"path":"/"} is invalid: must not be used (Pod Security "baseline"): a hostPath volume puts the '
      + `node's filesystem in the pods${OPT('hostPath')}`,
  },
  {
    name: 'hostPort', podSpec: side({}, { ports: [{ containerPort: 9000, hostPort: 9000 }] }), optOut: { hostPort: true },
    lands: (pod) => pod.initContainers[0].ports, expected: [{ containerPort: 9000, hostPort: 9000 }],
    message: 'test/w: podSpec.initContainers[0].ports[0].hostPort 9000 is invalid: must not be set (Pod Security "baseline"): a host port opens '
      + `the pod on a port of the node's own address${OPT('hostPort')}`,
  },
  {
    name: 'privileged', podSpec: side({ privileged: true }), optOut: { privileged: true },
    lands: (pod) => pod.initContainers[0].securityContext,
    // allowPrivilegeEscalation stays unset: the API server refuses false next to privileged.
    expected: { privileged: true, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
    message: 'test/w: podSpec.initContainers[0].securityContext.privileged true is invalid: must not be true (Pod Security "baseline"): a '
      + `privileged container has every capability and the node's devices${OPT('privileged')}`,
  },
  {
    name: 'addCapabilities (beyond baseline)', podSpec: side({ capabilities: { add: ['NET_ADMIN'] } }), optOut: { addCapabilities: ['NET_ADMIN'] },
    lands: (pod) => pod.initContainers[0].securityContext.capabilities, expected: { add: ['NET_ADMIN'], drop: ['ALL'] },
    message: 'test/w: podSpec.initContainers[0].securityContext.capabilities.add ["NET_ADMIN"] is invalid: must not add NET_ADMIN (Pod Security '
      + `"baseline"): each capability widens what the container may do to the node's kernel${OPT('addCapabilities', '["NET_ADMIN"]')}`,
  },
  {
    name: 'addCapabilities (baseline, not restricted)', podSpec: side({ capabilities: { add: ['NET_BIND_SERVICE', 'CHOWN'] } }), optOut: { addCapabilities: ['CHOWN'] },
    lands: (pod) => pod.initContainers[0].securityContext.capabilities, expected: { add: ['NET_BIND_SERVICE', 'CHOWN'], drop: ['ALL'] },
    message: 'test/w: podSpec.initContainers[0].securityContext.capabilities.add ["NET_BIND_SERVICE","CHOWN"] is invalid: must not add CHOWN '
      + `(Pod Security "restricted"): each capability widens what the container may do to the node's kernel${OPT('addCapabilities', '["CHOWN"]')}`,
  },
  {
    name: 'unconfinedSeccomp', podSpec: side({ seccompProfile: { type: 'Unconfined' } }), optOut: { unconfinedSeccomp: true },
    lands: (pod) => pod.initContainers[0].securityContext.seccompProfile, expected: { type: 'Unconfined' },
    message: 'test/w: podSpec.initContainers[0].securityContext.seccompProfile.type "Unconfined" is invalid: must not be Unconfined (Pod Security '
      + `"baseline"): without a seccomp profile every system call reaches the node's kernel${OPT('unconfinedSeccomp')}`,
  },
  {
    name: 'allowPrivilegeEscalation', podSpec: side({ allowPrivilegeEscalation: true }), optOut: { allowPrivilegeEscalation: true },
    lands: (pod) => pod.initContainers[0].securityContext.allowPrivilegeEscalation, expected: true,
    message: 'test/w: podSpec.initContainers[0].securityContext.allowPrivilegeEscalation true is invalid: must be false (Pod Security '
      + `"restricted"): a process could gain more privileges than its parent (setuid binaries)${OPT('allowPrivilegeEscalation')}`,
  },
  {
    name: 'runAsRoot (runAsNonRoot false)', podSpec: side({ runAsNonRoot: false }), optOut: { runAsRoot: true },
    lands: (pod) => pod.initContainers[0].securityContext.runAsNonRoot, expected: false,
    message: 'test/w: podSpec.initContainers[0].securityContext.runAsNonRoot false is invalid: must be true (Pod Security "restricted"): a process '
      + `that runs as root in the container is root on the node once it escapes${OPT('runAsRoot')}`,
  },
  {
    name: 'runAsRoot (runAsUser 0)', podSpec: side({ runAsNonRoot: false, runAsUser: 0 }), optOut: { runAsRoot: true },
    lands: (pod) => pod.initContainers[0].securityContext.runAsUser, expected: 0,
    message: 'test/w: podSpec.initContainers[0].securityContext.runAsNonRoot false is invalid: must be true (Pod Security "restricted"): a process '
      + `that runs as root in the container is root on the node once it escapes${OPT('runAsRoot')}`,
  },
  {
    name: 'volumeTypes', podSpec: { volumes: [{ name: 'share', nfs: { server: 'nfs', path: '/x' } }] }, optOut: { volumeTypes: true },
    lands: (pod) => pod.volumes, expected: [{ name: 'share', nfs: { server: 'nfs', path: '/x' } }],
    message: 'test/w: podSpec.volumes[0].nfs {"path":"/x","server":"nfs"} is invalid: must be one of configMap, csi, downwardAPI, emptyDir, ephemeral, '
      + 'image, persistentVolumeClaim, projected, secret (Pod Security "restricted"): the node itself mounts such a volume, with its own kernel drivers '
      + `and credentials${OPT('volumeTypes')}`,
  },
  {
    name: 'unmaskedProcMount', podSpec: side({ procMount: 'Unmasked' }), optOut: { unmaskedProcMount: true },
    lands: (pod) => pod.initContainers[0].securityContext.procMount, expected: 'Unmasked',
    message: 'test/w: podSpec.initContainers[0].securityContext.procMount "Unmasked" is invalid: must be Default (Pod Security "baseline"): an unmasked '
      + `/proc shows the container the node's kernel settings (/proc/sys, /proc/sysrq-trigger)${OPT('unmaskedProcMount')}`,
  },
  {
    name: 'seLinuxOptions (type)', podSpec: side({ seLinuxOptions: { type: 'spc_t' } }), optOut: { seLinuxOptions: true },
    lands: (pod) => pod.initContainers[0].securityContext.seLinuxOptions, expected: { type: 'spc_t' },
    message: 'test/w: podSpec.initContainers[0].securityContext.seLinuxOptions.type "spc_t" is invalid: must be unset or one of container_t, '
      + 'container_init_t, container_kvm_t, container_engine_t (Pod Security "baseline"): a custom SELinux type, user or role can lift the container '
      + `out of the container_t confinement${OPT('seLinuxOptions')}`,
  },
  {
    name: 'seLinuxOptions (user)', podSpec: side({ seLinuxOptions: { user: 'system_u' } }), optOut: { seLinuxOptions: true },
    lands: (pod) => pod.initContainers[0].securityContext.seLinuxOptions, expected: { user: 'system_u' },
    message: 'test/w: podSpec.initContainers[0].securityContext.seLinuxOptions.user "system_u" is invalid: must not be set (Pod Security "baseline"): '
      + `a custom SELinux type, user or role can lift the container out of the container_t confinement${OPT('seLinuxOptions')}`,
  },
  {
    name: 'unconfinedAppArmor', podSpec: side({ appArmorProfile: { type: 'Unconfined' } }), optOut: { unconfinedAppArmor: true },
    lands: (pod) => pod.initContainers[0].securityContext.appArmorProfile, expected: { type: 'Unconfined' },
    message: 'test/w: podSpec.initContainers[0].securityContext.appArmorProfile.type "Unconfined" is invalid: must be RuntimeDefault or Localhost '
      + `(Pod Security "baseline"): without an AppArmor profile the container loses the runtime's default confinement${OPT('unconfinedAppArmor')}`,
  },
  {
    name: 'probeHost', podSpec: side({}, { startupProbe: { httpGet: { host: '169.254.169.254', port: k8s.IntOrString.fromNumber(80) } } }), optOut: { probeHost: true },
    lands: (pod) => pod.initContainers[0].startupProbe, expected: { httpGet: { host: '169.254.169.254', port: 80 } },
    message: 'test/w: podSpec.initContainers[0].startupProbe.httpGet.host "169.254.169.254" is invalid: must be unset or "" (Pod Security "baseline"): '
      + `the kubelet would connect from the node to that host, a connection no NetworkPolicy governs${OPT('probeHost')}`,
  },
];

describe('WebApp refuses podSpec settings below Pod Security baseline or restricted, unless a named opt-out allows them', () => {
  test.each(CASES)('$name', ({ podSpec, message, optOut, lands, expected }) => {
    expect(refusal({ podSpec })).toBe(message);
    // The opt-out of another loosening does not allow it.
    const other: WebAppProps['securityOptOuts'] = 'hostIpc' in optOut! ? { hostPid: true } : { hostIpc: true };
    expect(refusal({ podSpec, securityOptOuts: other })).toBe(message);
    const { pod, warnings } = build({ podSpec, securityOptOuts: optOut });
    expect(lands(pod)).toEqual(expected);
    expect(warnings).toEqual([]);
  });

  test('the restricted defaults of a ZeroTrustNamespace still judge an opted-out pod: pod-security warns', () => {
    const { warnings } = build({ podSpec: { hostIpc: true }, securityOptOuts: { hostIpc: true } }, PodSecurityLevel.RESTRICTED);
    expect(warnings).toEqual(['[pod-security] test/w/Deployment: Deployment prod/w spec.template.spec "w" is accepted, but: namespace "prod" enforces '
      + 'Pod Security "restricted" and the API server rejects these pods: spec.template.spec.hostIPC must not be true. Fix: set those fields (with cdk8s-plus: '
      + 'securityContext { ensureNonRoot: true, allowPrivilegeEscalation: false }, and ApiObject.of(workload).addJsonPatch() for capabilities.drop '
      + '["ALL"] and seccompProfile RuntimeDefault), or lower the namespace\'s level (ZeroTrustNamespace podSecurity) (to accept it, annotate '
      + 'Deployment prod/w with cdk8s-networking.io/skip-checks: pod-security)']);
  });

  test('a container given in podSpec gets the app container\'s defaults under its own fields, and passes restricted', () => {
    const { pod, warnings } = build({ podSpec: side({ runAsUser: 1000, capabilities: { add: ['NET_BIND_SERVICE'] } }) }, PodSecurityLevel.RESTRICTED);
    expect(warnings).toEqual([]);
    expect(pod.initContainers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsUser: 1000,
      capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
    });
    expect(podSecurityViolations(pod, 'restricted')).toEqual([]);
  });

  test('CAP_SYS_ADMIN leaves privilege escalation unset (the API server refuses false next to it)', () => {
    const { pod } = build({ podSpec: side({ capabilities: { add: ['SYS_ADMIN'] } }), securityOptOuts: { addCapabilities: ['SYS_ADMIN'] } });
    expect(pod.initContainers[0].securityContext).toEqual({ privileged: false, readOnlyRootFilesystem: true, capabilities: { add: ['SYS_ADMIN'], drop: ['ALL'] } });
  });

  test('a read-only root filesystem: readOnlyRootFilesystem false only with writableRootFilesystem, which also makes it the default', () => {
    expect(refusal({ podSpec: side({ readOnlyRootFilesystem: false }) })).toBe('test/w: podSpec.initContainers[0].securityContext.readOnlyRootFilesystem '
      + 'false is invalid: must not be false: containers run with a read-only root filesystem; to allow it, set writableRootFilesystem: true');
    const opted = build({ podSpec: side({ readOnlyRootFilesystem: false }), writableRootFilesystem: true });
    expect(opted.pod.initContainers[0].securityContext.readOnlyRootFilesystem).toBe(false);
    const { pod } = build({ podSpec: side({}), writableRootFilesystem: true });
    expect(pod.initContainers[0].securityContext.readOnlyRootFilesystem).toBe(false);
    expect(pod.containers[0].securityContext.readOnlyRootFilesystem).toBe(false);
  });

  test('capabilities.drop must keep ALL: a capability the container needs is added back instead', () => {
    expect(refusal({ podSpec: side({ capabilities: { drop: ['NET_RAW'] } }) })).toBe('test/w: podSpec.initContainers[0].securityContext.capabilities.drop '
      + '["NET_RAW"] is invalid: must include ALL, as Pod Security "restricted" requires: add back what the container needs in capabilities.add '
      + '(and securityOptOuts.addCapabilities)');
  });

  test('runAsUser 0 under the pod\'s runAsNonRoot would not start: refused even with the opt-out', () => {
    expect(refusal({ podSpec: side({ runAsUser: 0 }), securityOptOuts: { runAsRoot: true } })).toBe('test/w: podSpec.initContainers[0].securityContext.'
      + 'runAsUser 0 is invalid: cannot start: the pod\'s runAsNonRoot true stops a container that runs as root; set runAsNonRoot: false on the container as well');
  });

  test('the probe: a privileged sidecar with hostPID, hostIPC and the node\'s root is refused field by field', () => {
    const podSpec = {
      hostPid: true, hostIpc: true, volumes: [{ name: 'root', hostPath: { path: '/' } }],
      initContainers: [{ name: 'side', image: 'y:1', restartPolicy: 'Always', securityContext: { privileged: true, runAsUser: 0, runAsNonRoot: false } }],
    };
    const container = { volumeMounts: [{ name: 'root', mountPath: '/host' }] };
    expect(refusal({ podSpec, container })).toBe(CASES[0].message);
    expect(refusal({ podSpec, container, securityOptOuts: { hostPid: true, hostIpc: true, hostPath: true } })).toBe(CASES[4].message);
    expect(refusal({ podSpec, container, securityOptOuts: { hostPid: true, hostIpc: true, hostPath: true, privileged: true } }))
      .toBe('test/w: podSpec.initContainers[0].securityContext.runAsNonRoot false is invalid: must be true (Pod Security "restricted"): a process that '
        + `runs as root in the container is root on the node once it escapes${OPT('runAsRoot')}`);
    const all = { hostPid: true, hostIpc: true, hostPath: true, privileged: true, runAsRoot: true };
    const { warnings } = build({ podSpec, container, securityOptOuts: all });
    // Allowed by name, and still reported: these pods can leave the policies behind.
    expect(warnings).toEqual([ESCAPE('test/w/Deployment', 'Deployment prod/w', 'spec.template.spec', 'initContainers[0].securityContext.privileged')]);
  });

  test('the app container\'s own extras: a lifecycle hook or startup probe with a host needs probeHost, named by its container field', () => {
    const port = (n: number) => k8s.IntOrString.fromNumber(n);
    const container = { lifecycle: { preStop: { tcpSocket: { host: 'db', port: port(5432) } } }, startupProbe: { httpGet: { host: 'x', port: port(80) } } };
    expect(refusal({ container })).toBe('test/w: container.startupProbe.httpGet.host "x" is invalid: must be unset or "" (Pod Security "baseline"): '
      + `the kubelet would connect from the node to that host, a connection no NetworkPolicy governs${OPT('probeHost')}`);
    const { pod, warnings } = build({ container, securityOptOuts: { probeHost: true } });
    expect(pod.containers[0].lifecycle).toEqual({ preStop: { tcpSocket: { host: 'db', port: 5432 } } });
    expect(pod.containers[0].startupProbe).toEqual({ httpGet: { host: 'x', port: 80 } });
    expect(warnings).toEqual([]);
    // Baseline itself rejects it: the namespace's check says so even with the opt-out.
    expect(build({ container, securityOptOuts: { probeHost: true } }, PodSecurityLevel.BASELINE).warnings).toEqual([
      '[pod-security] test/w/Deployment: Deployment prod/w spec.template.spec "w" is accepted, but: namespace "prod" enforces Pod Security "baseline" '
      + 'and the API server rejects these pods: spec.template.spec.containers[0].startupProbe.httpGet.host must be unset or ""; '
      + 'spec.template.spec.containers[0].lifecycle.preStop.tcpSocket.host must be unset or "". Fix: set those fields (with cdk8s-plus: securityContext { ensureNonRoot: true, allowPrivilegeEscalation: '
      + 'false }, and ApiObject.of(workload).addJsonPatch() for capabilities.drop ["ALL"] and seccompProfile RuntimeDefault), or lower the namespace\'s '
      + 'level (ZeroTrustNamespace podSecurity) (to accept it, annotate Deployment prod/w with cdk8s-networking.io/skip-checks: pod-security)',
    ]);
  });

  test('Windows hostProcess has no opt-out: it needs the host network, which WebApp refuses', () => {
    const message = 'test/w: podSpec.initContainers[0].securityContext.windowsOptions.hostProcess true is invalid: must not be true (Pod Security '
      + '"baseline"): a HostProcess container runs on the node, and the API server requires hostNetwork with it, where NetworkPolicies do not apply; '
      + 'run such a workload with cdk8s-plus and Peer.nodes()';
    const podSpec = side({ windowsOptions: { hostProcess: true } });
    expect(refusal({ podSpec })).toBe(message);
    expect(refusal({ podSpec, securityOptOuts: { privileged: true, hostPath: true } })).toBe(message);
  });

  test('sysctls are the pod\'s securityContext, which WebApp writes itself', () => {
    expect(refusal({ podSpec: { securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] } } })).toBe('test/w: podSpec.securityContext '
      + '{"sysctls":[{"name":"kernel.msgmax","value":"1"}]} is invalid: is set by WebApp itself (through its own props): containers, securityContext, '
      + 'automountServiceAccountToken cannot be given in podSpec');
  });

  test('the opt-outs are checked', () => {
    expect(refusal({ securityOptOuts: { hostPID: true } as any })).toBe('test/w: securityOptOuts.hostPID true is invalid: is not an opt-out: the opt-outs '
      + `are ${ALL_OPT_OUTS}`);
    expect(refusal({ securityOptOuts: { privileged: 'yes' } as any })).toBe('test/w: securityOptOuts.privileged "yes" is invalid: must be true or false');
    expect(refusal({ securityOptOuts: { addCapabilities: 'NET_ADMIN' } as any }))
      .toBe('test/w: securityOptOuts.addCapabilities "NET_ADMIN" is invalid: must be a list of capability names, e.g. ["NET_ADMIN"]');
    expect(refusal({ securityOptOuts: { addCapabilities: ['net_admin'] } }))
      .toBe('test/w: securityOptOuts.addCapabilities[0] "net_admin" is invalid: must be a capability name in capitals, e.g. "NET_ADMIN"');
    expect(refusal({ securityOptOuts: [] as any })).toBe(`test/w: securityOptOuts [] is invalid: must be an object of ${ALL_OPT_OUTS}`);
    // An opt-out that is false allows nothing.
    expect(refusal({ podSpec: { hostPid: true }, securityOptOuts: { hostPid: false } })).toBe(CASES[0].message);
  });
});

const ESCAPE = (path: string, ref: string, at: string, escape: string) => `[pod-networkpolicy] ${path}: ${ref} ${at}.hostPID true is accepted, but: with `
  + `${at}.${escape} the pods can enter the node's network namespace (nsenter -t 1 -n into the node's PID 1), where no NetworkPolicy isolates them: `
  + 'their traffic from there is the node\'s, so undeclared connections may be admitted. Fix: drop hostPID or the privilege (privileged, CAP_SYS_ADMIN), '
  + `or declare the flows of the nodes (Peer.nodes()) instead of these pods (to accept it, annotate ${ref} with cdk8s-networking.io/skip-checks: pod-networkpolicy)`;

describe('pod-networkpolicy: pods that can enter the node\'s network namespace, whatever the Pod Security level', () => {
  const handWritten = (spec: object) => {
    const app = testApp();
    const chart = new Chart(app, 'test');
    new ZeroTrustNamespace(chart, 'prod', { podSecurity: PodSecurityLevel.PRIVILEGED });
    new ApiObject(chart, 'agent', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'agent', namespace: 'prod' },
      spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec } },
    });
    return captureWarnings(() => synth(app)).warnings;
  };
  const container = (securityContext: object) => ({ name: 'agent', image: 'agent:1', securityContext });

  test('hostPID with a privileged container, or one adding SYS_ADMIN or ALL', () => {
    expect(handWritten({ hostPID: true, containers: [container({ privileged: true })] }))
      .toEqual([ESCAPE('test/agent', 'Deployment prod/agent', 'spec.template.spec', 'containers[0].securityContext.privileged')]);
    for (const add of [['SYS_ADMIN'], ['CAP_SYS_ADMIN'], ['ALL']]) {
      expect(handWritten({ hostPID: true, containers: [container({}), container({ capabilities: { add } })] }))
        .toEqual([ESCAPE('test/agent', 'Deployment prod/agent', 'spec.template.spec', 'containers[1].securityContext.capabilities.add')]);
    }
  });

  test('neither hostPID alone nor privilege alone', () => {
    expect(handWritten({ hostPID: true, containers: [container({ capabilities: { add: ['NET_ADMIN'] } })] })).toEqual([]);
    expect(handWritten({ hostPID: false, containers: [container({ privileged: true })] })).toEqual([]);
    expect(handWritten({ containers: [container({ privileged: true, capabilities: { add: ['SYS_ADMIN'] } })] })).toEqual([]);
  });
});
