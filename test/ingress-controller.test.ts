/**
 * The controller presets other than ingress-nginx: Traefik, the AWS Load Balancer Controller and
 * custom controllers. Their Ingress output (class, TLS, redirect) and their refusals: a typed
 * feature a controller cannot express is an error naming the controller and the feature.
 */
import { Size } from 'cdk8s';
import { AlbScheme, IngressController, Tls } from '../lib';
import { gateway, ingressPaths, objectsOf, ownAnnotations, shop, theIngress } from './api-gateway.fixtures';

const TRAEFIK = 'traefik.ingress.kubernetes.io/';
const ALB = 'alb.ingress.kubernetes.io/';
const ACM_ARN = 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab';

describe('IngressController.traefik()', () => {
  test('TLS: router on websecure with TLS, every host in spec.tls, class traefik', () => {
    const s = shop();
    const gw = gateway(s, { controller: IngressController.traefik() });
    gw.addRoute({ host: 'app.example.com', path: '/api', backend: s.api });
    gw.addRoute({ host: 'www.example.com', path: '/', backend: s.frontend });
    const ingress = theIngress(objectsOf(s));
    expect(ingress.spec.ingressClassName).toBe('traefik');
    expect(ownAnnotations(ingress)).toEqual({
      'cert-manager.io/cluster-issuer': 'letsencrypt-prod',
      [`${TRAEFIK}router.entrypoints`]: 'websecure',
      [`${TRAEFIK}router.tls`]: 'true',
    });
    expect(ingress.spec.tls).toEqual([{ hosts: ['app.example.com', 'www.example.com'], secretName: 'gateway-tls' }]);
    expect(ingressPaths(ingress)).toEqual([
      ['app.example.com', '/api', 'Prefix', 'api', 80],
      ['www.example.com', '/', 'Prefix', 'frontend', 80],
    ]);
    expect(gw.controllerName).toBe('traefik');
  });

  test('Tls.none: plain HTTP on the web entrypoint only', () => {
    const s = shop();
    gateway(s, { controller: IngressController.traefik(), tls: Tls.none() }).addRoute({ host: 'app.example.com', backend: s.frontend });
    const ingress = theIngress(objectsOf(s));
    expect(ownAnnotations(ingress)).toEqual({ [`${TRAEFIK}router.entrypoints`]: 'web' });
    expect(ingress.spec.tls).toBeUndefined();
  });

  test('paths ingress-nginx would refuse under strict validation are fine for Traefik', () => {
    const s = shop();
    gateway(s, { controller: IngressController.traefik() })
      .addRoute({ host: 'app.example.com', path: '/.well-known/acme', backend: s.frontend });
    expect(ingressPaths(theIngress(objectsOf(s)))[0][1]).toBe('/.well-known/acme');
  });

  test.each([
    ['maxRequestBodySize', { maxRequestBodySize: Size.mebibytes(8) }, '"8m"', 'it needs a Traefik Middleware CRD of type Buffering'],
    ['timeouts', { timeouts: { readSeconds: 30 } }, '{"readSeconds":30}', 'Traefik sets timeouts on entryPoints and serversTransports, not per router'],
    ['cors', { cors: { allowOrigins: ['*'] } }, '{"allowOrigins":["*"]}', 'it needs a Traefik Middleware CRD of type Headers'],
    ['rateLimit', { rateLimit: { requestsPerSecond: 5 } }, '{"requestsPerSecond":5}', 'it needs a Traefik Middleware CRD of type RateLimit'],
    ['sourceAllowlist', { sourceAllowlist: ['10.0.0.0/8'] }, '["10.0.0.0/8"]', 'it needs a Traefik Middleware CRD of type IPAllowList'],
  ])('%s is an error naming Traefik and the Middleware it would need', (feature, props, value, why) => {
    const s = shop();
    expect(() => gateway(s, { controller: IngressController.traefik(), ...props }))
      .toThrow(`test/gateway: ${feature} ${value} is invalid: controller traefik (Traefik) cannot express ${feature}: ${why}`);
  });

  test('rewriteTarget is an error naming Traefik', () => {
    const s = shop();
    const gw = gateway(s, { controller: IngressController.traefik() });
    expect(() => gw.addRoute({ host: 'app.example.com', path: '/api', backend: s.api, rewriteTarget: '/' }))
      .toThrow('test/gateway: rewriteTarget "/" is invalid: controller traefik cannot express rewriteTarget: it needs a Traefik Middleware CRD of type StripPrefix or ReplacePathRegex');
  });

  test('Tls.acm() is refused: Traefik serves Secrets', () => {
    const s = shop();
    expect(() => gateway(s, { controller: IngressController.traefik(), tls: Tls.acm() }))
      .toThrow('test/gateway: tls "Tls.acm()" is invalid: traefik serves certificates from Secrets, not ACM');
  });
});

describe('IngressController.awsAlb()', () => {
  const alb = (extra = {}) => IngressController.awsAlb({ scheme: AlbScheme.INTERNET_FACING, vpcCidrs: ['10.0.0.0/24', '10.0.1.0/24'], ...extra });

  test('ACM TLS: scheme, target type ip, both listeners, ssl-redirect to 443, certificate ARN', () => {
    const s = shop();
    const gw = gateway(s, { controller: alb(), tls: Tls.acm({ certificateArns: [ACM_ARN] }) });
    gw.addRoute({ host: 'app.example.com', path: '/api', backend: s.api });
    gw.addRoute({ host: 'app.example.com', path: '/', backend: s.frontend });
    const ingress = theIngress(objectsOf(s));
    expect(ingress.spec.ingressClassName).toBe('alb');
    expect(ownAnnotations(ingress)).toEqual({
      [`${ALB}scheme`]: 'internet-facing',
      [`${ALB}target-type`]: 'ip',
      [`${ALB}listen-ports`]: '[{"HTTP": 80}, {"HTTPS": 443}]',
      [`${ALB}ssl-redirect`]: '443',
      [`${ALB}certificate-arn`]: ACM_ARN,
    });
    // Hosts listed for certificate discovery; the ALB ignores Secrets, so there is none.
    expect(ingress.spec.tls).toEqual([{ hosts: ['app.example.com'] }]);
    expect(JSON.parse(ingress.metadata.annotations[`${ALB}listen-ports`])).toEqual([{ HTTP: 80 }, { HTTPS: 443 }]);
    expect(gw.controllerName).toBe('aws-alb');
  });

  test('Tls.acm() without ARNs: certificates discovered from the hosts; scheme defaults to internal', () => {
    const s = shop();
    gateway(s, { controller: IngressController.awsAlb({ vpcCidrs: ['10.0.0.0/16'] }), tls: Tls.acm() })
      .addRoute({ host: 'app.example.com', backend: s.frontend });
    const a = ownAnnotations(theIngress(objectsOf(s)));
    expect(a[`${ALB}scheme`]).toBe('internal');
    expect(a[`${ALB}certificate-arn`]).toBeUndefined();
    expect(a[`${ALB}ssl-redirect`]).toBe('443');
  });

  test('Tls.none: HTTP listener only, no redirect', () => {
    const s = shop();
    gateway(s, { controller: alb(), tls: Tls.none() }).addRoute({ host: 'app.example.com', backend: s.frontend });
    const ingress = theIngress(objectsOf(s));
    expect(ownAnnotations(ingress)).toEqual({
      [`${ALB}scheme`]: 'internet-facing', [`${ALB}target-type`]: 'ip', [`${ALB}listen-ports`]: '[{"HTTP": 80}]',
    });
    expect(ingress.spec.tls).toBeUndefined();
  });

  test('allowlist as inbound-cidrs, idle timeout as a load balancer attribute', () => {
    const s = shop();
    gateway(s, { controller: alb(), tls: Tls.acm(), sourceAllowlist: ['203.0.113.0/24'], timeouts: { readSeconds: 120, sendSeconds: 120 } })
      .addRoute({ host: 'app.example.com', backend: s.frontend });
    const a = ownAnnotations(theIngress(objectsOf(s)));
    expect(a[`${ALB}inbound-cidrs`]).toBe('203.0.113.0/24');
    expect(a[`${ALB}load-balancer-attributes`]).toBe('idle_timeout.timeout_seconds=120');
  });

  const who = 'controller aws-alb (AWS Load Balancer Controller)';
  test.each([
    ['maxRequestBodySize', { maxRequestBodySize: Size.mebibytes(1) }, '"1m"', 'an ALB has no request body size limit setting'],
    ['cors', { cors: { allowOrigins: ['*'] } }, '{"allowOrigins":["*"]}', 'an ALB does not answer CORS'],
    ['rateLimit', { rateLimit: { requestsPerSecond: 5 } }, '{"requestsPerSecond":5}', 'an ALB has no rate limit; use AWS WAF'],
    ['timeouts', { timeouts: { connectSeconds: 5 } }, '{"connectSeconds":5}', 'an ALB has no connect timeout setting'],
    ['timeouts', { timeouts: { readSeconds: 5, sendSeconds: 6 } }, '{"readSeconds":5,"sendSeconds":6}', 'an ALB has one idle timeout for both directions'],
  ])('%s it cannot express is an error naming the ALB', (feature, props, value, why) => {
    const s = shop();
    expect(() => gateway(s, { controller: alb(), tls: Tls.acm(), ...props }))
      .toThrow(`test/gateway: ${feature} ${value} is invalid: ${who} cannot express ${feature}: ${why}`);
  });

  test('rewriteTarget is an error naming the ALB', () => {
    const s = shop();
    const gw = gateway(s, { controller: alb(), tls: Tls.acm() });
    expect(() => gw.addRoute({ host: 'app.example.com', path: '/api', backend: s.api, rewriteTarget: '/' }))
      .toThrow('test/gateway: rewriteTarget "/" is invalid: controller aws-alb cannot express rewriteTarget: an ALB forwards the path unchanged');
  });

  test('Kubernetes TLS Secrets are refused: the ALB uses ACM', () => {
    const s = shop();
    expect(() => gateway(s, { controller: alb() })).toThrow(
      `test/gateway: tls "Tls.certManager()" is invalid: ${who} terminates TLS with ACM certificates and ignores Kubernetes TLS Secrets; use Tls.acm()`);
    expect(() => gateway(shop(), { controller: alb(), tls: Tls.secret('tls-secret') })).toThrow(
      `test/gateway: tls "Tls.secret(\\"tls-secret\\")" is invalid: ${who} terminates TLS with ACM certificates`);
  });

  test('vpcCidrs are required, valid, and not everything', () => {
    expect(() => gateway(shop(), { controller: IngressController.awsAlb({ vpcCidrs: [] }), tls: Tls.acm() }))
      .toThrow('test/gateway: controller vpcCidrs [] is invalid: must list the CIDRs the load balancer sends from (its subnets or the VPC)');
    expect(() => gateway(shop(), { controller: IngressController.awsAlb({ vpcCidrs: ['10.0.0.1'] }), tls: Tls.acm() }))
      .toThrow('test/gateway: controller vpcCidrs[0] "10.0.0.1" is invalid: must be a CIDR with a prefix length; did you mean "10.0.0.1/32"?');
    expect(() => gateway(shop(), { controller: IngressController.awsAlb({ vpcCidrs: ['0.0.0.0/0'] }), tls: Tls.acm() }))
      .toThrow('test/gateway: controller vpcCidrs[0] "0.0.0.0/0" is invalid: must be the load balancer\'s subnets or VPC, not every address');
    expect(() => gateway(shop(), { controller: IngressController.awsAlb({ vpcCidrs: ['10.0.0.0/16'], scheme: 'public' as any }), tls: Tls.acm() }))
      .toThrow('test/gateway: controller scheme "public" is invalid: must be "internal" or "internet-facing"');
  });

  test('ACM ARNs are checked', () => {
    expect(() => gateway(shop(), { controller: alb(), tls: Tls.acm({ certificateArns: ['arn:aws:iam::123456789012:server-certificate/x'] }) }))
      .toThrow('test/gateway: tls certificateArns[0] "arn:aws:iam::123456789012:server-certificate/x" is invalid: must be an ACM certificate ARN');
  });
});

describe('IngressController.custom()', () => {
  test('its class, and its TLS annotations when TLS is on', () => {
    const s = shop();
    gateway(s, {
      controller: IngressController.custom({
        name: 'haproxy', className: 'haproxy', pods: { namespace: 'haproxy', labels: { app: 'haproxy-ingress' } },
        tlsAnnotations: { 'haproxy.org/ssl-redirect': 'true' },
      }),
      tls: Tls.secret('tls-secret'),
    }).addRoute({ host: 'app.example.com', backend: s.frontend });
    const ingress = theIngress(objectsOf(s));
    expect(ingress.spec.ingressClassName).toBe('haproxy');
    expect(ownAnnotations(ingress)).toEqual({ 'haproxy.org/ssl-redirect': 'true' });
    expect(ingress.spec.tls).toEqual([{ hosts: ['app.example.com'], secretName: 'tls-secret' }]);
  });

  test('typed features are errors naming the controller', () => {
    expect(() => gateway(shop(), {
      controller: IngressController.custom({ name: 'haproxy', className: 'haproxy', cidrs: ['10.0.0.0/16'] }),
      rateLimit: { requestsPerSecond: 1 },
    })).toThrow('test/gateway: rateLimit {"requestsPerSecond":1} is invalid: custom controller haproxy cannot express rateLimit: typed features are translated only for nginx, traefik and awsAlb');
  });

  test('exactly one traffic source; a class for Ingress output', () => {
    expect(() => gateway(shop(), { controller: IngressController.custom({ name: 'x', className: 'x' }) }))
      .toThrow('test/gateway: controller source {} is invalid: IngressController.custom() needs exactly one of pods (in-cluster proxies) and cidrs');
    expect(() => gateway(shop(), { controller: IngressController.custom({ name: 'x', cidrs: ['10.0.0.0/8'] }) }))
      .toThrow('test/gateway: controller className undefined is invalid: custom controller x needs a className for Ingress output (spec.ingressClassName)');
  });
});

describe('preset options are validated when a gateway uses them', () => {
  test.each([
    [{ className: 'Nginx' }, 'controller className "Nginx" is invalid: must be a DNS-1123 subdomain'],
    [{ namespace: 'Ingress_Nginx' }, 'controller namespace "Ingress_Nginx" is invalid: must be a DNS-1123 label'],
    [{ podLabels: {} }, 'controller podLabels {} is invalid: must have at least one label: an empty selector would allow every pod of the namespace'],
    [{ podLabels: { 'app.kubernetes.io/name': 'bad value!' } }, 'controller podLabels["app.kubernetes.io/name"] "bad value!" is invalid: must be a label value'],
    [{ name: 'Ingress Nginx' }, 'controller name "Ingress Nginx" is invalid: must be a DNS-1123 label'],
  ])('nginx(%j)', (options, message) => {
    expect(() => gateway(shop(), { controller: IngressController.nginx(options as any) })).toThrow(`test/gateway: ${message}`);
  });
});
