import type { IConstruct } from 'constructs';
import { check, checkList, invalid, objectName } from '../util/validation';

/** Options of `Tls.certManager()`: exactly one of `clusterIssuer` and `issuer`. */
export interface CertManagerTlsOptions {
  /**
   * A cert-manager ClusterIssuer, e.g. `letsencrypt-prod` (annotation `cert-manager.io/cluster-issuer`).
   * @default - none; then `issuer` is required
   */
  readonly clusterIssuer?: string;
  /**
   * A cert-manager Issuer in the gateway's namespace (annotation `cert-manager.io/issuer`).
   * @default - none; then `clusterIssuer` is required
   */
  readonly issuer?: string;
  /**
   * The Secret cert-manager writes the certificate to (and names the Certificate after). It must be
   * unique per Ingress or Gateway.
   * @default - `<gateway name>-tls`
   */
  readonly secretName?: string;
  /**
   * Whether the issuer answers ACME HTTP-01 challenges. cert-manager then runs solver pods
   * (`acme.cert-manager.io/http01-solver: "true"`, port 8089) in the Certificate's namespace: the
   * Ingress's, or with `RoutingApi.httpRoute()` the created Gateway's (gateway-shim). The
   * controller's proxy, which serves the challenge, must reach them: the gateway declares that flow
   * (a gateway flow in the report), so a `ZeroTrustNamespace` there admits it. With Gateway API
   * output the issuer's solver must be `http01.gatewayHTTPRoute` with `parentRefs` naming the
   * Gateway (`[{ name: <gateway name>, sectionName: http }]`; without a namespace the reference
   * resolves in the challenge HTTPRoute's namespace, the Gateway's); the created Gateway's `http`
   * listener admits routes from that namespace. Set `false` for an issuer that solves DNS-01 only.
   * @default true
   */
  readonly http01Solver?: boolean;
}

/** Options of `Tls.acm()`. */
export interface AcmTlsOptions {
  /**
   * ACM certificate ARNs (annotation `alb.ingress.kubernetes.io/certificate-arn`).
   * @default - the AWS Load Balancer Controller discovers certificates from the TLS hosts
   */
  readonly certificateArns?: string[];
}

/** How a TLS choice is resolved for one gateway. @internal */
export interface BoundTls {
  readonly mode: 'none' | 'secret' | 'cert-manager' | 'acm';
  /** The Secret holding the certificate (secret and cert-manager modes). */
  readonly secretName?: string;
  /** Annotations for the object that requests the certificate (Ingress or Gateway). */
  readonly annotations: Readonly<Record<string, string>>;
  /** ACM certificate ARNs (acm mode). */
  readonly certificateArns?: readonly string[];
  /** cert-manager mode: the issuer solves HTTP-01 challenges with solver pods. */
  readonly http01Solver?: boolean;
}

const ACM_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/;

/**
 * How a gateway terminates TLS. There is no default: pass `Tls.none()` to serve plain HTTP.
 *
 * - `Tls.secret(name)`: a `kubernetes.io/tls` Secret you manage, in the gateway's namespace;
 * - `Tls.certManager({ clusterIssuer })`: cert-manager issues the certificate into `<gateway>-tls`;
 * - `Tls.acm()`: AWS Certificate Manager, for the AWS Load Balancer Controller, which ignores Secrets;
 * - `Tls.none()`: plain HTTP, no redirect.
 *
 * When TLS is on, every route host is listed in `spec.tls[].hosts` and HTTP is redirected to HTTPS.
 */
export abstract class Tls {
  /** A TLS Secret you manage (for instance with external-secrets), by name. */
  public static secret(secretName: string): Tls {
    return new (class extends Tls {
      public readonly mode = 'secret' as const;
      public _bind(scope: IConstruct, field: string): BoundTls {
        check(scope, `${field} secretName`, secretName, objectName);
        return { mode: 'secret', secretName, annotations: {} };
      }
    })();
  }

  /**
   * A certificate issued by cert-manager's ingress-shim (or gateway-shim for a Gateway) for every
   * host of the gateway. Wildcard hosts need an issuer with a DNS-01 solver: HTTP-01 cannot
   * issue wildcard certificates.
   */
  public static certManager(options: CertManagerTlsOptions): Tls {
    return new (class extends Tls {
      public readonly mode = 'cert-manager' as const;
      public _bind(scope: IConstruct, field: string, ownerName: string): BoundTls {
        const o = options ?? {};
        if ((o.clusterIssuer === undefined) === (o.issuer === undefined)) {
          throw invalid(scope, `${field} issuer`, { clusterIssuer: o.clusterIssuer, issuer: o.issuer },
            'Tls.certManager() needs exactly one of clusterIssuer and issuer');
        }
        const annotations: Record<string, string> = o.clusterIssuer !== undefined
          ? { 'cert-manager.io/cluster-issuer': check(scope, `${field} clusterIssuer`, o.clusterIssuer, issuerName) }
          : { 'cert-manager.io/issuer': check(scope, `${field} issuer`, o.issuer!, issuerName) };
        const secretName = check(scope, `${field} secretName`, o.secretName ?? `${ownerName}-tls`, objectName);
        if (o.http01Solver !== undefined && typeof o.http01Solver !== 'boolean') {
          throw invalid(scope, `${field} http01Solver`, o.http01Solver, 'must be true or false');
        }
        return { mode: 'cert-manager', secretName, annotations, http01Solver: o.http01Solver ?? true };
      }
    })();
  }

  /** AWS Certificate Manager certificates, for `IngressController.awsAlb()` only. */
  public static acm(options: AcmTlsOptions = {}): Tls {
    return new (class extends Tls {
      public readonly mode = 'acm' as const;
      public _bind(scope: IConstruct, field: string): BoundTls {
        checkList(scope, `${field} certificateArns`, options.certificateArns, 'ACM certificate ARNs');
        const arns = options.certificateArns ?? [];
        arns.forEach((a, i) => {
          if (typeof a !== 'string' || !ACM_ARN.test(a)) {
            throw invalid(scope, `${field} certificateArns[${i}]`, a,
              'must be an ACM certificate ARN such as "arn:aws:acm:eu-west-1:123456789012:certificate/<id>"');
          }
        });
        return { mode: 'acm', annotations: {}, certificateArns: [...arns] };
      }
    })();
  }

  /** Plain HTTP: an explicit opt-out of TLS. */
  public static none(): Tls {
    return new (class extends Tls {
      public readonly mode = 'none' as const;
      public _bind(): BoundTls {
        return { mode: 'none', annotations: {} };
      }
    })();
  }

  /** How the certificate is provided: `none`, `secret`, `cert-manager` or `acm`. */
  public abstract readonly mode: 'none' | 'secret' | 'cert-manager' | 'acm';

  /**
   * @internal Validates the choice for a gateway and resolves it.
   * @param ownerName the object the certificate belongs to, for the default secret name
   */
  public abstract _bind(scope: IConstruct, field: string, ownerName: string): BoundTls;
}

/** cert-manager Issuer and ClusterIssuer names are object names: DNS-1123 subdomains. */
const issuerName = (v: string) => {
  const broken = objectName(v);
  return broken ? `must name a cert-manager issuer: it ${broken}` : undefined;
};
