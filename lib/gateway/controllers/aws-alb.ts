import type { IConstruct } from 'constructs';
import type { Endpoint } from '../../model/flows/endpoint';
import { ipBlockEndpoint } from '../../model/flows/endpoint';
import { check, dns1123Label, intInRange, invalid, objectName } from '../../util/validation';
import type { GatewayFeatures } from '../features';
import { unsupported } from '../features';
import type { BoundTls } from '../tls';
import type { BoundController } from './controller';
import { validateCidrs } from './controller';

/** Whether an AWS ALB is reachable from the internet (`alb.ingress.kubernetes.io/scheme`). */
export enum AlbScheme {
  /** Reachable from the internet: public subnets, public addresses. */
  INTERNET_FACING = 'internet-facing',
  /** Reachable only from inside the VPC (the AWS Load Balancer Controller's default). */
  INTERNAL = 'internal',
}

/** Options of `IngressController.awsAlb()`. */
export interface AwsAlbControllerOptions {
  /**
   * The CIDRs the ALB sends from: with target type `ip` the ALB reaches the pods directly from
   * its own addresses in the VPC, so the backends' NetworkPolicies allow these blocks. Prefer the
   * ALB's subnet CIDRs to the whole VPC CIDR: with the AWS VPC CNI pods have VPC addresses too,
   * and a VPC-wide ipBlock may let every pod in: give the pod subnets as `Cni.generic({ podCidrs })`
   * and synth checks it (`ipblock-may-match-pods`).
   */
  readonly vpcCidrs: string[];
  /**
   * Whether the ALB is reachable from the internet.
   * @default AlbScheme.INTERNAL (the AWS Load Balancer Controller's default)
   */
  readonly scheme?: AlbScheme;
  /**
   * The IngressClass name.
   * @default 'alb'
   */
  readonly className?: string;
  /**
   * A readable name for the load balancer in policy names and errors.
   * @default 'aws-alb'
   */
  readonly name?: string;
}

const ALB = 'alb.ingress.kubernetes.io/';

/**
 * The AWS Load Balancer Controller (an ALB per Ingress, target type `ip`), bound to one gateway:
 * the allow is an ipBlock of the ALB's CIDRs, TLS is ACM, and the features an ALB has are
 * annotations. Ingress output only (`gatewayApiRefusal`). @internal
 */
export class AwsAlbController implements BoundController {
  public static bind(scope: IConstruct, field: string, options: AwsAlbControllerOptions): AwsAlbController {
    const o = options ?? ({} as AwsAlbControllerOptions);
    const name = check(scope, `${field} name`, o.name ?? 'aws-alb', dns1123Label);
    const className = check(scope, `${field} className`, o.className ?? 'alb', objectName);
    const scheme = o.scheme ?? AlbScheme.INTERNAL;
    if (scheme !== AlbScheme.INTERNAL && scheme !== AlbScheme.INTERNET_FACING) {
      throw invalid(scope, `${field} scheme`, scheme, 'must be "internal" or "internet-facing"');
    }
    const blocks = validateCidrs(scope, `${field} vpcCidrs`, o.vpcCidrs);
    return new AwsAlbController(name, className, scheme, ipBlockEndpoint(name, blocks.map((c) => ({ cidr: c }))));
  }

  public readonly rewriteRefusal = 'an ALB forwards the path unchanged; rewrite in the backend or use another controller';
  /**
   * The flow from `vpcCidrs` holds for IP targets only. The controller's Gateway API support defaults to
   * instance targets (docs/deploy/configurations.md `default-target-type` instance; docs/guide/gateway/targetgroupconfig.md,
   * "Controller defaults"), and with them refuses a ClusterIP backend (pkg/gateway/model/model_build_target_group.go: "When
   * using Instance targets, your service must be of type 'NodePort' or 'LoadBalancer'"). Target type, scheme and
   * certificates of an ALB Gateway are LoadBalancerConfiguration and TargetGroupConfiguration resources, usually the
   * platform's defaults for the GatewayClass, not the Ingress annotations this controller writes.
   */
  public readonly gatewayApiRefusal: string;
  private readonly who: string;

  private constructor(public readonly name: string, public readonly className: string, private readonly scheme: AlbScheme,
    public readonly source: Endpoint) {
    this.who = `controller ${name} (AWS Load Balancer Controller)`;
    this.gatewayApiRefusal = `${this.who} reaches the backends from vpcCidrs only with IP targets, and its Gateway API support defaults to `
      + 'instance targets (the nodes\' NodePorts; it refuses ClusterIP Services there) unless a TargetGroupConfiguration sets targetType: ip, '
      + 'while the scheme, ACM certificates and target type of an ALB Gateway are LoadBalancerConfiguration and TargetGroupConfiguration '
      + 'resources, not the Ingress annotations awsAlb() writes; use RoutingApi.ingress() with IngressController.awsAlb(), or for HTTPRoutes '
      + 'on an ALB Gateway whose default TargetGroupConfiguration sets targetType: ip, IngressController.custom({ name, cidrs }) with the '
      + 'ALB\'s subnet CIDRs';
  }

  public tlsAnnotations(scope: IConstruct, field: string, tls: BoundTls): Record<string, string> {
    const base = { [`${ALB}scheme`]: this.scheme, [`${ALB}target-type`]: 'ip' };
    if (tls.mode === 'secret' || tls.mode === 'cert-manager') {
      throw invalid(scope, field, tls.mode === 'secret' ? `Tls.secret(${JSON.stringify(tls.secretName)})` : 'Tls.certManager()',
        `${this.who} terminates TLS with ACM certificates and ignores Kubernetes TLS Secrets; use Tls.acm()`);
    }
    if (tls.mode === 'none') return { ...base, [`${ALB}listen-ports`]: '[{"HTTP": 80}]' };
    return {
      ...base,
      [`${ALB}listen-ports`]: '[{"HTTP": 80}, {"HTTPS": 443}]',
      [`${ALB}ssl-redirect`]: '443',
      ...(tls.certificateArns?.length ? { [`${ALB}certificate-arn`]: tls.certificateArns.join(',') } : {}),
    };
  }

  public featureAnnotations(s: IConstruct, f: GatewayFeatures): Record<string, string> {
    const who = this.who;
    const a: Record<string, string> = {};
    if (f.maxRequestBodySize) throw unsupported(s, 'maxRequestBodySize', f.maxRequestBodySize, who, 'an ALB has no request body size limit setting');
    if (f.cors) throw unsupported(s, 'cors', f.cors, who, 'an ALB does not answer CORS; let the backend send the headers');
    if (f.rateLimit) throw unsupported(s, 'rateLimit', f.rateLimit, who,
      'an ALB has no rate limit; use AWS WAF (alb.ingress.kubernetes.io/wafv2-acl-arn)');
    if (f.timeouts) {
      const t = f.timeouts;
      if (t.connectSeconds !== undefined) throw unsupported(s, 'timeouts', t, who,
        'an ALB has no connect timeout setting, only an idle timeout (readSeconds/sendSeconds)');
      if (t.readSeconds !== undefined && t.sendSeconds !== undefined && t.readSeconds !== t.sendSeconds) {
        throw unsupported(s, 'timeouts', t, who, 'an ALB has one idle timeout for both directions; give readSeconds and sendSeconds the same value');
      }
      const idle = check(s, 'timeouts.readSeconds', (t.readSeconds ?? t.sendSeconds)!, intInRange(1, 4000, 'an ALB idle timeout in seconds'));
      a[`${ALB}load-balancer-attributes`] = `idle_timeout.timeout_seconds=${idle}`;
    }
    if (f.sourceAllowlist) a[`${ALB}inbound-cidrs`] = [...f.sourceAllowlist].sort().join(',');
    return a;
  }

  public checkPath(): void { /* ALB path patterns accept what the API server accepts; `*` and `?` only as ImplementationSpecific. */ }
}
