/**
 * A corpus of invalid programs across every construct. Each case builds into a fresh app whose
 * outdir is a fresh temporary folder, then calls `app.synth()`, and asserts:
 * - it throws, at construction or at synth;
 * - the message holds `<construct path>: <field> <value> is invalid: ` with the case's own path,
 *   field and value (as the library formats them: strings quoted, non-ASCII escaped), and the rule;
 * - no file was written to the outdir.
 * A case that does not throw fails, and the failure says whether its output even passed the schemas.
 *
 * Overlaps with test/validation.test.ts are deliberate only where this goes further: combinations,
 * whitespace, Unicode look-alikes, over-long values, gateways, controllers, TLS, Argo CD, synth-time
 * checks.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { App } from 'cdk8s';
import { Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { ApiGatewayProps, ArgoCdApplicationProps, PodSecurityLevel, RouteOptions, WebAppProps , AlbScheme } from '../../lib';
import {
  ApiGateway, ArgoCdApplication, ArgoCdApplicationSet, Backend, ClusterGenerator,
  ExternalService, ExternalTrafficPolicy, RoutingApi, IngressController, NetworkModel, Peer, Port,
  ServiceType, Tls, WebApp, ZeroTrustNamespace, PathType
} from '../../lib';
import { readOutput, testApp } from '../util';

/** The program every case starts from: chart `test`, zero-trust `production`, apps `api` and `web`. */
interface Ctx {
  readonly app: App;
  readonly chart: Chart;
  readonly prod: ZeroTrustNamespace;
  readonly api: WebApp;
  readonly web: WebApp;
}

interface Case {
  readonly name: string;
  readonly build: (c: Ctx) => void;
  /** The construct path the message starts with (after any wrapper text). */
  readonly path: string;
  readonly field: string;
  /** The value as the message shows it. */
  readonly value: string;
  /** A part of the rule text, so the right rule is known to have fired. */
  readonly rule: string;
}

const base = (c: Ctx): WebAppProps => ({ namespace: c.prod, image: 'ghcr.io/acme/app:1.0.0', containerPort: 8000 });
const webApp = (props: Partial<WebAppProps>, id = 'x') => (c: Ctx) => { new WebApp(c.chart, id, { ...base(c), ...props } as WebAppProps); };

/** An ApiGateway `gw` in production: nginx, a TLS Secret, one route to api unless routes are given. */
function gateway(c: Ctx, props: Partial<ApiGatewayProps> = {}, routes: Partial<RouteOptions>[] = [{}]): ApiGateway {
  return new ApiGateway(c.chart, 'gw', {
    namespace: c.prod,
    controller: IngressController.nginx(),
    tls: Tls.secret('gw-cert'),
    routes: routes.map((r) => ({ host: 'app.example.com', backend: c.api, ...r }) as RouteOptions),
    ...props,
  });
}
const route = (r: Partial<RouteOptions>, props: Partial<ApiGatewayProps> = {}) => (c: Ctx) => { gateway(c, props, [r]); };
const gw = (props: Partial<ApiGatewayProps>) => (c: Ctx) => { gateway(c, props); };
/** Gateway API output, served by Traefik (ingress-nginx serves Ingresses only). */
const httpRoute = (props: Partial<ApiGatewayProps> = {}) => ({
  controller: IngressController.traefik(), api: RoutingApi.httpRoute({ gateway: { name: 'shared' } }), ...props,
});

const REPO = 'https://github.com/acme/platform.git';
/** Argo CD objects live in a chart of their own, `argocd`. */
const argo = (props: Partial<ArgoCdApplicationProps>) => (c: Ctx) => {
  new ArgoCdApplication(new Chart(c.app, 'argocd'), 'shop', { repoURL: REPO, path: 'dist', ...props } as ArgoCdApplicationProps);
};
const appSet = (generator: () => ClusterGenerator, props: object = {}) => (c: Ctx) => {
  new ArgoCdApplicationSet(new Chart(c.app, 'argocd'), 'fleet', { repoURL: REPO, path: 'dist', generator: generator(), ...props });
};

const LONG = 'a'.repeat(64);
const q = (s: string) => JSON.stringify(s);

const cases: Case[] = [
  // ZeroTrustNamespace ------------------------------------------------------------------------
  { name: 'namespace name uppercase', build: (c) => { new ZeroTrustNamespace(c.chart, 'ns', { name: 'Payments' }); }, path: 'test/ns', field: 'name', value: '"Payments"', rule: 'DNS-1123 label' },
  { name: 'namespace name with a trailing space', build: (c) => { new ZeroTrustNamespace(c.chart, 'ns', { name: 'payments ' }); }, path: 'test/ns', field: 'name', value: '"payments "', rule: 'DNS-1123 label' },
  { name: 'namespace name empty', build: (c) => { new ZeroTrustNamespace(c.chart, 'ns', { name: '' }); }, path: 'test/ns', field: 'name', value: '""', rule: 'non-empty' },
  { name: 'namespace name with a Cyrillic look-alike', build: (c) => { new ZeroTrustNamespace(c.chart, 'ns', { name: '\u0440ayments' }); }, path: 'test/ns', field: 'name', value: '"\\u0440ayments"', rule: 'DNS-1123 label' },
  { name: 'namespace name of 64 characters', build: (c) => { new ZeroTrustNamespace(c.chart, 'ns', { name: LONG }); }, path: 'test/ns', field: 'name', value: q(LONG), rule: 'at most 63 characters' },
  { name: 'namespace declared twice, in two charts', build: (c) => { new ZeroTrustNamespace(new Chart(c.app, 'other'), 'ns', { name: 'production' }); }, path: 'other/ns', field: 'name', value: '"production"', rule: 'already declared at test/production' },
  { name: 'namespace label key with a space', build: (c) => { new ZeroTrustNamespace(c.chart, 'ns', { labels: { 'team name': 'pay' } }); }, path: 'test/ns', field: 'labels key', value: '"team name"', rule: 'label key' },
  { name: 'namespace label value of 64 characters', build: (c) => { new ZeroTrustNamespace(c.chart, 'ns', { labels: { team: LONG } }); }, path: 'test/ns', field: 'labels["team"]', value: q(LONG), rule: 'label value' },
  { name: 'namespace label value with a zero-width space', build: (c) => { new ZeroTrustNamespace(c.chart, 'ns', { labels: { team: 'pay\u200bments' } }); }, path: 'test/ns', field: 'labels["team"]', value: '"pay\\u200bments"', rule: 'label value' },
  { name: 'namespace label key with two slashes', build: (c) => { new ZeroTrustNamespace(c.chart, 'ns', { labels: { 'a/b/c': 'x' } }); }, path: 'test/ns', field: 'labels key', value: '"a/b/c"', rule: 'at most one "/"' },
  { name: 'podSecurity capitalized', build: (c) => { new ZeroTrustNamespace(c.chart, 'ns', { podSecurity: 'Restricted' as PodSecurityLevel }); }, path: 'test/ns', field: 'podSecurity', value: '"Restricted"', rule: 'must be one of "restricted", "baseline", "privileged"' },
  { name: 'dns.namespace uppercase', build: (c) => { new ZeroTrustNamespace(c.chart, 'ns', { dns: { namespace: 'Kube-System' } }); }, path: 'test/ns', field: 'dns.namespace', value: '"Kube-System"', rule: 'DNS-1123 label' },
  { name: 'dns.cidrs with host bits set', build: (c) => { new ZeroTrustNamespace(c.chart, 'ns', { dns: { cidrs: ['169.254.20.10/24'] } }); }, path: 'test/ns', field: 'dns.cidrs[0]', value: '"169.254.20.10/24"', rule: 'host bits zero' },
  { name: 'dns.cidrs IPv6 with a zone', build: (c) => { new ZeroTrustNamespace(c.chart, 'ns', { dns: { cidrs: ['fe80::1%eth0/64'] } }); }, path: 'test/ns', field: 'dns.cidrs[0]', value: '"fe80::1%eth0/64"', rule: 'IPv4 or IPv6 CIDR' },
  { name: 'dns.podLabels empty', build: (c) => { new ZeroTrustNamespace(c.chart, 'ns', { dns: { podLabels: {} } }); }, path: 'test/ns', field: 'dns.podLabels', value: '{}', rule: 'open port 53 to every pod' },
  { name: 'dns.podLabels with an empty key', build: (c) => { new ZeroTrustNamespace(c.chart, 'ns', { dns: { podLabels: { '': 'kube-dns' } } }); }, path: 'test/ns', field: 'dns.podLabels key', value: '""', rule: 'non-empty label key' },

  // WebApp ----------------------------------------------------------------------------------
  { name: 'app name with a leading space', build: webApp({ name: ' api' }), path: 'test/x', field: 'name', value: '" api"', rule: 'DNS-1035 label' },
  { name: 'app name in fullwidth letters', build: webApp({ name: '\uff41pi' }), path: 'test/x', field: 'name', value: '"\\uff41pi"', rule: 'DNS-1035 label' },
  { name: 'app name ending in "-"', build: webApp({ name: 'api-' }), path: 'test/x', field: 'name', value: '"api-"', rule: 'DNS-1035 label' },
  { name: 'app name with a dot (a Service name is a label)', build: webApp({ name: 'api.v2' }), path: 'test/x', field: 'name', value: '"api.v2"', rule: 'DNS-1035 label' },
  { name: 'serviceName empty', build: webApp({ serviceName: '' }), path: 'test/x', field: 'serviceName', value: '""', rule: 'non-empty' },
  { name: 'namespace name with a leading space', build: webApp({ namespace: ' production' }), path: 'test/x', field: 'namespace', value: '" production"', rule: 'DNS-1123 label' },
  { name: 'image empty', build: webApp({ image: '' }), path: 'test/x', field: 'image', value: '""', rule: 'non-empty image reference' },
  { name: 'image with a newline', build: webApp({ image: 'nginx\n:1.27' }), path: 'test/x', field: 'image', value: '"nginx\\n:1.27"', rule: 'without whitespace' },
  { name: 'containerPort NaN', build: webApp({ containerPort: NaN }), path: 'test/x', field: 'containerPort', value: 'NaN', rule: 'port number from 1 to 65535' },
  { name: 'containerPort as a string', build: webApp({ containerPort: '8080' as unknown as number }), path: 'test/x', field: 'containerPort', value: '"8080"', rule: 'port number from 1 to 65535' },
  { name: 'servicePort 0', build: webApp({ servicePort: 0 }), path: 'test/x', field: 'servicePort', value: '0', rule: 'port number from 1 to 65535' },
  { name: 'replicas 1.5', build: webApp({ replicas: 1.5 }), path: 'test/x', field: 'replicas', value: '1.5', rule: 'whole number from 0 to 10000' },
  { name: 'env key with a space', build: webApp({ env: { 'API URL': 'x' } }), path: 'test/x', field: 'env key', value: '"API URL"', rule: 'environment variable name' },
  { name: 'env key empty', build: webApp({ env: { '': 'x' } }), path: 'test/x', field: 'env key', value: '""', rule: 'environment variable name' },
  { name: 'env value a number', build: webApp({ env: { PORT: 8080 as unknown as string } }), path: 'test/x', field: 'env["PORT"]', value: '8080', rule: 'must be a string' },
  { name: 'env value with a pasted line separator', build: webApp({ env: { GREETING: 'Hello\u2028World' } }), path: 'test/x', field: 'env["GREETING"]', value: '"Hello\\u2028World"', rule: 'must not contain U+2028' },
  { name: 'args item with a C1 control', build: webApp({ args: ['--mode=\u009bfast'] }), path: 'test/x', field: 'args[0]', value: '"--mode=\\u009bfast"', rule: 'must not contain U+009B' },
  { name: 'command item a number', build: webApp({ command: ['serve', 8080 as unknown as string] }), path: 'test/x', field: 'command[1]', value: '8080', rule: 'must be a string' },
  { name: 'serviceType in lowercase', build: webApp({ serviceType: 'clusterip' as ServiceType }), path: 'test/x', field: 'serviceType', value: '"clusterip"', rule: 'must be one of ClusterIP' },
  { name: 'nodePort on a headless Service', build: webApp({ serviceType: ServiceType.HEADLESS, nodePort: 30080 }), path: 'test/x', field: 'nodePort', value: '30080', rule: 'not Headless' },
  { name: 'nodePort one above the range', build: webApp({ serviceType: ServiceType.NODE_PORT, nodePort: 32768 }), path: 'test/x', field: 'nodePort', value: '32768', rule: 'from 30000 to 32767' },
  { name: 'nodePortRange.min 0', build: webApp({ serviceType: ServiceType.LOAD_BALANCER, nodePort: 30080, nodePortRange: { min: 0, max: 32767 } }), path: 'test/x', field: 'nodePortRange.min', value: '0', rule: 'port number from 1 to 65535' },
  {
    name: 'the same nodePort on two Services (synth-time check)',
    build: (c) => { webApp({ serviceType: ServiceType.NODE_PORT, nodePort: 30080 }, 'x')(c); webApp({ serviceType: ServiceType.NODE_PORT, nodePort: 30080 }, 'y')(c); },
    path: 'test/y/Service', field: 'Service production/y spec.ports[0].nodePort', value: '30080', rule: 'claims nodePort 30080 too',
  },
  { name: 'loadBalancerSourceRanges empty', build: webApp({ serviceType: ServiceType.LOAD_BALANCER, loadBalancerSourceRanges: [] }), path: 'test/x', field: 'loadBalancerSourceRanges', value: '[]', rule: 'at least one CIDR' },
  { name: 'loadBalancerSourceRanges with a trailing space', build: webApp({ serviceType: ServiceType.LOAD_BALANCER, loadBalancerSourceRanges: ['203.0.113.0/24 '] }), path: 'test/x', field: 'loadBalancerSourceRanges[0]', value: '"203.0.113.0/24 "', rule: 'IPv4 or IPv6 CIDR' },
  { name: 'loadBalancerSourceRanges on a ClusterIP Service', build: webApp({ loadBalancerSourceRanges: ['203.0.113.0/24'] }), path: 'test/x', field: 'loadBalancerSourceRanges', value: '["203.0.113.0/24"]', rule: 'only applies to LoadBalancer services, not ClusterIP' },
  { name: 'externalTrafficPolicy in lowercase', build: webApp({ serviceType: ServiceType.NODE_PORT, externalTrafficPolicy: 'local' as ExternalTrafficPolicy }), path: 'test/x', field: 'externalTrafficPolicy', value: '"local"', rule: 'Cluster or Local' },
  { name: 'externalTrafficPolicy on a headless Service', build: webApp({ serviceType: ServiceType.HEADLESS, externalTrafficPolicy: ExternalTrafficPolicy.LOCAL }), path: 'test/x', field: 'externalTrafficPolicy', value: '"Local"', rule: 'not Headless' },
  { name: 'memory limit 0', build: webApp({ resources: { memoryLimitMebibytes: 0 } }), path: 'test/x', field: 'resources.memoryLimitMebibytes', value: '0', rule: 'positive whole number' },
  { name: 'healthCheckPath with a space', build: webApp({ healthCheckPath: '/health check' }), path: 'test/x', field: 'healthCheckPath', value: '"/health check"', rule: 'without whitespace' },
  { name: 'healthCheckPath empty', build: webApp({ healthCheckPath: '' }), path: 'test/x', field: 'healthCheckPath', value: '""', rule: 'starting with "/"' },
  { name: 'partOf of 64 characters', build: webApp({ partOf: LONG }), path: 'test/x', field: 'partOf', value: q(LONG), rule: 'label value' },
  { name: 'clusterDomain with a trailing dot', build: webApp({ clusterDomain: 'cluster.local.' }), path: 'test/x', field: 'clusterDomain', value: '"cluster.local."', rule: 'DNS-1123 subdomain' },
  { name: 'runAsUser -1', build: webApp({ runAsUser: -1 }), path: 'test/x', field: 'runAsUser', value: '-1', rule: 'non-root user id' },
  { name: 'a second Deployment named api (another serviceName)', build: webApp({ name: 'api', serviceName: 'api-v2' }), path: 'test/x', field: 'name', value: '"api"', rule: 'a Deployment named "api" already exists in namespace "production" (declared at test/api)' },

  // Flows, peers, ports ----------------------------------------------------------------------
  { name: 'except outside its block', build: (c) => c.api.allowEgressTo(Peer.cidr('10.0.0.0/8', ['192.168.0.0/16']), Port.tcp(443)), path: 'test/api', field: 'allowEgressTo except', value: '"192.168.0.0/16"', rule: 'strictly inside "10.0.0.0/8"' },
  { name: 'except equal to its block', build: (c) => c.api.allowEgressTo(Peer.cidr('10.0.0.0/8', ['10.0.0.0/8']), Port.tcp(443)), path: 'test/api', field: 'allowEgressTo except', value: '"10.0.0.0/8"', rule: 'strictly inside' },
  { name: 'IPv6 except in an IPv4 block', build: (c) => c.api.allowIngressFrom(Peer.cidr('10.0.0.0/8', ['fd00::/8'])), path: 'test/api', field: 'allowIngressFrom except', value: '"fd00::/8"', rule: 'strictly inside' },
  { name: 'CIDR with a leading space', build: (c) => c.api.allowEgressTo(Peer.cidr(' 10.0.0.0/8'), Port.tcp(443)), path: 'test/api', field: 'allowEgressTo', value: '" 10.0.0.0/8"', rule: 'IPv4 or IPv6 CIDR' },
  { name: 'CIDR with a leading zero', build: (c) => c.api.allowEgressTo(Peer.cidr('010.0.0.0/8'), Port.tcp(443)), path: 'test/api', field: 'allowEgressTo', value: '"010.0.0.0/8"', rule: 'IPv4 or IPv6 CIDR' },
  { name: 'CIDR /33', build: (c) => c.api.allowEgressTo(Peer.cidr('10.0.0.0/33'), Port.tcp(443)), path: 'test/api', field: 'allowEgressTo', value: '"10.0.0.0/33"', rule: 'IPv4 or IPv6 CIDR' },
  { name: 'egress to a CIDR without ports', build: (c) => c.api.allowEgressTo(Peer.cidr('203.0.113.0/24')), path: 'test/api', field: 'allowEgressTo ports', value: '"cidr-203-0-113-0-24"', rule: 'exposes no known port' },
  { name: 'egress to a namespace without ports', build: (c) => c.api.allowEgressTo(Peer.namespace('monitoring')), path: 'test/api', field: 'allowEgressTo ports', value: '"namespace-monitoring"', rule: 'exposes no known port' },
  { name: 'flow on port 0', build: (c) => c.api.allowFrom(c.web, { ports: [Port.tcp(0)] }), path: 'test/api', field: 'allowFrom ports[0]', value: '0', rule: 'port number from 1 to 65535' },
  { name: 'port range past 65535', build: (c) => c.api.allowEgressTo(Peer.cidr('10.0.0.0/8'), Port.udpRange(60000, 70000)), path: 'test/api', field: 'allowEgressTo ports[0] end', value: '70000', rule: 'port number from 1 to 65535' },
  { name: 'named port in uppercase', build: (c) => c.api.allowTo(c.web, { ports: [Port.named('HTTP')] }), path: 'test/api', field: 'allowTo ports[0]', value: '"HTTP"', rule: 'IANA service name' },
  { name: 'named port all digits', build: (c) => c.api.allowTo(c.web, { ports: [Port.named('8080')] }), path: 'test/api', field: 'allowTo ports[0]', value: '"8080"', rule: 'at least one letter' },
  { name: 'named port with "--"', build: (c) => c.api.allowTo(c.web, { ports: [Port.named('my--port')] }), path: 'test/api', field: 'allowTo ports[0]', value: '"my--port"', rule: 'no "--"' },
  { name: 'Peer.namespace with a space', build: (c) => c.api.allowIngressFrom(Peer.namespace('ops team'), Port.tcp(8000)), path: 'test/api', field: 'allowIngressFrom namespace', value: '"ops team"', rule: 'DNS-1123 label' },
  { name: 'Peer.pods label value over 63 characters', build: (c) => c.api.allowIngressFrom(Peer.pods({ labels: { app: LONG } })), path: 'test/api', field: 'allowIngressFrom labels["app"]', value: q(LONG), rule: 'label value' },
  { name: 'Peer.pods name with a space', build: (c) => c.api.allowIngressFrom(Peer.pods({ labels: { app: 'prometheus' }, name: 'Prom Server' })), path: 'test/api', field: 'allowIngressFrom name', value: '"Prom Server"', rule: 'it goes into policy names' },
  { name: 'a peer that is neither a WebApp nor a Peer', build: (c) => c.api.allowFrom(42 as unknown as WebApp), path: 'test/api', field: 'allowFrom', value: '"42"', rule: 'must be a WebApp or a Peer' },
  {
    name: 'a workload peer without a namespace',
    build: (c) => {
      const cache = new kplus.Deployment(new Chart(c.app, 'plain'), 'cache', { containers: [{ image: 'redis:7', portNumber: 6379, securityContext: { ensureNonRoot: true } }] });
      c.api.allowTo(Peer.workload(cache));
    },
    path: 'test/api', field: 'allowTo', value: '"plain/cache"', rule: 'must have metadata.namespace',
  },
  {
    name: 'a Peer.pods selecting no pod of a zero-trust namespace (synth-time check)',
    build: (c) => c.api.allowIngressFrom(Peer.pods({ labels: { app: 'ghost' } })),
    path: 'test/production/Policy:allow-ghost-to-api', field: 'NetworkPolicy production/allow-ghost-to-api spec.ingress[0].from[0].podSelector', value: '"{app=ghost}"', rule: 'selects no pod in namespace "production"',
  },

  // ExternalService -------------------------------------------------------------------------
  { name: 'externalName with a scheme', build: (c) => { new ExternalService(c.chart, 'ext', { namespace: c.prod, externalName: 'https://api.example.com' }); }, path: 'test/ext', field: 'externalName', value: '"https://api.example.com"', rule: 'DNS name, not an IP' },
  { name: 'externalName empty', build: (c) => { new ExternalService(c.chart, 'ext', { namespace: c.prod, externalName: '' }); }, path: 'test/ext', field: 'externalName', value: '""', rule: 'non-empty' },
  { name: 'externalName with two trailing dots', build: (c) => { new ExternalService(c.chart, 'ext', { namespace: c.prod, externalName: 'api.example.com..' }); }, path: 'test/ext', field: 'externalName', value: '"api.example.com."', rule: 'DNS-1123 subdomain' },
  { name: 'ExternalService clusterDomain an IP', build: (c) => { new ExternalService(c.chart, 'ext', { namespace: c.prod, externalName: 'api.example.com', clusterDomain: '10.0.0.1' }); }, path: 'test/ext', field: 'clusterDomain', value: '"10.0.0.1"', rule: 'not an IP address' },
  { name: 'ExternalService named like a WebApp\'s Service', build: (c) => { new ExternalService(c.chart, 'ext', { namespace: c.prod, name: 'web', externalName: 'web.example.com' }); }, path: 'test/ext', field: 'name', value: '"web"', rule: 'a Service named "web" already exists in namespace "production" (declared at test/web)' },

  // ApiGateway: hosts and paths ---------------------------------------------------------------
  { name: 'gateway name uppercase', build: gw({ name: 'Storefront' }), path: 'test/gw', field: 'name', value: '"Storefront"', rule: 'DNS-1123 subdomain' },
  { name: 'gateway without a controller', build: gw({ controller: undefined }), path: 'test/gw', field: 'controller', value: 'undefined', rule: 'must be an IngressController' },
  { name: 'gateway without TLS', build: gw({ tls: undefined }), path: 'test/gw', field: 'tls', value: 'undefined', rule: 'Tls.none() to opt out explicitly' },
  { name: 'host with a port', build: route({ host: 'app.example.com:443' }), path: 'test/gw', field: 'routes[0] host', value: '"app.example.com:443"', rule: 'must not contain a port' },
  { name: 'host an IPv4 address', build: route({ host: '203.0.113.10' }), path: 'test/gw', field: 'routes[0] host', value: '"203.0.113.10"', rule: 'not an IP address' },
  { name: 'host with two wildcards', build: route({ host: '*.*.example.com' }), path: 'test/gw', field: 'routes[0] host', value: '"*.*.example.com"', rule: 'one whole leading "*." label' },
  { name: 'host with a wildcard in the middle', build: route({ host: 'app.*.example.com' }), path: 'test/gw', field: 'routes[0] host', value: '"app.*.example.com"', rule: 'one whole leading "*." label' },
  { name: 'host a bare wildcard', build: route({ host: '*' }), path: 'test/gw', field: 'routes[0] host', value: '"*"', rule: 'one whole leading "*." label' },
  { name: 'host with a Cyrillic look-alike', build: route({ host: '\u0430pp.example.com' }), path: 'test/gw', field: 'routes[0] host', value: '"\\u0430pp.example.com"', rule: 'DNS-1123 subdomain' },
  { name: 'host with a trailing space', build: route({ host: 'app.example.com ' }), path: 'test/gw', field: 'routes[0] host', value: '"app.example.com "', rule: 'DNS-1123 subdomain' },
  { name: 'host empty', build: route({ host: '' }), path: 'test/gw', field: 'routes[0] host', value: '""', rule: 'non-empty DNS name' },
  { name: 'host with a label of 64 characters', build: route({ host: `${LONG}.example.com` }), path: 'test/gw', field: 'routes[0] host', value: q(`${LONG}.example.com`), rule: 'each dot-separated label at most 63 characters, got one of 64' },
  { name: 'host over 253 characters', build: route({ host: `${'a'.repeat(60)}.`.repeat(4) + 'example.com' }), path: 'test/gw', field: 'routes[0] host', value: q(`${'a'.repeat(60)}.`.repeat(4) + 'example.com'), rule: 'at most 253 characters' },
  { name: 'path without a leading "/"', build: route({ path: 'api' }), path: 'test/gw', field: 'routes[0] path', value: '"api"', rule: 'must start with "/"' },
  { name: 'path with "/../"', build: route({ path: '/api/../admin' }), path: 'test/gw', field: 'routes[0] path', value: '"/api/../admin"', rule: 'must not contain "/../"' },
  { name: 'path with "//"', build: route({ path: '/api//v1', pathType: PathType.EXACT }), path: 'test/gw', field: 'routes[0] path', value: '"/api//v1"', rule: 'must not contain "//"' },
  { name: 'path with an encoded slash', build: route({ path: '/a%2Fb' }), path: 'test/gw', field: 'routes[0] path', value: '"/a%2Fb"', rule: 'encoded slash' },
  { name: 'path with a tab', build: route({ path: '/api\tv1' }), path: 'test/gw', field: 'routes[0] path', value: '"/api\\tv1"', rule: 'must not contain whitespace' },
  { name: 'path with a dot on ingress-nginx', build: route({ path: '/api.v1' }), path: 'test/gw', field: 'routes[0] path', value: '"/api.v1"', rule: 'strict path validation' },
  { name: 'a Traefik Prefix path with a C1 control', build: route({ path: '/caf\u0080' }, { controller: IngressController.traefik() }), path: 'test/gw', field: 'routes[0] path', value: '"/caf\\u0080"', rule: 'must not contain U+0080' },
  { name: 'unknown pathType', build: route({ pathType: 'Regex' as PathType }), path: 'test/gw', field: 'routes[0] pathType', value: '"Regex"', rule: 'must be one of "Prefix", "Exact", "ImplementationSpecific"' },
  { name: 'the same host and path twice', build: (c) => { gateway(c, {}, [{ path: '/api' }, { path: '/api', backend: c.web }]); }, path: 'test/gw', field: 'routes[1] path', value: '"/api"', rule: 'duplicates the route routes[0]' },
  { name: 'a Prefix path and the same path with "/"', build: (c) => { gateway(c, {}, [{ path: '/api' }, { path: '/api/', backend: c.web }]); }, path: 'test/gw', field: 'routes[1] path', value: '"/api/"', rule: 'duplicates the route routes[0]' },
  { name: 'the same route through addRoute', build: (c) => gateway(c).addRoute({ host: 'app.example.com', backend: c.web }), path: 'test/gw', field: 'addRoute path', value: '"/"', rule: 'duplicates the route routes[0]' },
  { name: 'a gateway with no route (at synth)', build: (c) => { gateway(c, {}, []); }, path: 'test/gw', field: 'routes', value: '[]', rule: 'at least one route' },

  // ApiGateway: rewrites and backends ---------------------------------------------------------
  { name: 'rewriteTarget without "/"', build: route({ path: '/api', rewriteTarget: 'v1' }), path: 'test/gw', field: 'routes[0] rewriteTarget', value: '"v1"', rule: 'path starting with "/"' },
  { name: 'rewriteTarget with a capture reference', build: route({ path: '/api', rewriteTarget: '/$1' }), path: 'test/gw', field: 'routes[0] rewriteTarget', value: '"/$1"', rule: '"$"' },
  { name: 'rewriteTarget on Traefik', build: route({ path: '/api', rewriteTarget: '/' }, { controller: IngressController.traefik() }), path: 'test/gw', field: 'rewriteTarget', value: '"/"', rule: 'cannot express rewriteTarget' },
  { name: 'two rewriteTargets on one ingress-nginx Ingress', build: (c) => { gateway(c, {}, [{ path: '/api', rewriteTarget: '/' }, { path: '/v2', rewriteTarget: '/v2/', backend: c.web }]); }, path: 'test/gw', field: 'routes[1] rewriteTarget', value: '"/v2/"', rule: 'every route of this gateway the same rewriteTarget' },
  { name: 'rewrite of the root prefix to a target without "/"', build: route({ path: '/', rewriteTarget: '/v1' }), path: 'test/gw', field: 'routes[0] rewriteTarget', value: '"/v1"', rule: 'cannot replace the root prefix' },
  { name: 'rewrite of an ImplementationSpecific path', build: route({ path: '/api/(.*)', pathType: PathType.IMPLEMENTATION_SPECIFIC, rewriteTarget: '/' }), path: 'test/gw', field: 'routes[0] rewriteTarget', value: '"/"', rule: 'needs a Prefix or Exact path' },
  {
    name: 'an Ingress backend in another namespace',
    build: (c) => { const pay = new ZeroTrustNamespace(c.chart, 'payments'); route({ backend: new WebApp(c.chart, 'ledger', { namespace: pay, image: 'a:1', containerPort: 9000 }) })(c); },
    path: 'test/gw', field: 'routes[0] backend', value: '"payments/ledger"', rule: 'an Ingress routes only to Services in its own namespace',
  },
  { name: 'Backend.service name uppercase', build: route({ backend: Backend.service('Ledger', 80) }), path: 'test/gw', field: 'routes[0] backend service', value: '"Ledger"', rule: 'DNS-1035 label' },
  { name: 'Backend.service port name uppercase', build: route({ backend: Backend.service('ledger', 'HTTP') }), path: 'test/gw', field: 'routes[0] backend port', value: '"HTTP"', rule: 'IANA service name' },
  { name: 'Backend.service port 70000', build: route({ backend: Backend.service('ledger', 70000) }), path: 'test/gw', field: 'routes[0] backend port', value: '70000', rule: 'port number from 1 to 65535' },
  { name: 'Backend.service podLabels without containerPort', build: route({ backend: Backend.service('ledger', 80, { podLabels: { app: 'ledger' } }) }), path: 'test/gw', field: 'routes[0] backend containerPort', value: 'undefined', rule: 'podLabels and containerPort go together' },
  { name: 'Backend.service with empty podLabels', build: route({ backend: Backend.service('ledger', 80, { podLabels: {}, containerPort: 9000 }) }), path: 'test/gw', field: 'routes[0] backend podLabels', value: '{}', rule: 'at least one label' },
  { name: 'a backend that is not a WebApp', build: route({ backend: 'api' as unknown as WebApp }), path: 'test/gw', field: 'routes[0] backend', value: '"api"', rule: 'must be a WebApp or a Backend' },
  {
    name: 'an Ingress backend Service that does not exist (synth-time check)',
    build: route({ backend: Backend.service('ghost', 80) }),
    path: 'test/gw/Ingress', field: 'Ingress production/gw spec.rules[0].http.paths[0].backend.service.name', value: '"ghost"', rule: 'there is no Service "ghost" in namespace "production"',
  },

  // ApiGateway: TLS and controllers -----------------------------------------------------------
  { name: 'ACM certificates on ingress-nginx', build: gw({ tls: Tls.acm() }), path: 'test/gw', field: 'tls', value: '"Tls.acm()"', rule: 'not ACM' },
  { name: 'a TLS Secret on the AWS ALB', build: gw({ controller: IngressController.awsAlb({ vpcCidrs: ['10.0.0.0/16'] }) }), path: 'test/gw', field: 'tls', value: '"Tls.secret(\\"gw-cert\\")"', rule: 'use Tls.acm()' },
  { name: 'Tls.certManager with no issuer', build: gw({ tls: Tls.certManager({}) }), path: 'test/gw', field: 'tls issuer', value: '{}', rule: 'exactly one of clusterIssuer and issuer' },
  { name: 'Tls.certManager with both issuers', build: gw({ tls: Tls.certManager({ clusterIssuer: 'le', issuer: 'ca' }) }), path: 'test/gw', field: 'tls issuer', value: '{"clusterIssuer":"le","issuer":"ca"}', rule: 'exactly one of clusterIssuer and issuer' },
  { name: 'clusterIssuer with uppercase', build: gw({ tls: Tls.certManager({ clusterIssuer: 'LetsEncrypt' }) }), path: 'test/gw', field: 'tls clusterIssuer', value: '"LetsEncrypt"', rule: 'must name a cert-manager issuer' },
  { name: 'an ACM ARN of another service', build: gw({ controller: IngressController.awsAlb({ vpcCidrs: ['10.0.0.0/16'] }), tls: Tls.acm({ certificateArns: ['arn:aws:iam::123456789012:server-certificate/x'] }) }), path: 'test/gw', field: 'tls certificateArns[0]', value: '"arn:aws:iam::123456789012:server-certificate/x"', rule: 'ACM certificate ARN' },
  { name: 'Tls.secret empty', build: gw({ tls: Tls.secret('') }), path: 'test/gw', field: 'tls secretName', value: '""', rule: 'non-empty' },
  { name: 'Tls.secret with a space', build: gw({ tls: Tls.secret('gw cert') }), path: 'test/gw', field: 'tls secretName', value: '"gw cert"', rule: 'DNS-1123 subdomain' },
  {
    name: 'two gateways issuing into one cert-manager Secret',
    build: (c) => {
      gateway(c, { tls: Tls.certManager({ clusterIssuer: 'le', secretName: 'shared-tls' }) });
      new ApiGateway(c.chart, 'gw2', { namespace: c.prod, controller: IngressController.nginx(), tls: Tls.certManager({ clusterIssuer: 'le', secretName: 'shared-tls' }), routes: [{ host: 'b.example.com', backend: c.web }] });
    },
    path: 'test/gw2', field: 'tls secretName', value: '"shared-tls"', rule: 'a Certificate named "shared-tls" already exists',
  },
  {
    name: 'two gateways with one Ingress name',
    build: (c) => { gateway(c); new ApiGateway(c.chart, 'gw2', { name: 'gw', namespace: c.prod, controller: IngressController.nginx(), tls: Tls.none(), routes: [{ host: 'b.example.com', backend: c.web }] }); },
    path: 'test/gw2', field: 'name', value: '"gw"', rule: 'Ingress named "gw" already exists in namespace "production" (declared at test/gw)',
  },
  { name: 'controller namespace with a space', build: gw({ controller: IngressController.nginx({ namespace: 'ingress nginx' }) }), path: 'test/gw', field: 'controller namespace', value: '"ingress nginx"', rule: 'DNS-1123 label' },
  { name: 'controller podLabels empty', build: gw({ controller: IngressController.traefik({ podLabels: {} }) }), path: 'test/gw', field: 'controller podLabels', value: '{}', rule: 'empty selector would allow every pod' },
  { name: 'controller className uppercase', build: gw({ controller: IngressController.nginx({ className: 'Nginx' }) }), path: 'test/gw', field: 'controller className', value: '"Nginx"', rule: 'DNS-1123 subdomain' },
  { name: 'controller name with a dot', build: gw({ controller: IngressController.nginx({ name: 'nginx.public' }) }), path: 'test/gw', field: 'controller name', value: '"nginx.public"', rule: 'DNS-1123 label' },
  { name: 'custom controller with neither pods nor cidrs', build: gw({ controller: IngressController.custom({ name: 'haproxy', className: 'haproxy' }) }), path: 'test/gw', field: 'controller source', value: '{}', rule: 'exactly one of pods' },
  { name: 'custom controller from every address', build: gw({ controller: IngressController.custom({ name: 'lb', className: 'lb', cidrs: ['0.0.0.0/0'] }) }), path: 'test/gw', field: 'controller cidrs[0]', value: '"0.0.0.0/0"', rule: 'not every address' },
  { name: 'custom controller without a className for an Ingress', build: gw({ controller: IngressController.custom({ name: 'haproxy', pods: { namespace: 'haproxy', labels: { app: 'haproxy' } } }) }), path: 'test/gw', field: 'controller className', value: 'undefined', rule: 'needs a className for Ingress output' },
  { name: 'AWS ALB without VPC CIDRs', build: gw({ controller: IngressController.awsAlb({ vpcCidrs: [] }), tls: Tls.acm() }), path: 'test/gw', field: 'controller vpcCidrs', value: '[]', rule: 'must list the CIDRs' },
  { name: 'AWS ALB scheme "public"', build: gw({ controller: IngressController.awsAlb({ vpcCidrs: ['10.0.0.0/16'], scheme: 'public' as AlbScheme }), tls: Tls.acm() }), path: 'test/gw', field: 'controller scheme', value: '"public"', rule: '"internal" or "internet-facing"' },

  // ApiGateway: features and annotations ------------------------------------------------------
  { name: 'annotation key with a space', build: gw({ annotations: { 'nginx.ingress.kubernetes.io/proxy body': '1m' } }), path: 'test/gw', field: 'annotations key', value: '"nginx.ingress.kubernetes.io/proxy body"', rule: 'label key' },
  { name: 'annotation value a boolean', build: gw({ annotations: { 'example.com/enabled': true as unknown as string } }), path: 'test/gw', field: 'annotations["example.com/enabled"]', value: 'true', rule: 'must be a string' },
  { name: 'a snippet annotation', build: gw({ annotations: { 'nginx.ingress.kubernetes.io/configuration-snippet': 'return 200;' } }), path: 'test/gw', field: 'annotations["nginx.ingress.kubernetes.io/configuration-snippet"]', value: '"return 200;"', rule: 'CVE-2021-25742' },
  { name: 'the deprecated ingress.class annotation', build: gw({ annotations: { 'kubernetes.io/ingress.class': 'nginx' } }), path: 'test/gw', field: 'annotations["kubernetes.io/ingress.class"]', value: '"nginx"', rule: 'deprecated' },
  { name: 'an annotation a typed option sets', build: gw({ maxRequestBodySize: Size.mebibytes(8), annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '1m' } }), path: 'test/gw', field: 'annotations["nginx.ingress.kubernetes.io/proxy-body-size"]', value: '"1m"', rule: 'conflicts with the value "8m"' },
  { name: 'annotation value with NEL', build: gw({ annotations: { 'example.com/owner': 'team\u0085pay' } }), path: 'test/gw', field: 'annotations["example.com/owner"]', value: '"team\\u0085pay"', rule: 'must not contain U+0085' },
  {
    name: 'a snippet smuggled in a custom controller\'s tlsAnnotations',
    build: gw({ controller: IngressController.custom({ name: 'haproxy', className: 'haproxy', cidrs: ['10.0.0.0/16'], tlsAnnotations: { 'haproxy.org/backend-config-snippet': 'http-request allow' } }) }),
    path: 'test/gw', field: 'controller tlsAnnotations["haproxy.org/backend-config-snippet"]', value: '"http-request allow"', rule: 'CVE-2021-25742',
  },
  { name: 'a body size below 1 KiB', build: gw({ maxRequestBodySize: Size.kibibytes(0.5) }), path: 'test/gw', field: 'maxRequestBodySize', value: '"0.5KiB"', rule: 'whole number of KiB' },
  { name: 'timeouts with nothing set', build: gw({ timeouts: {} }), path: 'test/gw', field: 'timeouts', value: '{}', rule: 'at least one of readSeconds' },
  { name: 'a read timeout of 0 seconds', build: gw({ timeouts: { readSeconds: 0 } }), path: 'test/gw', field: 'timeouts.readSeconds', value: '0', rule: 'whole number of seconds' },
  { name: 'CORS with no origin', build: gw({ cors: { allowOrigins: [] } }), path: 'test/gw', field: 'cors.allowOrigins', value: '[]', rule: 'at least one origin' },
  { name: 'CORS origin with a path', build: gw({ cors: { allowOrigins: ['https://app.example.com/'] } }), path: 'test/gw', field: 'cors.allowOrigins[0]', value: '"https://app.example.com/"', rule: 'without a path' },
  { name: 'CORS credentials with origin "*"', build: gw({ cors: { allowOrigins: ['*'], allowCredentials: true } }), path: 'test/gw', field: 'cors.allowCredentials', value: 'true', rule: 'cannot be combined with origin "*"' },
  { name: 'CORS method in lowercase', build: gw({ cors: { allowOrigins: ['https://app.example.com'], allowMethods: ['get'] } }), path: 'test/gw', field: 'cors.allowMethods[0]', value: '"get"', rule: 'uppercase HTTP method' },
  { name: 'rate limit of 0', build: gw({ rateLimit: { requestsPerSecond: 0 } }), path: 'test/gw', field: 'rateLimit.requestsPerSecond', value: '0', rule: 'whole number of requests' },
  { name: 'an empty sourceAllowlist', build: gw({ sourceAllowlist: [] }), path: 'test/gw', field: 'sourceAllowlist', value: '[]', rule: 'at least one CIDR' },
  { name: 'a sourceAllowlist address without a prefix', build: gw({ sourceAllowlist: ['203.0.113.7'] }), path: 'test/gw', field: 'sourceAllowlist[0]', value: '"203.0.113.7"', rule: 'did you mean "203.0.113.7/32"' },
  { name: 'CORS on Traefik', build: gw({ controller: IngressController.traefik(), cors: { allowOrigins: ['*'] } }), path: 'test/gw', field: 'cors', value: '{"allowOrigins":["*"]}', rule: 'Middleware CRD of type Headers' },
  { name: 'a rate limit on the AWS ALB', build: gw({ controller: IngressController.awsAlb({ vpcCidrs: ['10.0.0.0/16'] }), tls: Tls.acm(), rateLimit: { requestsPerSecond: 10 } }), path: 'test/gw', field: 'rateLimit', value: '{"requestsPerSecond":10}', rule: 'AWS WAF' },
  { name: 'different read and send timeouts on the AWS ALB', build: gw({ controller: IngressController.awsAlb({ vpcCidrs: ['10.0.0.0/16'] }), tls: Tls.acm(), timeouts: { readSeconds: 30, sendSeconds: 60 } }), path: 'test/gw', field: 'timeouts', value: '{"readSeconds":30,"sendSeconds":60}', rule: 'one idle timeout' },
  { name: 'typed features on a custom controller', build: gw({ controller: IngressController.custom({ name: 'haproxy', className: 'haproxy', cidrs: ['10.0.0.0/16'] }), rateLimit: { requestsPerSecond: 10 } }), path: 'test/gw', field: 'rateLimit', value: '{"requestsPerSecond":10}', rule: 'custom controller haproxy cannot express rateLimit' },

  // ApiGateway: Gateway API output ------------------------------------------------------------
  { name: 'an ImplementationSpecific path on an HTTPRoute', build: route({ path: '/api', pathType: PathType.IMPLEMENTATION_SPECIFIC }, httpRoute()), path: 'test/gw', field: 'routes[0] pathType', value: '"ImplementationSpecific"', rule: 'no portable Gateway API match' },
  { name: 'a named backend port on an HTTPRoute', build: route({ backend: Backend.service('ledger', 'http') }, httpRoute()), path: 'test/gw', field: 'routes[0] backend port', value: '"http"', rule: 'must be a number' },
  { name: 'ingress-nginx for HTTPRoutes', build: gw(httpRoute({ controller: IngressController.nginx() })), path: 'test/gw', field: 'api', value: '"RoutingApi.httpRoute()"', rule: 'implements the Ingress API only, not the Gateway API' },
  { name: 'the AWS Load Balancer Controller for HTTPRoutes', build: gw(httpRoute({ controller: IngressController.awsAlb({ vpcCidrs: ['10.0.0.0/16'] }), tls: Tls.none() })), path: 'test/gw', field: 'api', value: '"RoutingApi.httpRoute()"', rule: 'its Gateway API support defaults to instance targets' },
  { name: 'ACM on an HTTPRoute', build: gw(httpRoute({ tls: Tls.acm() })), path: 'test/gw', field: 'tls', value: '"Tls.acm()"', rule: 'a Gateway terminates TLS with certificateRefs' },
  { name: 'cert-manager for a Gateway the gateway does not create', build: gw(httpRoute({ tls: Tls.certManager({ clusterIssuer: 'le' }) })), path: 'test/gw', field: 'tls', value: '"Tls.certManager()"', rule: 'set createGateway' },
  { name: 'a typed feature on an HTTPRoute', build: gw(httpRoute({ sourceAllowlist: ['10.0.0.0/8'] })), path: 'test/gw', field: 'sourceAllowlist', value: '["10.0.0.0/8"]', rule: 'Gateway API output (HTTPRoute) cannot express sourceAllowlist' },
  { name: 'sectionName with createGateway', build: gw(httpRoute({ api: RoutingApi.httpRoute({ gateway: { name: 'shared', sectionName: 'https' }, createGateway: { gatewayClassName: 'eg' } }) })), path: 'test/gw', field: 'api gateway.sectionName', value: '"https"', rule: 'must not be set with createGateway' },
  { name: 'Gateway name uppercase', build: gw(httpRoute({ api: RoutingApi.httpRoute({ gateway: { name: 'Shared' } }) })), path: 'test/gw', field: 'api gateway.name', value: '"Shared"', rule: 'DNS-1123 subdomain' },
  { name: 'the HTTPS and HTTP listeners are one', build: gw(httpRoute({ api: RoutingApi.httpRoute({ gateway: { name: 'shared', sectionName: 'web', httpSectionName: 'web' } }) })), path: 'test/gw', field: 'api gateway.sectionName', value: '"web"', rule: 'must differ from httpSectionName' },
  { name: 'two hosts with one HTTPRoute name', build: (c) => { gateway(c, httpRoute(), [{ host: '*.example.com' }, { host: 'wildcard.example.com' }]); }, path: 'test/gw', field: 'routes[1] host', value: '"wildcard.example.com"', rule: 'gives the HTTPRoute name "gw-wildcard.example.com"' },
  {
    name: 'seventeen rewritten routes on one host',
    build: (c) => { gateway(c, httpRoute(), Array.from({ length: 17 }, (_, i) => ({ path: `/r${i}`, rewriteTarget: '/' }))); },
    path: 'test/gw', field: 'routes[16] path', value: '"/r16"', rule: 'Gateway API allows 16 per HTTPRoute',
  },

  // Argo CD -----------------------------------------------------------------------------------
  { name: 'Application repoURL without a scheme', build: argo({ repoURL: 'github.com/acme/platform' }), path: 'argocd/shop', field: 'repoURL', value: '"github.com/acme/platform"', rule: 'Git repository URL' },
  { name: 'Application repoURL with a trailing newline', build: argo({ repoURL: `${REPO}\n` }), path: 'argocd/shop', field: 'repoURL', value: q(`${REPO}\n`), rule: 'without whitespace' },
  { name: 'Application path absolute', build: argo({ path: '/dist' }), path: 'argocd/shop', field: 'path', value: '"/dist"', rule: 'relative to the repository root' },
  { name: 'Application path leaving the repository', build: argo({ path: '../dist' }), path: 'argocd/shop', field: 'path', value: '"../dist"', rule: 'no ".." segments' },
  { name: 'Application name of 64 characters', build: argo({ name: LONG }), path: 'argocd/shop', field: 'name', value: q(LONG), rule: 'at most 63 characters' },
  { name: 'Application destination by server and by name', build: argo({ destination: { server: 'https://eu.example', name: 'eu' } }), path: 'argocd/shop', field: 'destination', value: '{"server":"https://eu.example","name":"eu"}', rule: 'not both' },
  { name: 'Application destination name blank', build: argo({ destination: { name: ' ' } }), path: 'argocd/shop', field: 'destination.name', value: '" "', rule: 'non-empty name of a cluster' },
  { name: 'Application CreateNamespace=true', build: argo({ syncOptions: ['CreateNamespace=true'] }), path: 'argocd/shop', field: 'syncOptions[0]', value: '"CreateNamespace=true"', rule: 'must not create namespaces' },
  { name: 'Application selfHeal without automated sync', build: argo({ autoSync: false, selfHeal: true }), path: 'argocd/shop', field: 'selfHeal', value: 'true', rule: 'only applies to automated sync' },
  { name: 'Application targetRevision blank', build: argo({ targetRevision: ' ' }), path: 'argocd/shop', field: 'targetRevision', value: '" "', rule: 'without whitespace' },
  { name: 'Application namespace with a space', build: argo({ namespace: 'argo cd' }), path: 'argocd/shop', field: 'namespace', value: '"argo cd"', rule: 'DNS-1123 label' },
  { name: 'ApplicationSet list of no cluster', build: appSet(() => ClusterGenerator.list([])), path: 'argocd/fleet', field: 'generator clusters', value: '[]', rule: 'at least one cluster' },
  { name: 'ApplicationSet cluster server without a scheme', build: appSet(() => ClusterGenerator.list([{ name: 'eu', server: 'eu.k8s.example' }])), path: 'argocd/fleet', field: 'generator clusters[0].server', value: '"eu.k8s.example"', rule: 'cluster API server URL' },
  { name: 'ApplicationSet cluster label with a space', build: appSet(() => ClusterGenerator.selector({ env: 'prod eu' })), path: 'argocd/fleet', field: 'generator matchLabels["env"]', value: '"prod eu"', rule: 'label value' },

  // NetworkModel options ----------------------------------------------------------------------
  { name: 'skipChecks naming no check', build: (c) => NetworkModel.of(c.app).configure({ skipChecks: ['nodeport'] }), path: 'cdk8s-networking', field: 'NetworkModel.configure() skipChecks', value: '["nodeport"]', rule: 'no such check' },
  { name: 'sharedNamespaces naming a plain namespace', build: (c) => NetworkModel.of(c.app).configure({ sharedNamespaces: ['legacy'] }), path: 'cdk8s-networking', field: 'NetworkModel.configure() sharedNamespaces', value: '["legacy"]', rule: 'must name zero-trust namespaces' },
  { name: 'externalBackends without a namespace', build: (c) => NetworkModel.of(c.app).configure({ externalBackends: ['ledger'] }), path: 'cdk8s-networking', field: 'NetworkModel.configure() externalBackends', value: '["ledger"]', rule: '"<namespace>/<service name>"' },
];

/** Every file below `dir` (relative paths). */
function filesBelow(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory()
    ? filesBelow(path.join(dir, e.name)).map((f) => path.join(e.name, f))
    : [e.name]));
}

describe('bad-input corpus', () => {
  test('holds at least 80 distinct cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    expect(new Set(cases.map((c) => `${c.path} ${c.field} ${c.value} ${c.rule}`)).size).toBe(cases.length);
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const app = testApp();
    expect(filesBelow(app.outdir)).toEqual([]);
    let error: Error | undefined;
    try {
      const chart = new Chart(app, 'test');
      const prod = new ZeroTrustNamespace(chart, 'production');
      const api = new WebApp(chart, 'api', { namespace: prod, image: 'ghcr.io/acme/api:1.0.0', containerPort: 3000 });
      const web = new WebApp(chart, 'web', { namespace: prod, image: 'ghcr.io/acme/web:1.0.0', containerPort: 8080 });
      c.build({ app, chart, prod, api, web });
      app.synth();
    } catch (e) {
      error = e as Error;
    }
    if (!error) {
      let schema = 'passed the schemas';
      try { readOutput(app.outdir); } catch (e) { schema = `failed the schemas: ${(e as Error).message}`; }
      throw new Error(`expected an error, but synth wrote ${filesBelow(app.outdir).join(', ')}; the output ${schema}`);
    }
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain(`${c.path}: ${c.field} ${c.value} is invalid: `);
    expect(error.message).toContain(c.rule);
    expect(filesBelow(app.outdir)).toEqual([]);
    fs.rmSync(app.outdir, { recursive: true, force: true });
  });
});
