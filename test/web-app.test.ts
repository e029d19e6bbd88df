import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { ExternalTrafficPolicy, ServiceType, ValidationError, WebApp, ZeroTrustNamespace } from '../lib';
import { findConverters, kubeFields } from '../lib/util/kube-fields';
import { expectWarnings, find, ofKind, synth, testApp, validateManifest } from './util';

/** Synthesizes what `build` adds to chart `test`, expecting exactly the warnings named (`[check] path`). */
function appWith(warnings: string[], build: (chart: Chart) => void) {
  const app = testApp();
  const chart = new Chart(app, 'test');
  build(chart);
  return expectWarnings(warnings, () => synth(app));
}

/** A WebApp in a namespace no policy isolates (these tests leave out the ZeroTrustNamespace). */
const notIsolated = (...names: string[]) => names.map((n) => `[pod-networkpolicy] test/${n}/Deployment`);

describe('WebApp', () => {
  test('emits a Deployment and a ClusterIP Service named after the app, selecting app=<name>', () => {
    const { objects } = appWith(notIsolated('api'), (chart) => {
      new WebApp(chart, 'api', { namespace: 'production', image: 'ghcr.io/acme/api:1.4.2', containerPort: 3000 });
    });
    const svc = find(objects, 'Service', 'api', 'production');
    expect(svc.spec).toEqual({ type: 'ClusterIP', selector: { app: 'api' }, ports: [{ port: 80, targetPort: 3000 }] });
    const deploy = find(objects, 'Deployment', 'api', 'production');
    expect(deploy.spec.replicas).toBe(2);
    expect(deploy.spec.selector).toEqual({ matchLabels: { app: 'api' } });
    expect(deploy.spec.template.metadata.labels).toEqual({
      'app': 'api',
      'app.kubernetes.io/name': 'api',
      'app.kubernetes.io/part-of': 'production',
      'app.kubernetes.io/managed-by': 'cdk8s-networking',
    });
    const container = deploy.spec.template.spec.containers[0];
    expect(container.image).toBe('ghcr.io/acme/api:1.4.2');
    expect(container.ports).toEqual([{ containerPort: 3000, name: 'http' }]);
    expect(objects).toMatchSnapshot();
  });

  test('no cdk8s hash suffix or hashed address label anywhere', () => {
    const { files } = appWith(notIsolated('api'), (chart) => {
      new WebApp(chart, 'api', { namespace: 'production', image: 'nginx:1.27', containerPort: 8080 });
    });
    const text = Object.values(files).join('\n');
    expect(text).not.toMatch(/cdk8s\.io\/metadata\.addr/);
    expect(text).not.toMatch(/name: \S+-[0-9a-f]{8}\s/);
  });

  test('secure container defaults: non-root, read-only root fs, no escalation, no capabilities, seccomp, no token', () => {
    const { objects } = appWith(notIsolated('api'), (chart) => {
      new WebApp(chart, 'api', { namespace: 'production', image: 'nginx:1.27', containerPort: 8080 });
    });
    const pod = find(objects, 'Deployment', 'api').spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
    });
    expect(pod.containers[0].resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } });
    expect(pod.containers[0].readinessProbe.tcpSocket).toEqual({ port: 8080 });
  });

  test('explicit opt-outs loosen only what they name', () => {
    const { objects } = appWith(notIsolated('api'), (chart) => {
      new WebApp(chart, 'api', {
        namespace: 'production', image: 'nginx:1.27', containerPort: 8080,
        writableRootFilesystem: true, automountServiceAccountToken: true, runAsUser: 1000, healthCheckPath: '/healthz',
      });
    });
    const pod = find(objects, 'Deployment', 'api').spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: false, runAsUser: 1000, runAsNonRoot: true });
    expect(pod.containers[0].readinessProbe.httpGet).toEqual({ path: '/healthz', port: 8080, scheme: 'HTTP' });
    expect(pod.containers[0].livenessProbe.httpGet).toEqual({ path: '/healthz', port: 8080, scheme: 'HTTP' });
  });

  test('dnsName and url follow the Service name, namespace, cluster domain and port', () => {
    const app = testApp();
    const chart = new Chart(app, 'test');
    const ns = new ZeroTrustNamespace(chart, 'production');
    const api = new WebApp(chart, 'api', { namespace: ns, image: 'a:1', containerPort: 3000 });
    const admin = new WebApp(chart, 'admin', { namespace: 'ops', image: 'a:1', containerPort: 3000, servicePort: 8443, clusterDomain: 'corp.internal' });
    const named = new WebApp(chart, 'web', { namespace: ns, serviceName: 'web-service', image: 'a:1', containerPort: 80 });
    expect(api.dnsName).toBe('api.production.svc.cluster.local');
    expect(api.url).toBe('http://api.production.svc.cluster.local');
    expect(admin.url).toBe('http://admin.ops.svc.corp.internal:8443');
    expect(named.dnsName).toBe('web-service.production.svc.cluster.local');
    const front = new WebApp(chart, 'front', { namespace: ns, image: 'a:1', containerPort: 8080, env: { API_URL: api.url, ADMIN: admin.url } });
    front.allowTo(api);
    // front is handed admin's url with no flow to it; admin's namespace isolates nothing.
    const { objects } = expectWarnings(['[address-without-flow] test/front', '[pod-networkpolicy] test/admin/Deployment'], () => synth(app));
    expect(find(objects, 'Deployment', 'front').spec.template.spec.containers[0].env).toEqual([
      { name: 'ADMIN', value: 'http://admin.ops.svc.corp.internal:8443' },
      { name: 'API_URL', value: 'http://api.production.svc.cluster.local' },
    ]);
    expect(find(objects, 'Service', 'web-service').spec.selector).toEqual({ app: 'web' });
  });

  test('NodePort, LoadBalancer and headless services', () => {
    const { objects } = appWith(notIsolated('np', 'lb', 'hl', 'custom-range'), (chart) => {
      new WebApp(chart, 'np', { namespace: 'edge', image: 'a:1', containerPort: 8080, serviceType: ServiceType.NODE_PORT, nodePort: 30080, externalTrafficPolicy: ExternalTrafficPolicy.LOCAL });
      new WebApp(chart, 'lb', { namespace: 'edge', image: 'a:1', containerPort: 8080, serviceType: ServiceType.LOAD_BALANCER, loadBalancerSourceRanges: ['203.0.113.0/24'] });
      new WebApp(chart, 'hl', { namespace: 'edge', image: 'a:1', containerPort: 8080, serviceType: ServiceType.HEADLESS });
      new WebApp(chart, 'custom-range', { namespace: 'edge', image: 'a:1', containerPort: 8080, serviceType: ServiceType.NODE_PORT, nodePort: 20001, nodePortRange: { min: 20000, max: 22767 } });
    });
    expect(find(objects, 'Service', 'np').spec).toEqual({
      type: 'NodePort', selector: { app: 'np' }, externalTrafficPolicy: 'Local', ports: [{ port: 80, targetPort: 8080, nodePort: 30080 }],
    });
    expect(find(objects, 'Service', 'lb').spec).toMatchObject({ type: 'LoadBalancer', loadBalancerSourceRanges: ['203.0.113.0/24'] });
    expect(find(objects, 'Service', 'hl').spec).toMatchObject({ type: 'ClusterIP', clusterIP: 'None' });
    expect(find(objects, 'Service', 'custom-range').spec.ports[0].nodePort).toBe(20001);
    expect(ofKind(objects, 'Service')).toHaveLength(4);
  });

  test('replicas, env, command and resources are passed through in a stable order', () => {
    const { objects } = appWith(notIsolated('job'), (chart) => {
      new WebApp(chart, 'job', {
        namespace: 'batch', image: 'a:1', containerPort: 8080, replicas: 5, command: ['/bin/run'], args: ['--fast'],
        env: { Z_LAST: 'z', A_FIRST: 'a' },
        resources: { cpuRequestMillis: 250, cpuLimitMillis: 1000, memoryRequestMebibytes: 64, memoryLimitMebibytes: 64 },
      });
    });
    const d = find(objects, 'Deployment', 'job');
    expect(d.spec.replicas).toBe(5);
    const c = d.spec.template.spec.containers[0];
    expect(c.command).toEqual(['/bin/run']);
    expect(c.args).toEqual(['--fast']);
    expect(c.env.map((e: any) => e.name)).toEqual(['A_FIRST', 'Z_LAST']);
    expect(c.resources).toEqual({ requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '1000m', memory: '64Mi' } });
  });

  test('container and podSpec extras land as given; the secure defaults stay', () => {
    const { objects } = appWith([], (chart) => {
      const ns = new ZeroTrustNamespace(chart, 'production');
      new WebApp(chart, 'api', {
        namespace: ns, image: 'a:1', containerPort: 3000,
        container: { volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }], envFrom: [{ secretRef: { name: 'api-secrets' } }], imagePullPolicy: 'IfNotPresent' },
        podSpec: { volumes: [{ name: 'tmp', emptyDir: {} }], nodeSelector: { pool: 'web' }, serviceAccountName: 'api' },
      });
    });
    const pod = find(objects, 'Deployment', 'api', 'production').spec.template.spec;
    const container = pod.containers[0];
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(container.envFrom).toEqual([{ secretRef: { name: 'api-secrets' } }]);
    expect(container.imagePullPolicy).toBe('IfNotPresent');
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true, allowPrivilegeEscalation: false });
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
    expect(pod.nodeSelector).toEqual({ pool: 'web' });
    expect(pod.serviceAccountName).toBe('api');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
  });

  test('container and podSpec extras named as in cdk8s-plus-27\'s k8s types become Kubernetes JSON (names, Quantity, IntOrString)', () => {
    const { objects } = appWith([], (chart) => {
      new WebApp(chart, 'api', {
        namespace: new ZeroTrustNamespace(chart, 'production'), image: 'a:1', containerPort: 3000,
        container: { startupProbe: { httpGet: { path: '/up', port: k8s.IntOrString.fromNumber(3000) } }, volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }] },
        podSpec: {
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }],
          hostAliases: [{ ip: '10.0.0.1', hostnames: ['db'] }],
          dnsConfig: { nameservers: ['10.0.0.10'] },
          overhead: { cpu: k8s.Quantity.fromString('10m') },
        },
      });
    });
    const pod = find(objects, 'Deployment', 'api', 'production').spec.template.spec;
    expect(pod.containers[0].startupProbe).toEqual({ httpGet: { path: '/up', port: 3000 } });
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
    expect(pod.hostAliases).toEqual([{ ip: '10.0.0.1', hostnames: ['db'] }]);
    expect(pod.overhead).toEqual({ cpu: '10m' });
  });

  test('a field named as in cdk8s-plus-27 but not in Kubernetes JSON (setHostnameAsFqdn) is written by its JSON name', () => {
    const { objects } = appWith([], (chart) => {
      new WebApp(chart, 'api', { namespace: new ZeroTrustNamespace(chart, 'production'), image: 'a:1', containerPort: 3000, podSpec: { setHostnameAsFqdn: true, hostIpc: false } });
    });
    const pod = find(objects, 'Deployment', 'api', 'production').spec.template.spec;
    expect(pod.setHostnameAsFQDN).toBe(true);
    expect(pod.hostIPC).toBe(false);
    expect(pod).not.toHaveProperty('setHostnameAsFqdn');
  });

  test('container and podSpec extras cannot take over the fields WebApp sets (its secure defaults among them)', () => {
    const make = (extras: object) => () => appWith([], (chart) => {
      new WebApp(chart, 'api', { namespace: 'production', image: 'a:1', containerPort: 3000, ...extras });
    });
    expect(make({ container: { securityContext: { privileged: true } } }))
      .toThrow('test/api: container.securityContext {"privileged":true} is invalid: is set by WebApp itself (through its own props)');
    expect(make({ podSpec: { containers: [] } })).toThrow('test/api: podSpec.containers [] is invalid: is set by WebApp itself');
    expect(make({ podSpec: { automountServiceAccountToken: true } })).toThrow(/podSpec.automountServiceAccountToken true is invalid/);
  });

  test('a cdk8s-plus workload can sit next to WebApps', () => {
    const { objects } = appWith([...notIsolated('api'), '[pod-networkpolicy] test/legacy/Resource'], (chart) => {
      new WebApp(chart, 'api', { namespace: 'production', image: 'a:1', containerPort: 3000 });
      new kplus.Deployment(chart, 'legacy', { metadata: { name: 'legacy', namespace: 'production' }, containers: [{ image: 'b:1', portNumber: 8080 }] });
    });
    expect(ofKind(objects, 'Deployment').map((d) => d.metadata.name).sort()).toEqual(['api', 'legacy']);
  });
});

describe('container and podSpec fields are converted by the cdk8s-plus the project has', () => {
  const converters = (name: string) => ({
    toJson_Container: (o: any) => ({ converter: name, ...o }),
    toJson_PodSpec: (o: any) => ({ converter: name, ...o }),
  });
  const notFound = (id: string) => Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });

  test('the newest installed cdk8s-plus (33 down to 27) is used', () => {
    const has = (versions: string[]) => (id: string) => {
      const pkg = versions.find((v) => id === `cdk8s-plus-${v}/lib/imports/k8s`);
      if (!pkg) throw notFound(id);
      return converters(pkg);
    };
    expect(findConverters(has(['27', '33']))!.toJson_PodSpec({} as any)).toEqual({ converter: '33' });
    expect(findConverters(has(['27', '30']))!.toJson_PodSpec({} as any)).toEqual({ converter: '30' });
    expect(findConverters(has(['27']))!.toJson_PodSpec({} as any)).toEqual({ converter: '27' });
    expect(findConverters(has([]))).toBeUndefined();
  });

  test('a broken cdk8s-plus install is reported, not skipped', () => {
    expect(() => findConverters(() => { throw new SyntaxError('Unexpected token'); })).toThrow(SyntaxError);
  });

  test('without any cdk8s-plus, fields to convert are refused naming the construct, the field and what to install; none to convert need none', () => {
    const chart = new Chart(testApp(), 'test');
    const api = new ZeroTrustNamespace(chart, 'production');
    expect(() => kubeFields(api, 'podSpec', 'PodSpec', { hostIpc: false }, () => undefined))
      .toThrow('test/production: podSpec {"hostIpc":false} is invalid: fields named as in cdk8s-plus\'s k8s.PodSpec are converted by a cdk8s-plus package, '
        + 'and the project has none of cdk8s-plus-33, cdk8s-plus-32, cdk8s-plus-31, cdk8s-plus-30, cdk8s-plus-29, cdk8s-plus-28, cdk8s-plus-27: '
        + 'install the one the project uses (npm install cdk8s-plus-33)');
    expect(kubeFields(api, 'podSpec', 'PodSpec', undefined, () => undefined)).toEqual({});
    expect(kubeFields(api, 'podSpec', 'PodSpec', {}, () => undefined)).toEqual({});
  });
});

describe('container and podSpec extras are checked against the Kubernetes schema (a JavaScript program or config values have no type check)', () => {
  /** The error a WebApp with `extras` throws; a ValidationError, so an uncaught one prints its message without a stack trace. */
  const refusal = (extras: object): string => {
    const chart = new Chart(testApp(), 'shop');
    const ns = new ZeroTrustNamespace(chart, 'production');
    try {
      new WebApp(chart, 'x', { namespace: ns, image: 'a:1', containerPort: 80, ...extras });
    } catch (e) {
      expect(ValidationError.isValidationError(e)).toBe(true);
      return (e as Error).message;
    }
    throw new Error(`accepted ${JSON.stringify(extras)}`);
  };
  const SCHEMA = (type: string) => `, as the Kubernetes API's ${type} schema says (checked with kubernetes-models)`;

  test('a scalar of the wrong type is refused with its field path, its value and the type the API takes', () => {
    expect(refusal({ podSpec: { terminationGracePeriodSeconds: 'soon' } }))
      .toBe(`shop/x: podSpec.terminationGracePeriodSeconds "soon" is invalid: must be a whole number${SCHEMA('PodSpec')}`);
    expect(refusal({ podSpec: { tolerations: [{ key: 'spot', operator: 'Exists', tolerationSeconds: 1.5 }] } }))
      .toBe(`shop/x: podSpec.tolerations[0].tolerationSeconds 1.5 is invalid: must be a whole number${SCHEMA('PodSpec')}`);
    expect(refusal({ container: { volumeMounts: [{ name: 1, mountPath: '/tmp' }] } }))
      .toBe(`shop/x: container.volumeMounts[0].name 1 is invalid: must be a string${SCHEMA('Container')}`);
    // Named as the program names it (hostIpc), not as the YAML does (hostIPC).
    expect(refusal({ podSpec: { hostIpc: 'no' } })).toBe(`shop/x: podSpec.hostIpc "no" is invalid: must be true or false${SCHEMA('PodSpec')}`);
    expect(refusal({ podSpec: { priority: 2 ** 40 } }))
      .toBe(`shop/x: podSpec.priority 1099511627776 is invalid: must be a whole number from -2147483648 to 2147483647${SCHEMA('PodSpec')}`);
  });

  test('a map whose values are not strings is refused at the key', () => {
    expect(refusal({ podSpec: { nodeSelector: { zone: 5 } } })).toBe(`shop/x: podSpec.nodeSelector.zone 5 is invalid: must be a string${SCHEMA('PodSpec')}`);
    expect(refusal({ podSpec: { nodeSelector: { 'topology.kubernetes.io/zone': true } } }))
      .toBe(`shop/x: podSpec.nodeSelector["topology.kubernetes.io/zone"] true is invalid: must be a string${SCHEMA('PodSpec')}`);
  });

  test('a list that is not a list is refused, not a TypeError from inside cdk8s-plus', () => {
    expect(refusal({ podSpec: { volumes: 'x' } })).toBe(`shop/x: podSpec.volumes "x" is invalid: must be a list${SCHEMA('PodSpec')}`);
    expect(refusal({ podSpec: { volumes: [{ name: 'cfg', secret: { secretName: 'cfg', items: 'x' } }] } }))
      .toBe(`shop/x: podSpec.volumes[0].secret.items "x" is invalid: must be a list${SCHEMA('PodSpec')}`);
    expect(refusal({ container: { envFrom: { secretRef: { name: 's' } } } }))
      .toBe(`shop/x: container.envFrom {"secretRef":{"name":"s"}} is invalid: must be a list${SCHEMA('Container')}`);
  });

  test('a value the converter fails on where the schema sees nothing wrong is refused with the converter\'s word', () => {
    expect(refusal({ podSpec: { affinity: null } })).toBe('shop/x: podSpec.affinity null is invalid: cannot be converted by cdk8s-plus\'s k8s.toJson_PodSpec '
      + '(Cannot read properties of null (reading \'nodeAffinity\')): it must have the shape of cdk8s-plus\'s k8s.PodSpec '
      + '(a list where the type has a list, an object where it has an object)');
  });

  test('enums, required fields, quantities and int-or-strings are the API\'s', () => {
    expect(refusal({ container: { imagePullPolicy: 'Sometimes' } }))
      .toBe(`shop/x: container.imagePullPolicy "Sometimes" is invalid: must be one of Always, IfNotPresent, Never${SCHEMA('Container')}`);
    expect(refusal({ container: { volumeMounts: [{ name: 'tmp' }] } }))
      .toBe(`shop/x: container.volumeMounts[0] {"name":"tmp"} is invalid: must have the field mountPath${SCHEMA('Container')}`);
    expect(refusal({ podSpec: { overhead: { cpu: k8s.Quantity.fromString('10 m') } } }))
      .toBe(`shop/x: podSpec.overhead.cpu "10 m" is invalid: must be a number or a quantity string such as "64Mi", "1.5" or "250m"${SCHEMA('PodSpec')}`);
    expect(refusal({ container: { startupProbe: { httpGet: { port: k8s.IntOrString.fromNumber(80.5) } } } }))
      .toBe(`shop/x: container.startupProbe.httpGet.port 80.5 is invalid: must be a string or a whole number${SCHEMA('Container')}`);
  });

  test('extras that are not an object of fields are refused', () => {
    expect(refusal({ podSpec: 'x' })).toBe('shop/x: podSpec "x" is invalid: must be an object of fields of cdk8s-plus\'s k8s.PodSpec');
    expect(refusal({ container: [] })).toBe('shop/x: container [] is invalid: must be an object of fields of cdk8s-plus\'s k8s.Container');
  });

  test('valid extras of every kind pass, land as given and pass schema validation', () => {
    const { objects } = appWith([], (chart) => {
      new WebApp(chart, 'api', {
        namespace: new ZeroTrustNamespace(chart, 'production'), image: 'a:1', containerPort: 3000,
        container: {
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp', readOnly: false }], imagePullPolicy: 'IfNotPresent', workingDir: '/app',
          startupProbe: { httpGet: { path: '/up', port: k8s.IntOrString.fromString('http') }, periodSeconds: 5 },
          lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
        },
        podSpec: {
          terminationGracePeriodSeconds: 45, nodeSelector: { 'topology.kubernetes.io/zone': 'eu-1a' }, priorityClassName: 'web',
          tolerations: [{ key: 'spot', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 60 }], hostIpc: false,
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }], overhead: { cpu: k8s.Quantity.fromNumber(0.5) },
        },
      });
    });
    const pod = find(objects, 'Deployment', 'api', 'production').spec.template.spec;
    expect(pod.terminationGracePeriodSeconds).toBe(45);
    expect(pod.nodeSelector).toEqual({ 'topology.kubernetes.io/zone': 'eu-1a' });
    expect(pod.tolerations).toEqual([{ key: 'spot', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 60 }]);
    expect(pod.overhead).toEqual({ cpu: 0.5 });
    expect(pod.hostIPC).toBe(false);
    expect(pod.containers[0].startupProbe).toEqual({ httpGet: { path: '/up', port: 'http' }, periodSeconds: 5 });
    expect(pod.containers[0].workingDir).toBe('/app');
  });

  test('the first schema error is reported; the stand-ins for what WebApp sets are not', () => {
    const chart = new Chart(testApp(), 'shop');
    const ns = new ZeroTrustNamespace(chart, 'production');
    const seen: object[] = [];
    const check = (type: string, json: object) => {
      seen.push({ type, json });
      return [
        { instancePath: '/volumes/0', keyword: 'required', params: { missingProperty: 'name' } },
        { instancePath: '/dnsPolicy', keyword: 'type', params: { type: 'string' } },
      ];
    };
    expect(() => kubeFields(ns, 'podSpec', 'PodSpec', { volumes: [{ emptyDir: {} }], dnsPolicy: 1 }, undefined, () => check))
      .toThrow('shop/production: podSpec.volumes[0] {"emptyDir":{}} is invalid: must have the field name' + SCHEMA('PodSpec'));
    expect(seen).toEqual([{ type: 'PodSpec', json: { containers: [], dnsPolicy: 1, volumes: [{ emptyDir: {} }] } }]);
    expect(kubeFields(ns, 'container', 'Container', { workingDir: '/app' }, undefined, () => () => [])).toEqual({ workingDir: '/app' });
  });
});

describe('the test validator refuses field names the Kubernetes API does not know (kubernetes-models accepts them)', () => {
  const deployment = (podSpec: object) => ({
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'api', namespace: 'production', labels: { 'any.example/key': 'v' } },
    spec: {
      selector: { matchLabels: { app: 'api' } },
      template: {
        metadata: { labels: { app: 'api' } },
        spec: { containers: [{ name: 'api', image: 'a:1', resources: { limits: { 'example.com/gpu': '1' } } }], nodeSelector: { 'pool.example/name': 'web' }, ...podSpec },
      },
    },
  });

  test('a name spelt as in cdk8s-plus\'s types, not as in the API, is refused with its path', () => {
    expect(() => validateManifest(deployment({ setHostnameAsFqdn: true })))
      .toThrow('Deployment production/api has a field the Kubernetes API does not know: /spec/template/spec/setHostnameAsFqdn');
    expect(() => validateManifest(deployment({ hostIpc: true }))).toThrow('/spec/template/spec/hostIpc');
  });

  test('the API\'s own names pass, and the keys of maps (labels, node selectors, resource names) are not field names', () => {
    expect(() => validateManifest(deployment({ setHostnameAsFQDN: true, hostIPC: false }))).not.toThrow();
    expect(() => validateManifest({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'api' }, spec: { selector: { 'any/key': 'v' }, ports: [{ port: 80 }] } }))
      .not.toThrow();
  });
});
