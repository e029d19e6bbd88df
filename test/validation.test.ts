/**
 * One case per validation rule of the foundation constructs. Each asserts the library's error
 * format: `<construct path>: <field> <value> is invalid: <rule>`.
 */
import type { App } from 'cdk8s';
import { Chart } from 'cdk8s';
import type { Protocol, WebAppProps } from '../lib';
import * as kplus from 'cdk8s-plus-27';
import { ApiGateway, Cni, ExternalService, ExternalTrafficPolicy, IngressController, NetworkModel, Peer, Port, ServiceType, Tls, ValidationError, WebApp, ZeroTrustNamespace } from '../lib';
import { testApp } from './util';

const base: WebAppProps = { namespace: 'production', image: 'ghcr.io/acme/api:1.0.0', containerPort: 3000 };

interface Case {
  readonly rule: string;
  readonly build: (chart: Chart) => void;
  /** Path, field and value must all appear in the message, and the rule text must match. */
  readonly path: string;
  readonly field: string;
  readonly value: string;
  readonly message: RegExp;
}

const webApp = (props: Partial<WebAppProps>, id = 'api') => (chart: Chart) => new WebApp(chart, id, { ...base, ...props } as WebAppProps);

const cases: Case[] = [
  { rule: 'app name is a DNS-1035 label', build: webApp({ name: '1api' }), path: 'test/api', field: 'name', value: '"1api"', message: /DNS-1035 label/ },
  { rule: 'app name has at most 63 characters', build: webApp({ name: 'a'.repeat(64) }), path: 'test/api', field: 'name', value: `"${'a'.repeat(64)}"`, message: /at most 63 characters/ },
  { rule: 'app name is lowercase', build: webApp({ name: 'Api' }), path: 'test/api', field: 'name', value: '"Api"', message: /DNS-1035/ },
  { rule: 'app name from the id is checked too', build: webApp({}, 'my_api'), path: 'test/my_api', field: 'name', value: '"my_api"', message: /DNS-1035/ },
  { rule: 'serviceName is a DNS-1035 label', build: webApp({ serviceName: 'api.svc' }), path: 'test/api', field: 'serviceName', value: '"api.svc"', message: /DNS-1035/ },
  { rule: 'namespace is a DNS-1123 label', build: webApp({ namespace: 'Prod' }), path: 'test/api', field: 'namespace', value: '"Prod"', message: /DNS-1123 label/ },
  { rule: 'namespace has at most 63 characters', build: webApp({ namespace: 'n'.repeat(64) }), path: 'test/api', field: 'namespace', value: `"${'n'.repeat(64)}"`, message: /at most 63/ },
  { rule: 'namespace is not empty', build: webApp({ namespace: '' }), path: 'test/api', field: 'namespace', value: '""', message: /non-empty/ },
  { rule: 'image has no whitespace', build: webApp({ image: 'nginx latest' }), path: 'test/api', field: 'image', value: '"nginx latest"', message: /without whitespace/ },
  { rule: 'image is not empty', build: webApp({ image: ' ' }), path: 'test/api', field: 'image', value: '" "', message: /non-empty image/ },
  { rule: 'containerPort is at least 1', build: webApp({ containerPort: 0 }), path: 'test/api', field: 'containerPort', value: '0', message: /port number from 1 to 65535/ },
  { rule: 'containerPort is at most 65535', build: webApp({ containerPort: 70000 }), path: 'test/api', field: 'containerPort', value: '70000', message: /1 to 65535/ },
  { rule: 'containerPort is an integer', build: webApp({ containerPort: 80.5 }), path: 'test/api', field: 'containerPort', value: '80.5', message: /1 to 65535/ },
  { rule: 'servicePort is a port', build: webApp({ servicePort: 65536 }), path: 'test/api', field: 'servicePort', value: '65536', message: /1 to 65535/ },
  { rule: 'replicas is a whole number', build: webApp({ replicas: -1 }), path: 'test/api', field: 'replicas', value: '-1', message: /whole number/ },
  { rule: 'env names are valid', build: webApp({ env: { '1BAD': 'x' } }), path: 'test/api', field: 'env key', value: '"1BAD"', message: /environment variable name/ },
  { rule: 'serviceType is known', build: webApp({ serviceType: 'External' as ServiceType }), path: 'test/api', field: 'serviceType', value: '"External"', message: /must be one of ClusterIP/ },
  { rule: 'nodePort only on NodePort/LoadBalancer', build: webApp({ nodePort: 30080 }), path: 'test/api', field: 'nodePort', value: '30080', message: /only applies to NodePort and LoadBalancer services, not ClusterIP/ },
  { rule: 'nodePort within the default range', build: webApp({ serviceType: ServiceType.NODE_PORT, nodePort: 8080 }), path: 'test/api', field: 'nodePort', value: '8080', message: /from 30000 to 32767/ },
  { rule: 'nodePort within a configured range', build: webApp({ serviceType: ServiceType.NODE_PORT, nodePort: 30000, nodePortRange: { min: 20000, max: 22767 } }), path: 'test/api', field: 'nodePort', value: '30000', message: /from 20000 to 22767/ },
  { rule: 'nodePortRange is ordered', build: webApp({ serviceType: ServiceType.NODE_PORT, nodePort: 30000, nodePortRange: { min: 32000, max: 31000 } }), path: 'test/api', field: 'nodePortRange.max', value: '31000', message: /not below nodePortRange.min/ },
  { rule: 'loadBalancerSourceRanges only on LoadBalancer', build: webApp({ serviceType: ServiceType.NODE_PORT, loadBalancerSourceRanges: ['10.0.0.0/8'] }), path: 'test/api', field: 'loadBalancerSourceRanges', value: '["10.0.0.0/8"]', message: /only applies to LoadBalancer services, not NodePort/ },
  { rule: 'loadBalancerSourceRanges are CIDRs', build: webApp({ serviceType: ServiceType.LOAD_BALANCER, loadBalancerSourceRanges: ['10.0.0.1'] }), path: 'test/api', field: 'loadBalancerSourceRanges[0]', value: '"10.0.0.1"', message: /did you mean "10.0.0.1\/32"/ },
  { rule: 'externalTrafficPolicy only on external services', build: webApp({ externalTrafficPolicy: ExternalTrafficPolicy.LOCAL }), path: 'test/api', field: 'externalTrafficPolicy', value: '"Local"', message: /only applies to NodePort and LoadBalancer/ },
  { rule: 'externalTrafficPolicy is Cluster or Local', build: webApp({ serviceType: ServiceType.LOAD_BALANCER, externalTrafficPolicy: 'Nearest' as ExternalTrafficPolicy }), path: 'test/api', field: 'externalTrafficPolicy', value: '"Nearest"', message: /Cluster or Local/ },
  { rule: 'resources are positive', build: webApp({ resources: { cpuRequestMillis: 0 } }), path: 'test/api', field: 'resources.cpuRequestMillis', value: '0', message: /positive whole number/ },
  { rule: 'memory limit is not below the request', build: webApp({ resources: { memoryRequestMebibytes: 512 } }), path: 'test/api', field: 'resources.memoryLimitMebibytes', value: '256', message: /not be below the memory request 512/ },
  { rule: 'cpu limit is not below the request', build: webApp({ resources: { cpuRequestMillis: 500, cpuLimitMillis: 100 } }), path: 'test/api', field: 'resources.cpuLimitMillis', value: '100', message: /not be below the CPU request 500/ },
  { rule: 'healthCheckPath starts with /', build: webApp({ healthCheckPath: 'healthz' }), path: 'test/api', field: 'healthCheckPath', value: '"healthz"', message: /starting with "\/"/ },
  { rule: 'partOf is a label value', build: webApp({ partOf: 'my shop' }), path: 'test/api', field: 'partOf', value: '"my shop"', message: /label value/ },
  { rule: 'clusterDomain is a DNS subdomain', build: webApp({ clusterDomain: 'cluster_local' }), path: 'test/api', field: 'clusterDomain', value: '"cluster_local"', message: /DNS-1123 subdomain/ },
  { rule: 'podSpec fields are k8s.PodSpec fields', build: webApp({ podSpec: { hostPID: false } as any }), path: 'test/api', field: 'podSpec.hostPID', value: 'false', message: /is invalid: is not a field of cdk8s-plus's k8s\.PodSpec, or holds one that is not, so it would be left out of the manifest \(fields are named as in cdk8s-plus's generated types: hostPid where the YAML says hostPID\)$/ },
  { rule: 'container fields hold known fields', build: webApp({ container: { lifecycle: { preStopp: { exec: { command: ['sleep', '5'] } } } } as any }), path: 'test/api', field: 'container.lifecycle', value: '{"preStopp":{"exec":{"command":["sleep","5"]}}}', message: /is not a field of cdk8s-plus's k8s\.Container, or holds one that is not/ },
  { rule: 'pods are not on the host network', build: webApp({ podSpec: { hostNetwork: true } }), path: 'test/api', field: 'podSpec.hostNetwork', value: 'true', message: /is invalid: must not be true: NetworkPolicies do not apply to pods on the host network, so the app's default-deny, its declared flows and their proof would not hold; run such a workload with cdk8s-plus and Peer\.nodes\(\)$/ },
  { rule: 'runAsUser is not root', build: webApp({ runAsUser: 0 }), path: 'test/api', field: 'runAsUser', value: '0', message: /non-root user id/ },
  {
    rule: 'two apps cannot share a Service name in one namespace',
    build: (chart) => { new WebApp(chart, 'api', base); new WebApp(chart, 'api2', { ...base, name: 'api' }); },
    path: 'test/api2', field: 'name', value: '"api"', message: /a Service named "api" already exists in namespace "production" \(declared at test\/api\)/,
  },
  {
    rule: 'an ExternalService cannot take a WebApp\'s Service name',
    build: (chart) => { new WebApp(chart, 'api', base); new ExternalService(chart, 'ext', { namespace: 'production', name: 'api', externalName: 'api.example.com' }); },
    path: 'test/ext', field: 'name', value: '"api"', message: /already exists/,
  },
  { rule: 'externalName is not an IP', build: (chart) => new ExternalService(chart, 'ext', { namespace: 'production', externalName: '10.0.0.1' }), path: 'test/ext', field: 'externalName', value: '"10.0.0.1"', message: /DNS name, not an IP/ },
  { rule: 'externalName is not an IPv6 address', build: (chart) => new ExternalService(chart, 'ext', { namespace: 'production', externalName: '2001:db8::1' }), path: 'test/ext', field: 'externalName', value: '"2001:db8::1"', message: /not an IP/ },
  { rule: 'externalName is a DNS name', build: (chart) => new ExternalService(chart, 'ext', { namespace: 'production', externalName: 'api_payments.example' }), path: 'test/ext', field: 'externalName', value: '"api_payments.example"', message: /DNS-1123 subdomain/ },
  { rule: 'ExternalService name is a DNS-1035 label', build: (chart) => new ExternalService(chart, 'ext', { namespace: 'production', name: 'pay.ments', externalName: 'a.example' }), path: 'test/ext', field: 'name', value: '"pay.ments"', message: /DNS-1035/ },
  { rule: 'namespace name is a DNS-1123 label', build: (chart) => new ZeroTrustNamespace(chart, 'ns', { name: 'Prod_1' }), path: 'test/ns', field: 'name', value: '"Prod_1"', message: /DNS-1123 label/ },
  { rule: 'namespace name has at most 63 characters', build: (chart) => new ZeroTrustNamespace(chart, 'ns', { name: 'x'.repeat(64) }), path: 'test/ns', field: 'name', value: `"${'x'.repeat(64)}"`, message: /at most 63 characters/ },
  {
    rule: 'a namespace is declared once',
    build: (chart) => { new ZeroTrustNamespace(chart, 'a', { name: 'prod' }); new ZeroTrustNamespace(chart, 'b', { name: 'prod' }); },
    path: 'test/b', field: 'name', value: '"prod"', message: /already declared at test\/a/,
  },
  { rule: 'namespace labels are valid', build: (chart) => new ZeroTrustNamespace(chart, 'ns', { labels: { team: 'pay ments' } }), path: 'test/ns', field: 'labels["team"]', value: '"pay ments"', message: /label value/ },
  { rule: 'namespace labels do not set the Pod Security level', build: (chart) => new ZeroTrustNamespace(chart, 'ns', { labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } }), path: 'test/ns', field: 'labels["pod-security.kubernetes.io/enforce"]', value: '"privileged"', message: /is invalid: is set from podSecurity \("restricted"\) on enforce, audit and warn alike: choose the level with podSecurity$/ },
  { rule: 'namespace labels do not replace managed-by', build: (chart) => new ZeroTrustNamespace(chart, 'ns', { labels: { 'app.kubernetes.io/managed-by': 'helm' } }), path: 'test/ns', field: 'labels["app.kubernetes.io/managed-by"]', value: '"helm"', message: /is invalid: is set to "cdk8s-networking" by ZeroTrustNamespace$/ },
  { rule: 'namespace labels do not rename the namespace', build: (chart) => new ZeroTrustNamespace(chart, 'ns', { name: 'prod', labels: { 'kubernetes.io/metadata.name': 'production' } }), path: 'test/ns', field: 'labels["kubernetes.io/metadata.name"]', value: '"production"', message: /is invalid: is set by the API server to the namespace name "prod"$/ },
  { rule: 'DNS options need allowDns', build: (chart) => new ZeroTrustNamespace(chart, 'ns', { allowDns: false, dns: { cidrs: ['169.254.20.10/32'] } }), path: 'test/ns', field: 'dns', value: '{"cidrs":["169.254.20.10/32"]}', message: /is invalid: only applies with allowDns: with allowDns false no DNS rule is written, so these options would do nothing$/ },
  { rule: 'DNS cidrs are CIDRs', build: (chart) => new ZeroTrustNamespace(chart, 'ns', { dns: { cidrs: ['169.254.20.10'] } }), path: 'test/ns', field: 'dns.cidrs[0]', value: '"169.254.20.10"', message: /did you mean "169.254.20.10\/32"/ },
  { rule: 'podSecurity is a known level', build: (chart) => new ZeroTrustNamespace(chart, 'ns', { podSecurity: 'strict' as any }), path: 'test/ns', field: 'podSecurity', value: '"strict"', message: /must be one of "restricted", "baseline", "privileged"/ },
  { rule: 'Peer.cidr must be a CIDR', build: (chart) => new WebApp(chart, 'api', base).allowEgressTo(Peer.cidr('not-a-cidr'), Port.tcp(443)), path: 'test/api', field: 'allowEgressTo', value: '"not-a-cidr"', message: /IPv4 or IPv6 CIDR/ },
  { rule: 'Peer.cidr host bits are zero', build: (chart) => new WebApp(chart, 'api', base).allowEgressTo(Peer.cidr('10.1.2.3/8'), Port.tcp(443)), path: 'test/api', field: 'allowEgressTo', value: '"10.1.2.3/8"', message: /host bits zero/ },
  { rule: 'Peer.cidr IPv6 prefix is in range', build: (chart) => new WebApp(chart, 'api', base).allowEgressTo(Peer.cidr('2001:db8::/129'), Port.tcp(443)), path: 'test/api', field: 'allowEgressTo', value: '"2001:db8::/129"', message: /CIDR/ },
  { rule: 'Peer.cidr prefix length has no leading 0', build: (chart) => new WebApp(chart, 'api', base).allowEgressTo(Peer.cidr('10.0.0.0/08'), Port.tcp(443)), path: 'test/api', field: 'allowEgressTo', value: '"10.0.0.0/08"', message: /is invalid: must not have a leading 0 in its prefix length \(the API server refuses it\): write "\/8"$/ },
  { rule: 'Peer.cidr is not IPv4-mapped IPv6', build: (chart) => new WebApp(chart, 'api', base).allowEgressTo(Peer.cidr('::ffff:10.0.0.0/104'), Port.tcp(443)), path: 'test/api', field: 'allowEgressTo', value: '"::ffff:10.0.0.0/104"', message: /is invalid: must not be an IPv4-mapped IPv6 address \("::ffff:a\.b\.c\.d", which the API server refuses\): write the IPv4 CIDR$/ },
  { rule: 'Peer.cidr except entries are CIDRs', build: (chart) => new WebApp(chart, 'api', base).allowEgressTo(Peer.cidr('10.0.0.0/8', ['10.1.0.0']), Port.tcp(443)), path: 'test/api', field: 'allowEgressTo except', value: '"10.1.0.0"', message: /did you mean/ },
  { rule: 'ports are at most 65535', build: (chart) => new WebApp(chart, 'api', base).allowEgressTo(Peer.cidr('10.0.0.0/8'), Port.tcp(70000)), path: 'test/api', field: 'allowEgressTo ports[0]', value: '70000', message: /1 to 65535/ },
  { rule: 'ports are at least 1', build: (chart) => new WebApp(chart, 'api', base).allowEgressTo(Peer.cidr('10.0.0.0/8'), Port.udp(0)), path: 'test/api', field: 'allowEgressTo ports[0]', value: '0', message: /1 to 65535/ },
  { rule: 'a port range ends after it starts', build: (chart) => new WebApp(chart, 'api', base).allowEgressTo(Peer.cidr('10.0.0.0/8'), Port.tcpRange(9000, 8000)), path: 'test/api', field: 'allowEgressTo ports[0]', value: '"TCP/9000-8000"', message: /range end 8000 must not be below its start 9000/ },
  { rule: 'named ports are IANA service names', build: (chart) => new WebApp(chart, 'api', base).allowEgressTo(Peer.cidr('10.0.0.0/8'), Port.named('a-very-long-port-name')), path: 'test/api', field: 'allowEgressTo ports[0]', value: '"a-very-long-port-name"', message: /IANA service name of 1 to 15/ },
  { rule: 'a named port\'s protocol is TCP, UDP or SCTP', build: (chart) => new WebApp(chart, 'api', base).allowIngressFrom(Peer.namespace('monitoring'), Port.named('http', 'tcp' as Protocol)), path: 'test/api', field: 'allowIngressFrom ports[0] protocol', value: '"tcp"', message: /must be one of "TCP", "UDP", "SCTP"$/ },
  { rule: 'flow ports are a list', build: (chart) => new WebApp(chart, 'api', base).allowFrom(Peer.namespace('monitoring'), { ports: Port.tcp(9102) as any }), path: 'test/api', field: 'allowFrom ports', value: '{"protocol":"TCP","number":9102}', message: /is invalid: must be a list of Ports, e\.g\. \[Port\.tcp\(443\)\]$/ },
  { rule: 'each flow port is a Port', build: (chart) => new WebApp(chart, 'api', base).allowEgressTo(Peer.cidr('10.0.0.0/8'), 443 as any), path: 'test/api', field: 'allowEgressTo ports[0]', value: '443', message: /is invalid: must be a Port such as Port\.tcp\(443\), Port\.udpRange\(5000, 5010\) or Port\.named\("http"\)$/ },
  { rule: 'a named port needs pods at the destination', build: (chart) => new WebApp(chart, 'api', base).allowEgressTo(Peer.cidr('10.0.0.0/8'), Port.named('https')), path: 'test/api', field: 'allowEgressTo ports[0]', value: '"https"', message: /is invalid: names a container port, and "cidr-10-0-0-0-8" is not pods: a NetworkPolicy resolves a port name on the destination pods, so towards addresses the rule would admit nothing; give the number, e\.g\. Port\.tcp\(443\)$/ },
  { rule: 'ExternalService ports are Ports', build: (chart) => new ExternalService(chart, 'ext', { namespace: 'production', externalName: 'api.stripe.com', ports: [443 as any] }), path: 'test/ext', field: 'ports[0]', value: '443', message: /must be a Port such as Port\.tcp\(443\)/ },
  { rule: 'ExternalService ports are numbers', build: (chart) => new ExternalService(chart, 'ext', { namespace: 'production', externalName: 'api.stripe.com', ports: [Port.named('https')] }), path: 'test/ext', field: 'ports[0]', value: '"https"', message: /is invalid: must be a port number: a port name is resolved on the destination pods, and an ExternalName Service has none, so a flow to it on a named port would admit nothing$/ },
  { rule: 'a flow to something without ports needs ports', build: (chart) => new WebApp(chart, 'api', base).allowEgressTo(Peer.cidr('10.0.0.0/8')), path: 'test/api', field: 'allowEgressTo ports', value: '"cidr-10-0-0-0-8"', message: /exposes no known port: pass the ports to open/ },
  { rule: 'Peer.pods needs labels', build: (chart) => new WebApp(chart, 'api', base).allowIngressFrom(Peer.pods({ labels: {} }), Port.tcp(3000)), path: 'test/api', field: 'allowIngressFrom labels', value: '{}', message: /needs at least one label/ },
  { rule: 'Peer.pods labels are valid', build: (chart) => new WebApp(chart, 'api', base).allowIngressFrom(Peer.pods({ labels: { 'app': 'a b' } }), Port.tcp(3000)), path: 'test/api', field: 'allowIngressFrom labels["app"]', value: '"a b"', message: /label value/ },
  { rule: 'Peer.namespace is a DNS-1123 label', build: (chart) => new WebApp(chart, 'api', base).allowIngressFrom(Peer.namespace('Ops')), path: 'test/api', field: 'allowIngressFrom namespace', value: '"Ops"', message: /DNS-1123 label/ },
  { rule: 'a guardrail peer is a peer', build: (chart) => NetworkModel.of(chart).forbid({ from: undefined as any, to: Peer.namespace('payments'), reason: 'PCI scope' }), path: 'cdk8s-networking', field: 'forbid() from', value: 'undefined', message: /is invalid: must be a WebApp or a Peer \(Peer\.pods\(\), Peer\.cidr\(\), \.\.\.\)$/ },
  {
    rule: 'a guardrail peer is pods or addresses',
    build: (chart) => NetworkModel.of(chart).forbid({ from: Peer.namespace('shop'), to: Peer.fqdn('api.stripe.com'), reason: 'PCI scope' }),
    path: 'cdk8s-networking', field: 'forbid() to', value: '"Peer.fqdn(\\"api.stripe.com\\")"',
    message: /is invalid: must be pods or addresses \(a WebApp, Peer\.pods\(\), Peer\.namespace\(\), Peer\.workload\(\), Peer\.cidr\(\), Peer\.internet\(\)\): a guardrail cannot match DNS names, the nodes or the API server, so it would never apply$/,
  },
  { rule: 'a guardrail exception is pods or addresses', build: (chart) => NetworkModel.of(chart).forbidInternetEgress({ except: [Peer.nodes()] }), path: 'cdk8s-networking', field: 'forbidInternetEgress() except[0]', value: '"Peer.nodes()"', message: /a guardrail cannot match DNS names, the nodes or the API server/ },
  {
    rule: 'a peer belongs to the same app',
    build: (chart) => new WebApp(chart, 'api', base).allowFrom(new WebApp(new Chart(testApp(), 'other'), 'web', base)),
    path: 'test/api', field: 'allowFrom', value: '"other/web"',
    message: /is invalid: must belong to the same cdk8s App: the flow is rendered by this app, so the other app would never write its side of it \(its namespace's default-deny would drop the traffic\); for pods another app deploys, name them with Peer\.pods\(\{ namespace, labels \}\)$/,
  },
  {
    rule: 'a workload peer belongs to the same app',
    build: (chart) => new WebApp(chart, 'api', base).allowTo(Peer.workload(new kplus.Deployment(new Chart(testApp(), 'other', { namespace: 'cache' }), 'redis', { containers: [{ image: 'redis:7.4', portNumber: 6379 }] }))),
    path: 'test/api', field: 'allowTo', value: '"other/redis"', message: /must belong to the same cdk8s App/,
  },
  {
    rule: 'a route backend belongs to the same app',
    build: (chart) => new ApiGateway(chart, 'gw', { namespace: 'production', controller: IngressController.nginx(), tls: Tls.secret('gw-tls'), routes: [{ host: 'shop.example.com', backend: new WebApp(new Chart(testApp(), 'other'), 'web', base) }] }),
    path: 'test/gw', field: 'routes[0] backend', value: '"other/web"',
    message: /is invalid: must belong to the same cdk8s App: the route's flow to the app is rendered by this app, so the other app would never write the app's side of it; for a Service another app deploys, use Backend\.service\(name, port\)$/,
  },
  { rule: 'configure() takes a Cni', build: (chart) => NetworkModel.of(chart).configure({ cni: 'cilium' as any }), path: 'cdk8s-networking', field: 'NetworkModel.configure() cni', value: '"cilium"', message: /is invalid: must be Cni\.generic\(\), Cni\.cilium\(\) or Cni\.flannel\(\)$/ },
  { rule: 'configure() strict is a boolean', build: (chart) => NetworkModel.of(chart).configure({ strict: 'false' as any }), path: 'cdk8s-networking', field: 'NetworkModel.configure() strict', value: '"false"', message: /is invalid: must be true or false$/ },
  { rule: 'configure() lists are lists', build: (chart) => NetworkModel.of(chart).configure({ skipChecks: 'pod-security' as any }), path: 'cdk8s-networking', field: 'NetworkModel.configure() skipChecks', value: '"pod-security"', message: /is invalid: must be a list of strings$/ },
  { rule: 'configure() report title is one line', build: (chart) => NetworkModel.of(chart).configure({ report: { title: 'Shop\n# Payments' } }), path: 'cdk8s-networking', field: 'NetworkModel.configure() report.title', value: '"Shop\\n# Payments"', message: /is invalid: must be one line of text: it is the heading of the Markdown report$/ },
  { rule: 'configure() report diagram budget is a number', build: (chart) => NetworkModel.of(chart).configure({ report: { diagramBudget: { maxNodes: Number('30 nodes') } } }), path: 'cdk8s-networking', field: 'NetworkModel.configure() report.diagramBudget.maxNodes', value: 'NaN', message: /is invalid: must be a whole number from 0 to 1000000$/ },
  { rule: 'configure() report clusterDomain is a DNS name', build: (chart) => NetworkModel.of(chart).configure({ report: { clusterDomain: 'cluster_local' } }), path: 'cdk8s-networking', field: 'NetworkModel.configure() report.clusterDomain', value: '"cluster_local"', message: /DNS-1123 subdomain/ },
  {
    rule: 'configure() chooses the CNI before synth',
    build: (chart) => { new ZeroTrustNamespace(chart, 'ns'); (chart.node.root as App).synth(); NetworkModel.of(chart).configure({ cni: Cni.cilium() }); },
    path: 'cdk8s-networking', field: 'NetworkModel.configure() cni', value: '"Cni.cilium()"',
    message: /is invalid: must be chosen before app\.synth\(\): the policies are already rendered for Cni\.generic\(\)$/,
  },
];

describe('validation: one failing input per rule', () => {
  test.each(cases.map((c) => [c.rule, c] as const))('%s', (_rule, c) => {
    const app = testApp();
    const chart = new Chart(app, 'test');
    let error: Error | undefined;
    try {
      c.build(chart);
    } catch (e) {
      error = e as Error;
    }
    expect(error).toBeInstanceOf(Error);
    expect(error!.message.startsWith(`${c.path}: ${c.field} ${c.value} is invalid: `)).toBe(true);
    expect(error!.message).toMatch(c.message);
  });

  test('flows and guardrails declared after synth are errors that say to declare them before', () => {
    const app = testApp();
    const chart = new Chart(app, 'test');
    const api = new WebApp(chart, 'api', { ...base, namespace: new ZeroTrustNamespace(chart, 'production') });
    app.synth();
    expect(() => api.allowFrom(Peer.namespace('monitoring'))).toThrow(new ValidationError('test/api: flow from namespace-monitoring to api is invalid: '
      + 'declared after synthesis started, when the policies were already rendered; declare it before app.synth()'));
    expect(() => NetworkModel.of(app).requireTls()).toThrow(new ValidationError('cdk8s-networking: guardrail requireTls() is invalid: '
      + 'declared after synthesis started; declare it before app.synth()'));
    expect(() => NetworkModel.of(app).requireTls()).toThrow(ValidationError);
  });

  test('Unicode look-alikes are shown escaped in the message', () => {
    const app = testApp();
    const chart = new Chart(app, 'test');
    // Cyrillic "а" in place of Latin "a".
    expect(() => new WebApp(chart, 'api', { ...base, name: '\u0430pi' })).toThrow('test/api: name "\\u0430pi" is invalid: must be a DNS-1035 label');
  });
});
