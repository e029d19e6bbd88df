import type { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { NamespaceRef } from './namespace';
import { namespaceName } from './namespace';
import type { Endpoint } from './model/flows/endpoint';
import { nameFragment, wellKnownEndpoint } from './model/flows/endpoint';
import { NetworkModel } from './model/network-model';
import type { IPeer } from './peer';
import type { Port } from './port';
import { validatePorts } from './port';
import type { Rule } from './util/validation';
import { check, checkProps, dns1035Label, dnsNameNotIp, formatValue, invalid } from './util/validation';
import { PlainApiObject } from './util/api-object';

/**
 * A CNAME target of one label (`db`) never names the host meant: the API server takes it (a DNS-1123
 * subdomain), but the cluster DNS answers the Service's name with a CNAME to the absolute name `db.`
 * (CoreDNS makes the target fully qualified: plugin/etcd/msg/service.go NewCNAME, and resolves a
 * target outside its zones upstream: plugin/backend_lookup.go), so no search path completes it;
 * it is looked up as a top-level domain, and top-level domains carry no address records (ICANN
 * prohibits dotless domain names for new gTLDs, 2013). A flow to it (toFQDNs `db`) matches nothing.
 */
const twoLabels: Rule<string> = (v) => (v.includes('.') ? undefined
  : `must have at least two labels (a name such as "${v}.example.com"): the cluster DNS answers the Service's name with a CNAME to the `
    + `absolute name "${v}.", which no DNS search path completes and which is looked up as a top-level domain, never the host meant; for a `
    + 'Service of the cluster, declare the flow to its pods instead (the WebApp, Peer.workload(), Peer.pods())');

/** Props of an `ExternalService`. */
export interface ExternalServiceProps {
  /** The namespace: a `ZeroTrustNamespace` or a namespace name. */
  readonly namespace: NamespaceRef;
  /**
   * The Service name (a DNS-1035 label).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The external DNS name the Service is a CNAME for, e.g. `api.payments.example`. Not an IP, and
   * of two labels at least: the cluster DNS resolves a CNAME target as an absolute name, so `db`
   * would be a top-level domain, never a host of the pods' search domains.
   */
  readonly externalName: string;
  /**
   * The cluster DNS domain, for `dnsName`.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * The ports apps use on the external service, e.g. `[Port.tcp(443)]`: the default ports of a
   * flow to it (`app.allowTo(externalService)`).
   * @default - none: flows to it name their ports
   */
  readonly ports?: Port[];
}

/**
 * An ExternalName Service: an in-cluster DNS name (`payments.production.svc.cluster.local`) that is a
 * CNAME for a DNS name outside the cluster. It has no selector and no ports.
 *
 * Egress to it is a flow to its external name: `app.allowTo(externalService)` (or
 * `allowEgressTo(Peer.app(externalService), Port.tcp(443))`) is `Peer.fqdn(externalName)`. On Cilium
 * that is a `toFQDNs` rule; a standard NetworkPolicy sees only the resolved IPs, so on a generic CNI
 * synth refuses it: allow the provider's published ranges with `allowEgressTo(Peer.cidr(...))`.
 * An externalName under the cluster domain (an alias of another Service of the cluster) is a valid
 * Service, but a flow to it is refused on any CNI: `toFQDNs` never matches the pods behind it, so
 * declare the flow to those pods (`Peer.pods()`, `Peer.workload()`, the WebApp).
 */
export class ExternalService extends Construct implements IPeer {
  /** The Service name. */
  public readonly name: string;
  /** The namespace name. */
  public readonly namespace: string;
  /** The external DNS name. */
  public readonly externalName: string;
  /** The Service's cluster DNS name. */
  public readonly dnsName: string;
  /** The Service API object. */
  public readonly service: ApiObject;
  private readonly ports: Port[];

  public constructor(scope: Construct, id: string, props: ExternalServiceProps) {
    super(scope, id);
    checkProps(this, 'props', props, 'namespace, externalName');
    this.name = check(this, 'name', props.name ?? id, dns1035Label);
    this.namespace = namespaceName(this, 'namespace', props.namespace);
    this.externalName = check(this, 'externalName', typeof props.externalName === 'string' ? props.externalName.replace(/\.$/, '') : props.externalName,
      dnsNameNotIp, twoLabels);
    const domain = check(this, 'clusterDomain', props.clusterDomain ?? 'cluster.local', dnsNameNotIp);
    NetworkModel.of(this)._addClusterDomain(domain);
    this.dnsName = `${this.name}.${this.namespace}.svc.${domain}`;
    this.ports = [...validatePorts(this, 'ports', props.ports ?? [])];
    this.ports.forEach((p, i) => {
      if (p.isNamed) {
        throw invalid(this, `ports[${i}]`, p.number, 'must be a port number: a port name is resolved on the destination pods, and an '
          + 'ExternalName Service has none, so a flow to it on a named port would admit nothing');
      }
    });
    NetworkModel.of(this).claimName(this, 'name', 'Service', this.namespace, this.name);
    this.service = new PlainApiObject(this, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: { 'app.kubernetes.io/managed-by': 'cdk8s-networking' },
      },
      spec: { type: 'ExternalName', externalName: this.externalName },
    });
  }

  /** @internal The external name as a DNS-name peer (rendered per CNI at synth). */
  public _resolvePeer(): Endpoint {
    return wellKnownEndpoint(`fqdn-${nameFragment(this.externalName)}`, {
      kind: 'fqdn', names: [this.externalName.toLowerCase()], description: `ExternalService ${this.node.path} (${this.externalName})`,
      subject: `ExternalService ${this.node.path} externalName ${formatValue(this.externalName)}`,
    }, this.ports);
  }
}
