import type { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import type { NamespaceRef } from './namespace';
import { namespaceName } from './namespace';
import { NetworkModel } from './model/network-model';
import { check, dns1035Label, dnsNameNotIp } from './util/validation';

/** Props of an `ExternalService`. */
export interface ExternalServiceProps {
  /** The namespace: a `ZeroTrustNamespace` or a namespace name. */
  readonly namespace: NamespaceRef;
  /**
   * The Service name (a DNS-1035 label).
   * @default - the construct id
   */
  readonly name?: string;
  /** The external DNS name the Service is a CNAME for, e.g. `api.payments.example`. Not an IP. */
  readonly externalName: string;
  /**
   * The cluster DNS domain, for `dnsName`.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
}

/**
 * An ExternalName Service: an in-cluster DNS name (`payments.production.svc.cluster.local`) that is a
 * CNAME for a DNS name outside the cluster. It has no selector and no ports. NetworkPolicies see
 * the resolved IPs, not the name, so egress to it needs `allowEgressTo(Peer.cidr(...))`.
 */
export class ExternalService extends Construct {
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

  public constructor(scope: Construct, id: string, props: ExternalServiceProps) {
    super(scope, id);
    this.name = check(this, 'name', props.name ?? id, dns1035Label);
    this.namespace = namespaceName(this, 'namespace', props.namespace);
    this.externalName = check(this, 'externalName', props.externalName?.replace(/\.$/, ''), dnsNameNotIp);
    const domain = check(this, 'clusterDomain', props.clusterDomain ?? 'cluster.local', dnsNameNotIp);
    this.dnsName = `${this.name}.${this.namespace}.svc.${domain}`;
    NetworkModel.of(this).claimName(this, 'name', 'Service', this.namespace, this.name);
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: { 'app.kubernetes.io/managed-by': 'cdk8s-networking' },
      },
      spec: { type: 'ExternalName', externalName: this.externalName },
    });
  }
}
