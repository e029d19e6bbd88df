/**
 * Regressions found by the robustness suite, each reduced to the smallest program that showed it.
 */
import { Chart } from 'cdk8s';
import type { RouteOptions } from '../../lib';
import { ApiGateway, RoutingApi, IngressController, Peer, Port, ServiceType, Tls, WebApp, ZeroTrustNamespace } from '../../lib';
import { expectWarnings, find, synth, testApp } from '../util';

describe('regressions', () => {
  /**
   * Policy names are Kubernetes object names (253 characters, no limit per dot-separated part),
   * but were checked as DNS names (63 characters per label): two apps with ordinary names could
   * not have a flow, because `allow-<a>-egress-to-<b>` passed 63 characters.
   */
  test('a flow between apps with long names gets its policies (names over 63 characters, no dot)', () => {
    const app = testApp();
    const chart = new Chart(app, 'shop');
    const prod = new ZeroTrustNamespace(chart, 'production');
    const dispatcher = new WebApp(chart, 'notification-dispatcher', { namespace: prod, image: 'a:1', containerPort: 3000 });
    const processor = new WebApp(chart, 'payment-processor-service', { namespace: prod, image: 'a:1', containerPort: 8080 });
    processor.allowFrom(dispatcher);
    dispatcher.allowEgressTo(Peer.cidr('2001:db8:1234:5678::/64'), Port.tcp(443));
    const { objects } = synth(app);
    const egress = 'allow-notification-dispatcher-egress-to-payment-processor-service';
    expect(egress.length).toBeGreaterThan(63);
    expect(find(objects, 'NetworkPolicy', egress, 'production').spec.egress[0].ports).toEqual([{ port: 8080 }]);
    expect(find(objects, 'NetworkPolicy', 'allow-notification-dispatcher-egress-to-cidr-2001-db8-1234-5678---64', 'production')).toBeDefined();
  });

  test('the generated HTTPRoute names of a long host label are object names too', () => {
    const app = testApp();
    const chart = new Chart(app, 'shop');
    const prod = new ZeroTrustNamespace(chart, 'production');
    const web = new WebApp(chart, 'web', { namespace: prod, image: 'a:1', containerPort: 3000 });
    const host = `${'customer-self-service-portal-for-the-european-region'}.example.com`;
    new ApiGateway(chart, 'storefront', {
      namespace: prod, controller: IngressController.traefik(), tls: Tls.secret('storefront-cert'),
      api: RoutingApi.httpRoute({ gateway: { name: 'shared' } }),
      routes: [{ host, backend: web }],
    });
    const { objects } = synth(app);
    expect(find(objects, 'HTTPRoute', `storefront-${host}`, 'production').spec.hostnames).toEqual([host]);
    expect(find(objects, 'HTTPRoute', `storefront-redirect-${host}`, 'production')).toBeDefined();
  });

  /**
   * The error for a generated name that is too long showed that name as the value of `host`, a
   * value the user never gave: it names the host given now, then the name it makes.
   */
  test('a generated name over 253 characters: the error shows the host the user gave, then the name', () => {
    const app = testApp();
    const chart = new Chart(app, 'shop');
    const prod = new ZeroTrustNamespace(chart, 'production');
    const web = new WebApp(chart, 'web', { namespace: prod, image: 'a:1', containerPort: 3000 });
    const host = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(50)}.com`;
    const gw = new ApiGateway(chart, 'storefront', {
      namespace: prod, controller: IngressController.traefik(), tls: Tls.secret('storefront-cert'),
      api: RoutingApi.httpRoute({ gateway: { name: 'shared' } }),
    });
    expect(() => gw.addRoute({ host, backend: web })).toThrow(
      `shop/storefront: addRoute host "${host}" is invalid: gives the HTTPRoute name "storefront-${host}", which must be at most 253 characters (a Kubernetes object name), got ${`storefront-${host}`.length}`);
  });
});

describe('regressions: values in error messages', () => {
  /** JSON.stringify shows NaN and Infinity as null: the error named a value nobody passed. */
  test.each([
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
    [BigInt(8080), '8080n'],
  ])('containerPort %p is shown as %s', (value, shown) => {
    const chart = new Chart(testApp(), 'test');
    expect(() => new WebApp(chart, 'api', { namespace: 'production', image: 'a:1', containerPort: value as number }))
      .toThrow(`test/api: containerPort ${shown} is invalid: must be a port number from 1 to 65535`);
  });
});

describe('regressions: output the API server would refuse (JavaScript callers)', () => {
  /**
   * Env values were checked to be strings, command and args items not: `command: ['serve', 8080]`
   * from JavaScript was written as a YAML number, which the API server refuses in a Deployment.
   */
  test.each([
    ['command', { command: ['serve', 8080] }, 'command[1]', '8080'],
    ['args', { args: ['--verbose', true] }, 'args[1]', 'true'],
    ['args as a string', { args: '--verbose' }, 'args', '"--verbose"'],
  ])('%s', (_what, props, field, value) => {
    const chart = new Chart(testApp(), 'test');
    expect(() => new WebApp(chart, 'api', { namespace: 'production', image: 'a:1', containerPort: 3000, ...(props as object) }))
      .toThrow(`test/api: ${field} ${value} is invalid: must be a`);
  });
});

describe('regressions: no unintended open door', () => {
  /**
   * `dns: { podLabels: {} }` gave `allow-dns-egress` an empty podSelector: every pod of kube-system
   * was reachable on port 53, where an empty selector is refused everywhere else (controllers,
   * Peer.pods, Backend.service).
   */
  test('DNS pods selected by no label are refused', () => {
    const chart = new Chart(testApp(), 'test');
    expect(() => new ZeroTrustNamespace(chart, 'production', { dns: { podLabels: {} } }))
      .toThrow('test/production: dns.podLabels {} is invalid: must have at least one label: an empty selector would open port 53 to every pod of the DNS namespace');
  });

  /**
   * `loadBalancerSourceRanges: []` was written as is, and Kubernetes reads an empty list as "no
   * restriction": an allowlist computed from an empty list opened the load balancer to everyone.
   * The gateway's `sourceAllowlist: []` was already refused for the same reason.
   */
  test('an empty loadBalancerSourceRanges is refused', () => {
    const app = testApp();
    const chart = new Chart(app, 'test');
    expect(() => new WebApp(chart, 'api', {
      namespace: 'production', image: 'a:1', containerPort: 3000, serviceType: ServiceType.LOAD_BALANCER, loadBalancerSourceRanges: [],
    })).toThrow('test/api: loadBalancerSourceRanges [] is invalid: must list at least one CIDR; an empty list lets every client through the load balancer');
  });
});

describe('regressions: output the API server would refuse', () => {
  /**
   * `Peer.cidr(block, except)` checked that each except is a CIDR, not that it lies inside the
   * block: the policy was written, and the API server refuses it (`must be a strict subset of cidr`).
   */
  test.each([
    ['outside the block', '10.0.0.0/8', '192.168.0.0/16'],
    ['the block itself', '10.0.0.0/8', '10.0.0.0/8'],
    ['larger than the block', '10.1.0.0/16', '10.0.0.0/8'],
    ['another address family', '10.0.0.0/8', 'fd00::/8'],
  ])('an except %s is refused', (_what, block, except) => {
    const chart = new Chart(testApp(), 'test');
    const api = new WebApp(chart, 'api', { namespace: 'production', image: 'a:1', containerPort: 3000 });
    expect(() => api.allowEgressTo(Peer.cidr(block, [except]), Port.tcp(443)))
      .toThrow(`test/api: allowEgressTo except "${except}" is invalid: must be a block strictly inside "${block}"`);
  });

  test('an except strictly inside the block is written', () => {
    const app = testApp();
    const chart = new Chart(app, 'test');
    const prod = new ZeroTrustNamespace(chart, 'production');
    const api = new WebApp(chart, 'api', { namespace: prod, image: 'a:1', containerPort: 3000 });
    api.allowEgressTo(Peer.cidr('2001:db8::/32', ['2001:db8:ff::/48']), Port.tcp(443));
    const policy = find(synth(app).objects, 'NetworkPolicy', 'allow-api-egress-to-cidr-2001-db8---32-except-2001-db8-ff---48', 'production');
    expect(policy.spec.egress[0].to).toEqual([{ ipBlock: { cidr: '2001:db8::/32', except: ['2001:db8:ff::/48'] } }]);
  });
});

describe('regressions: errors name the construct, field and value given', () => {
  /**
   * `Peer.pods({ name })` was not checked: a bad name failed only at synth, as the namespace's
   * error about a policy name ("test/production: NetworkPolicy name ... \"allow-Bad Name-to-api\""),
   * not naming the field or the value that was passed.
   */
  test('Peer.pods name is checked where the flow is declared', () => {
    const chart = new Chart(testApp(), 'test');
    const prod = new ZeroTrustNamespace(chart, 'production');
    const api = new WebApp(chart, 'api', { namespace: prod, image: 'a:1', containerPort: 3000 });
    expect(() => api.allowIngressFrom(Peer.pods({ labels: { app: 'prometheus' }, name: 'Prometheus Server' }), Port.tcp(3000)))
      .toThrow('test/api: allowIngressFrom name "Prometheus Server" is invalid: must be lowercase letters, digits and "-"');
  });
});

describe('regressions: two objects with one name', () => {
  /**
   * HTTPRoute names are `<gateway>-<host>` (`*` spelled `wildcard`) and `<gateway>-redirect-<host>`.
   * Two hosts of one gateway could give the same name, and the model let the gateway claim it
   * twice: two HTTPRoutes with one name were written (the second overwrites the first when
   * applied), and with createGateway two listeners with one name.
   */
  test.each([
    ['*.example.com', 'wildcard.example.com', 'HTTPRoute', 'gw-wildcard.example.com', 'HTTPRoute', '*.example.com'],
    ['example.com', 'redirect-example.com', 'HTTPRoute', 'gw-redirect-example.com', 'redirect HTTPRoute', 'example.com'],
    ['redirect-example.com', 'example.com', 'redirect HTTPRoute', 'gw-redirect-example.com', 'HTTPRoute', 'redirect-example.com'],
  ])('hosts %s then %s: refused', (first, second, kind, name, priorKind, priorHost) => {
    const app = testApp();
    const chart = new Chart(app, 'test');
    const prod = new ZeroTrustNamespace(chart, 'production');
    const web = new WebApp(chart, 'web', { namespace: prod, image: 'a:1', containerPort: 3000 });
    const gw = new ApiGateway(chart, 'gw', {
      namespace: prod, controller: IngressController.traefik(), tls: Tls.secret('gw-cert'),
      api: RoutingApi.httpRoute({ gateway: { name: 'gw' }, createGateway: { gatewayClassName: 'eg' } }),
    });
    gw.addRoute({ host: first, backend: web });
    expect(() => gw.addRoute({ host: second, backend: web })).toThrow(
      `test/gw: addRoute host "${second}" is invalid: gives the ${kind} name "${name}", which the ${priorKind} of host "${priorHost}" already has`);
  });
});

describe('regressions: the rule says what is wrong', () => {
  /**
   * A DNS name with a label over 63 characters failed with "dot-separated labels of lowercase
   * letters, digits and \"-\"", which it was: the rule broken, the label length, went unsaid.
   */
  test('a 64-character label is named as too long', () => {
    const chart = new Chart(testApp(), 'test');
    const host = `${'a'.repeat(64)}.example.com`;
    expect(() => new WebApp(chart, 'api', { namespace: 'production', image: 'a:1', containerPort: 3000, clusterDomain: host }))
      .toThrow(`test/api: clusterDomain "${host}" is invalid: must be a DNS-1123 subdomain: each dot-separated label at most 63 characters, got one of 64`);
  });
});

describe('regressions: characters kubectl and Argo CD cannot read back', () => {
  /**
   * cdk8s writes DEL, C1 controls, U+2028/U+2029 and U+FFFE/U+FFFF raw into the YAML; the Go YAML
   * decoder of kubectl and Argo CD then refuses the whole file ("control characters are not
   * allowed", or a line break inside a plain scalar), or reads NEL as a line break (the value comes
   * back with a space). One env value stopped every object of its chart, NetworkPolicies included,
   * from syncing. Such text is refused where the program gives it.
   */
  test.each([
    ['env value with a line separator pasted from a document', { env: { GREETING: 'Hello\u2028World' } }, 'env["GREETING"]', '"Hello\\u2028World"', 'U+2028 at index 5'],
    ['env value with NEL', { env: { GREETING: 'a\u0085b' } }, 'env["GREETING"]', '"a\\u0085b"', 'U+0085 at index 1'],
    ['env value with DEL', { env: { KEY: 'x\u007f' } }, 'env["KEY"]', '"x\\u007f"', 'U+007F at index 1'],
    ['env value with an unpaired surrogate', { env: { KEY: 'x\ud800' } }, 'env["KEY"]', '"x\\ud800"', 'U+D800 at index 1'],
    ['command with U+FFFE', { command: ['serve\ufffe'] }, 'command[0]', '"serve\\ufffe"', 'U+FFFE at index 5'],
    ['image with a C1 control', { image: 'nginx\u009b1' }, 'image', '"nginx\\u009b1"', 'U+009B at index 5'],
    ['healthCheckPath with DEL', { healthCheckPath: '/health\u007f' }, 'healthCheckPath', '"/health\\u007f"', 'U+007F at index 7'],
  ])('%s is refused', (_what, props, field, value, rule) => {
    const chart = new Chart(testApp(), 'test');
    let message = '';
    try {
      new WebApp(chart, 'api', { namespace: 'production', image: 'a:1', containerPort: 3000, ...(props as object) });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(`test/api: ${field} ${value} is invalid: `);
    expect(message).toContain(rule);
  });

  test('emoji, CJK, a BOM and escapable C0 controls are still fine', () => {
    const app = testApp();
    new WebApp(new Chart(app, 'test'), 'api', {
      namespace: 'production', image: 'a:1', containerPort: 3000,
      env: { A: 'emoji \u{1f680}', B: '\u65e5\u672c', C: '\ufeffbom', D: 'tab\there', E: 'nul\u0000', F: 'esc\u001b[0m' },
    });
    const { objects } = expectWarnings(['[pod-networkpolicy] test/api/Deployment'], () => synth(app)); // production is left plain
    const env = objects.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0].env;
    expect(env.map((e: any) => e.value)).toEqual(['emoji \u{1f680}', '\u65e5\u672c', '\ufeffbom', 'tab\there', 'nul\u0000', 'esc\u001b[0m']);
  });
});

describe('regressions: a custom controller\'s tlsAnnotations follow the annotation rules', () => {
  /**
   * `IngressController.custom({ tlsAnnotations })` was copied onto the Ingress unchecked: a snippet
   * annotation got past the refusal that `allowSnippetAnnotations: false` stands for (the
   * CVE-2021-25742 class), and an invalid key or a number went into output the API server refuses.
   */
  test.each([
    ['a snippet annotation', { 'nginx.ingress.kubernetes.io/server-snippet': 'location /admin { allow all; }' }, 'controller tlsAnnotations["nginx.ingress.kubernetes.io/server-snippet"]', '"location /admin { allow all; }"', 'CVE-2021-25742'],
    ['an invalid key', { 'force ssl': 'true' }, 'controller tlsAnnotations key', '"force ssl"', 'label key'],
    ['a number', { 'haproxy.org/ssl-redirect-port': 443 }, 'controller tlsAnnotations["haproxy.org/ssl-redirect-port"]', '443', 'must be a string'],
    ['the deprecated class annotation', { 'kubernetes.io/ingress.class': 'haproxy' }, 'controller tlsAnnotations["kubernetes.io/ingress.class"]', '"haproxy"', 'deprecated'],
  ])('%s is refused', (_what, tlsAnnotations, field, value, rule) => {
    const app = testApp();
    const chart = new Chart(app, 'test');
    const prod = new ZeroTrustNamespace(chart, 'production');
    const web = new WebApp(chart, 'web', { namespace: prod, image: 'a:1', containerPort: 3000 });
    let message = '';
    try {
      new ApiGateway(chart, 'gw', {
        namespace: prod, tls: Tls.secret('gw-cert'), routes: [{ host: 'app.example.com', backend: web }],
        controller: IngressController.custom({ name: 'haproxy', className: 'haproxy', pods: { namespace: 'haproxy', labels: { app: 'haproxy' } }, tlsAnnotations: tlsAnnotations as Record<string, string> }),
      });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(`test/gw: ${field} ${value} is invalid: `);
    expect(message).toContain(rule);
  });
});

describe('regressions: gateway text kubectl and Argo CD cannot read back', () => {
  /** The same characters in a raw annotation value, an ImplementationSpecific path, or a rewrite target. */
  test.each([
    ['an annotation value', { annotations: { 'example.com/owner': 'team\u2028payments' } }, {}, 'annotations["example.com/owner"]', '"team\\u2028payments"', 'U+2028 at index 4'],
    ['an ImplementationSpecific path', {}, { path: '/api/(.*)\u0085', pathType: 'ImplementationSpecific' }, 'routes[0] path', '"/api/(.*)\\u0085"', 'U+0085 at index 9'],
    ['a Prefix path on Traefik', { controller: IngressController.traefik() }, { path: '/caf\u0080' }, 'routes[0] path', '"/caf\\u0080"', 'U+0080 at index 4'],
    ['a rewrite target', {}, { path: '/api', rewriteTarget: '/v1\u007f/' }, 'routes[0] rewriteTarget', '"/v1\\u007f/"', 'U+007F at index 3'],
  ])('%s is refused', (_what, props, routeProps, field, value, rule) => {
    const app = testApp();
    const chart = new Chart(app, 'test');
    const prod = new ZeroTrustNamespace(chart, 'production');
    const web = new WebApp(chart, 'web', { namespace: prod, image: 'a:1', containerPort: 3000 });
    let message = '';
    try {
      new ApiGateway(chart, 'gw', {
        namespace: prod, controller: IngressController.nginx(), tls: Tls.secret('gw-cert'), ...props,
        routes: [{ host: 'app.example.com', backend: web, ...(routeProps as Partial<RouteOptions>) }],
      });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(`test/gw: ${field} ${value} is invalid: `);
    expect(message).toContain(rule);
  });
});
