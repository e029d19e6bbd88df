import type { IConstruct } from 'constructs';
import type { Endpoint } from '../model/flows/endpoint';
import { ipBlockEndpoint, podsEndpoint } from '../model/flows/endpoint';
import type { GatewayFeatures } from './features';
import { featuresSet, sizeText, unsupported } from './features';
import type { PathType } from './rules';
import { isSnippetAnnotation, nginxStrictPath } from './rules';
import type { BoundTls } from './tls';
import { check, checkLabels, cidr, dns1123Label, dns1123Subdomain, intInRange, invalid, labelKey, parseCidr, yamlSafeText } from '../util/validation';

/** Options shared by the in-cluster controller presets (ingress-nginx, Traefik). */
export interface InClusterControllerOptions {
  /**
   * The IngressClass name (`spec.ingressClassName`).
   * @default 'nginx' for ingress-nginx, 'traefik' for Traefik
   */
  readonly className?: string;
  /**
   * The namespace the controller pods run in.
   * @default 'ingress-nginx' for ingress-nginx, 'traefik' for Traefik
   */
  readonly namespace?: string;
  /**
   * Labels of the controller pods (all must match); replaces the default entirely.
   * @default { 'app.kubernetes.io/name': 'ingress-nginx' } or { 'app.kubernetes.io/name': 'traefik' }
   */
  readonly podLabels?: Record<string, string>;
  /**
   * A readable name for the controller in policy names (`allow-<name>-to-<app>`) and errors.
   * Give two installations of one controller distinct names.
   * @default 'ingress-nginx' or 'traefik'
   */
  readonly name?: string;
}

/** Options of `IngressController.nginx()`. */
export interface NginxControllerOptions extends InClusterControllerOptions {}

/** Options of `IngressController.traefik()`. */
export interface TraefikControllerOptions extends InClusterControllerOptions {}

/** Whether an AWS ALB is reachable from the internet. */
export type AlbScheme = 'internet-facing' | 'internal';

/** Options of `IngressController.awsAlb()`. */
export interface AwsAlbControllerOptions {
  /**
   * The CIDRs the ALB sends from: with target type `ip` the ALB reaches the pods directly from
   * its own addresses in the VPC, so the backends' NetworkPolicies allow these blocks. Prefer the
   * ALB's subnet CIDRs to the whole VPC CIDR: with the AWS VPC CNI pods have VPC addresses too,
   * and a VPC-wide ipBlock may let every pod in.
   */
  readonly vpcCidrs: string[];
  /**
   * Whether the ALB is reachable from the internet.
   * @default 'internal' (the AWS Load Balancer Controller's default)
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

/** Pods that send a controller's proxied traffic. */
export interface ControllerPods {
  /** The namespace of the pods. */
  readonly namespace: string;
  /** The pods' labels (all must match). */
  readonly labels: Record<string, string>;
}

/** Options of `IngressController.custom()`: exactly one of `pods` and `cidrs`. */
export interface CustomControllerOptions {
  /** A readable name for the controller in policy names (`allow-<name>-to-<app>`) and errors. */
  readonly name: string;
  /**
   * The IngressClass name; required for Ingress output.
   * @default - none (enough for Gateway API output, where the Gateway's class selects the controller)
   */
  readonly className?: string;
  /**
   * The pods that proxy the traffic (an in-cluster controller or Gateway API implementation).
   * @default - none; then `cidrs` is required
   */
  readonly pods?: ControllerPods;
  /**
   * The addresses the traffic comes from (a load balancer outside the cluster that targets pod IPs).
   * @default - none; then `pods` is required
   */
  readonly cidrs?: string[];
  /**
   * Annotations to add when TLS is on, typically the controller's HTTP->HTTPS redirect.
   * Typed features (rewrite, CORS, ...) are not available on a custom controller: use `annotations`.
   * @default - none: the controller's own defaults decide about redirecting HTTP
   */
  readonly tlsAnnotations?: Record<string, string>;
}

/** A controller bound to a gateway: validated options and its dialect. @internal */
export interface BoundController {
  readonly kind: 'nginx' | 'traefik' | 'aws-alb' | 'custom';
  /** The readable name, e.g. `ingress-nginx`. */
  readonly name: string;
  /** The IngressClass name, when known. */
  readonly className?: string;
  /** Where the proxied traffic comes from. */
  readonly source: Endpoint;
  /** Annotations for TLS and the HTTP->HTTPS redirect; throws when the TLS choice does not fit. */
  tlsAnnotations(scope: IConstruct, field: string, tls: BoundTls): Record<string, string>;
  /** Annotations for the typed features; throws for a feature the controller cannot express. */
  featureAnnotations(scope: IConstruct, features: GatewayFeatures): Record<string, string>;
  /** Checks a route path against the controller's own rules. */
  checkPath(scope: IConstruct, field: string, path: string, pathType: PathType): void;
  /** Path rewriting, when the controller can express it on an Ingress. */
  readonly rewrite?: IngressRewrite;
  /** Why the controller cannot rewrite paths, when `rewrite` is undefined. */
  readonly rewriteRefusal?: string;
}

/** How a controller rewrites paths on an Ingress. @internal */
export interface IngressRewrite {
  /** Ingress-wide annotations for the target (the same for every route of the Ingress). */
  annotations(target: string): Record<string, string>;
  /** The Ingress path and pathType that carry the captures the target refers to. */
  path(path: string, pathType: PathType): { path: string; pathType: PathType };
  /** Why this route cannot be rewritten to `target`, if it cannot. */
  refusal(path: string, pathType: PathType, target: string): string | undefined;
}

const NGINX = 'nginx.ingress.kubernetes.io/';
const TRAEFIK = 'traefik.ingress.kubernetes.io/';
const ALB = 'alb.ingress.kubernetes.io/';

/**
 * The Ingress controller that serves a gateway: its IngressClass, where its proxied traffic comes
 * from (for the NetworkPolicy allows), and how it spells TLS, redirects and the typed features.
 *
 * - `nginx()`: ingress-nginx, pods `app.kubernetes.io/name: ingress-nginx` in `ingress-nginx`;
 * - `traefik()`: Traefik, pods `app.kubernetes.io/name: traefik` in `traefik`;
 * - `awsAlb({ vpcCidrs })`: the AWS Load Balancer Controller with target type `ip`; the ALB sits
 *   outside the cluster, so the allow is an ipBlock of its CIDRs;
 * - `custom({ name, className, pods | cidrs })`: anything else; no typed features.
 *
 * Options are validated when a gateway uses the controller, so errors name the gateway.
 */
export abstract class IngressController {
  /**
   * ingress-nginx (kubernetes/ingress-nginx). With TLS on, HTTP->HTTPS relies on the controller's
   * default `ssl-redirect` (a 308 for every host in `spec.tls`); no annotation is emitted, so a
   * cluster-wide `ssl-redirect: "false"` in the controller ConfigMap would turn it off.
   * Exact and Prefix paths follow strict path validation (v1.12+).
   */
  public static nginx(options: NginxControllerOptions = {}): IngressController {
    return new InClusterController('nginx', options, {
      name: 'ingress-nginx', className: 'nginx', namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' },
    });
  }

  /**
   * Traefik's Kubernetes Ingress provider. With TLS on, the router listens on the `websecure`
   * entryPoint only, with `router.tls: "true"`; redirecting HTTP is the `web` entryPoint's job
   * (Helm `ports.web.redirections.entryPoint.to: websecure`), since a per-Ingress redirect needs a
   * RedirectScheme Middleware CRD. Typed features that need Middlewares are errors.
   */
  public static traefik(options: TraefikControllerOptions = {}): IngressController {
    return new InClusterController('traefik', options, {
      name: 'traefik', className: 'traefik', namespace: 'traefik', podLabels: { 'app.kubernetes.io/name': 'traefik' },
    });
  }

  /**
   * The AWS Load Balancer Controller (an ALB per Ingress, target type `ip`): TLS with ACM
   * (`Tls.acm()`), listeners on 80 and 443 with `ssl-redirect: '443'`. IngressGroups
   * (`group.name`) are not modelled: one ALB per gateway.
   */
  public static awsAlb(options: AwsAlbControllerOptions): IngressController {
    return new AwsAlbController(options);
  }

  /** Any other controller: its class, and where its traffic comes from. */
  public static custom(options: CustomControllerOptions): IngressController {
    return new CustomController(options);
  }

  /** The controller's readable name, e.g. `ingress-nginx`. */
  public abstract readonly name: string;

  /** @internal Validates the options for a gateway and returns the controller's dialect. */
  public abstract _bind(scope: IConstruct, field: string): BoundController;
}

function validatePods(scope: IConstruct, field: string, namespace: string, labels: Record<string, string>): void {
  check(scope, `${field} namespace`, namespace, dns1123Label);
  if (!labels || Object.keys(labels).length === 0) {
    throw invalid(scope, `${field} podLabels`, labels ?? {}, 'must have at least one label: an empty selector would allow every pod of the namespace');
  }
  checkLabels(scope, `${field} podLabels`, labels);
}

function validateCidrs(scope: IConstruct, field: string, blocks: string[] | undefined): string[] {
  if (!Array.isArray(blocks) || blocks.length === 0) {
    throw invalid(scope, field, blocks, 'must list the CIDRs the load balancer sends from (its subnets or the VPC)');
  }
  blocks.forEach((b, i) => {
    check(scope, `${field}[${i}]`, b, cidr);
    if (parseCidr(b)!.prefix === 0) {
      throw invalid(scope, `${field}[${i}]`, b, 'must be the load balancer\'s subnets or VPC, not every address: it would let anything reach the backends');
    }
  });
  return [...new Set(blocks)].sort();
}

interface InClusterDefaults {
  readonly name: string;
  readonly className: string;
  readonly namespace: string;
  readonly podLabels: Record<string, string>;
}

class InClusterController extends IngressController {
  public readonly name: string;

  public constructor(private readonly kind: 'nginx' | 'traefik', private readonly options: InClusterControllerOptions, private readonly defaults: InClusterDefaults) {
    super();
    this.name = options.name ?? defaults.name;
  }

  public _bind(scope: IConstruct, field: string): BoundController {
    const o = this.options ?? {};
    const name = check(scope, `${field} name`, this.name, dns1123Label);
    const className = check(scope, `${field} className`, o.className ?? this.defaults.className, dns1123Subdomain);
    const namespace = o.namespace ?? this.defaults.namespace;
    const labels = o.podLabels ?? this.defaults.podLabels;
    validatePods(scope, field, namespace, labels);
    const source = podsEndpoint(name, namespace, { ...labels });
    return this.kind === 'nginx' ? nginxDialect(name, className, source) : traefikDialect(name, className, source);
  }
}

function nginxDialect(name: string, className: string, source: Endpoint): BoundController {
  return {
    kind: 'nginx',
    name,
    className,
    source,
    tlsAnnotations(scope, field, tls) {
      if (tls.mode === 'acm') throw invalid(scope, field, 'Tls.acm()', `${name} serves certificates from Secrets, not ACM; use Tls.secret() or Tls.certManager()`);
      // ingress-nginx redirects HTTP to HTTPS (308) by default for every host listed in spec.tls;
      // this library relies on that default instead of emitting ssl-redirect: "true".
      return {};
    },
    featureAnnotations(_scope, f) {
      const a: Record<string, string> = {};
      if (f.maxRequestBodySize) a[`${NGINX}proxy-body-size`] = sizeText(f.maxRequestBodySize);
      if (f.timeouts?.readSeconds !== undefined) a[`${NGINX}proxy-read-timeout`] = String(f.timeouts.readSeconds);
      if (f.timeouts?.sendSeconds !== undefined) a[`${NGINX}proxy-send-timeout`] = String(f.timeouts.sendSeconds);
      if (f.timeouts?.connectSeconds !== undefined) a[`${NGINX}proxy-connect-timeout`] = String(f.timeouts.connectSeconds);
      if (f.cors) {
        a[`${NGINX}enable-cors`] = 'true';
        a[`${NGINX}cors-allow-origin`] = [...f.cors.allowOrigins].sort().join(', ');
        if (f.cors.allowMethods?.length) a[`${NGINX}cors-allow-methods`] = f.cors.allowMethods.join(', ');
        if (f.cors.allowHeaders?.length) a[`${NGINX}cors-allow-headers`] = f.cors.allowHeaders.join(', ');
        if (f.cors.exposeHeaders?.length) a[`${NGINX}cors-expose-headers`] = f.cors.exposeHeaders.join(', ');
        a[`${NGINX}cors-allow-credentials`] = String(f.cors.allowCredentials ?? false);
        if (f.cors.maxAgeSeconds !== undefined) a[`${NGINX}cors-max-age`] = String(f.cors.maxAgeSeconds);
      }
      if (f.rateLimit) a[`${NGINX}limit-rps`] = String(f.rateLimit.requestsPerSecond);
      // whitelist-source-range is understood by every controller version (allowlist-source-range
      // only by recent ones, and an ignored allowlist fails open).
      if (f.sourceAllowlist) a[`${NGINX}whitelist-source-range`] = [...f.sourceAllowlist].sort().join(',');
      return a;
    },
    checkPath(scope, field, path, pathType) {
      if (pathType !== 'ImplementationSpecific') check(scope, field, path, nginxStrictPath);
    },
    rewrite: {
      // ingress-nginx (>= 0.22) replaces the WHOLE path with rewrite-target, keeping only what the
      // path regex captures. To replace just the matched prefix, every path captures "(/|$)(.*)"
      // (the canonical `/something(/|$)(.*)` + `/$2` form) and the target appends the captures.
      annotations(target) {
        return {
          [`${NGINX}use-regex`]: 'true',
          [`${NGINX}rewrite-target`]: target.endsWith('/') ? `${target}$2` : `${target}$1$2`,
        };
      },
      // Prefix /api -> `/api(/|$)(.*)`: $1 is the separator, $2 the rest, so `/api` stays an
      // element-wise prefix (`/apix` does not match). Exact /v1 -> `/v1()()$`: both captures empty.
      // Root / -> `/()(.*)`: an Ingress path must start with "/", so the separator is not captured.
      path(path, pathType) {
        if (pathType === 'Exact') return { path: `${path}()()$`, pathType: 'ImplementationSpecific' };
        const prefix = path.replace(/\/+$/, '');
        return { path: prefix === '' ? '/()(.*)' : `${prefix}(/|$)(.*)`, pathType: 'ImplementationSpecific' };
      },
      refusal(path, pathType, target) {
        if (pathType === 'Prefix' && /^\/+$/.test(path) && !target.endsWith('/')) {
          return `${name} cannot replace the root prefix "/" with a target that does not end in "/" (the separator is not captured); use ${JSON.stringify(`${target}/`)}`;
        }
        return undefined;
      },
    },
  };
}

function traefikDialect(name: string, className: string, source: Endpoint): BoundController {
  const middleware: Record<keyof GatewayFeatures, string> = {
    maxRequestBodySize: 'Buffering',
    timeouts: 'none: Traefik sets timeouts on entryPoints and serversTransports, not per router',
    cors: 'Headers',
    rateLimit: 'RateLimit',
    sourceAllowlist: 'IPAllowList',
  };
  return {
    kind: 'traefik',
    name,
    className,
    source,
    tlsAnnotations(scope, field, tls): Record<string, string> {
      if (tls.mode === 'acm') throw invalid(scope, field, 'Tls.acm()', `${name} serves certificates from Secrets, not ACM; use Tls.secret() or Tls.certManager()`);
      if (tls.mode === 'none') return { [`${TRAEFIK}router.entrypoints`]: 'web' };
      // spec.tls only selects certificates: the router must be on websecure with TLS enabled.
      // The router is NOT attached to `web`; the HTTP->HTTPS redirect is the web entryPoint's
      // redirection (Helm: ports.web.redirections.entryPoint.to=websecure), which a per-Ingress
      // annotation cannot express without a RedirectScheme Middleware.
      return { [`${TRAEFIK}router.entrypoints`]: 'websecure', [`${TRAEFIK}router.tls`]: 'true' };
    },
    featureAnnotations(scope, f) {
      for (const k of featuresSet(f)) {
        const mw = middleware[k];
        throw unsupported(scope, k, f[k], `controller ${name} (Traefik)`, mw.startsWith('none')
          ? mw.slice(6)
          : `it needs a Traefik Middleware CRD of type ${mw}; create one and attach it with annotations {"${TRAEFIK}router.middlewares": "<namespace>-<middleware>@kubernetescrd"}`);
      }
      return {};
    },
    checkPath() { /* Traefik accepts any path the API server accepts. */ },
    rewriteRefusal: `it needs a Traefik Middleware CRD of type StripPrefix or ReplacePathRegex; create one and attach it with annotations {"${TRAEFIK}router.middlewares": "<namespace>-<middleware>@kubernetescrd"}`,
  };
}

class AwsAlbController extends IngressController {
  public readonly name: string;

  public constructor(private readonly options: AwsAlbControllerOptions) {
    super();
    this.name = options?.name ?? 'aws-alb';
  }

  public _bind(scope: IConstruct, field: string): BoundController {
    const o = this.options ?? ({} as AwsAlbControllerOptions);
    const name = check(scope, `${field} name`, this.name, dns1123Label);
    const className = check(scope, `${field} className`, o.className ?? 'alb', dns1123Subdomain);
    const scheme = o.scheme ?? 'internal';
    if (scheme !== 'internal' && scheme !== 'internet-facing') {
      throw invalid(scope, `${field} scheme`, scheme, 'must be "internal" or "internet-facing"');
    }
    const blocks = validateCidrs(scope, `${field} vpcCidrs`, o.vpcCidrs);
    const who = `controller ${name} (AWS Load Balancer Controller)`;
    return {
      kind: 'aws-alb',
      name,
      className,
      source: ipBlockEndpoint(name, blocks.map((c) => ({ cidr: c }))),
      tlsAnnotations(s, f, tls) {
        const base = { [`${ALB}scheme`]: scheme, [`${ALB}target-type`]: 'ip' };
        if (tls.mode === 'secret' || tls.mode === 'cert-manager') {
          throw invalid(s, f, tls.mode === 'secret' ? `Tls.secret(${JSON.stringify(tls.secretName)})` : 'Tls.certManager()',
            `${who} terminates TLS with ACM certificates and ignores Kubernetes TLS Secrets; use Tls.acm()`);
        }
        if (tls.mode === 'none') return { ...base, [`${ALB}listen-ports`]: '[{"HTTP": 80}]' };
        return {
          ...base,
          [`${ALB}listen-ports`]: '[{"HTTP": 80}, {"HTTPS": 443}]',
          [`${ALB}ssl-redirect`]: '443',
          ...(tls.certificateArns?.length ? { [`${ALB}certificate-arn`]: tls.certificateArns.join(',') } : {}),
        };
      },
      featureAnnotations(s, f) {
        const a: Record<string, string> = {};
        if (f.maxRequestBodySize) throw unsupported(s, 'maxRequestBodySize', f.maxRequestBodySize, who, 'an ALB has no request body size limit setting');
        if (f.cors) throw unsupported(s, 'cors', f.cors, who, 'an ALB does not answer CORS; let the backend send the headers');
        if (f.rateLimit) throw unsupported(s, 'rateLimit', f.rateLimit, who, 'an ALB has no rate limit; use AWS WAF (alb.ingress.kubernetes.io/wafv2-acl-arn)');
        if (f.timeouts) {
          const t = f.timeouts;
          if (t.connectSeconds !== undefined) throw unsupported(s, 'timeouts', t, who, 'an ALB has no connect timeout setting, only an idle timeout (readSeconds/sendSeconds)');
          if (t.readSeconds !== undefined && t.sendSeconds !== undefined && t.readSeconds !== t.sendSeconds) {
            throw unsupported(s, 'timeouts', t, who, 'an ALB has one idle timeout for both directions; give readSeconds and sendSeconds the same value');
          }
          const idle = check(s, 'timeouts.readSeconds', (t.readSeconds ?? t.sendSeconds)!, intInRange(1, 4000, 'an ALB idle timeout in seconds'));
          a[`${ALB}load-balancer-attributes`] = `idle_timeout.timeout_seconds=${idle}`;
        }
        if (f.sourceAllowlist) a[`${ALB}inbound-cidrs`] = [...f.sourceAllowlist].sort().join(',');
        return a;
      },
      checkPath() { /* ALB path patterns accept what the API server accepts; `*` and `?` only as ImplementationSpecific. */ },
      rewriteRefusal: 'an ALB forwards the path unchanged; rewrite in the backend or use another controller',
    };
  }
}

/**
 * The custom controller's TLS annotations go on the Ingress like the gateway's raw annotations, so
 * they follow the same rules: valid keys, string values YAML carries, no snippet (the gateway's
 * `allowSnippetAnnotations` opt-in covers only its own `annotations`), no `kubernetes.io/ingress.class`.
 */
function validateTlsAnnotations(scope: IConstruct, field: string, annotations: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(annotations).sort()) {
    const v = annotations[k];
    check(scope, `${field} key`, k, labelKey);
    if (typeof v !== 'string') throw invalid(scope, `${field}[${JSON.stringify(k)}]`, v, 'must be a string (quote numbers and booleans: "true", "443")');
    check(scope, `${field}[${JSON.stringify(k)}]`, v, yamlSafeText);
    if (isSnippetAnnotation(k)) {
      throw invalid(scope, `${field}[${JSON.stringify(k)}]`, v,
        'snippet annotations inject raw proxy configuration (CVE-2021-25742) and are refused here; put it in the gateway\'s annotations with allowSnippetAnnotations: true');
    }
    if (k === 'kubernetes.io/ingress.class') {
      throw invalid(scope, `${field}[${JSON.stringify(k)}]`, v, 'is deprecated and rejected by the API server when it differs from spec.ingressClassName; set the controller\'s className');
    }
    out[k] = v;
  }
  return out;
}

class CustomController extends IngressController {
  public readonly name: string;

  public constructor(private readonly options: CustomControllerOptions) {
    super();
    this.name = options?.name;
  }

  public _bind(scope: IConstruct, field: string): BoundController {
    const o = this.options ?? ({} as CustomControllerOptions);
    const name = check(scope, `${field} name`, o.name, dns1123Label);
    const className = o.className === undefined ? undefined : check(scope, `${field} className`, o.className, dns1123Subdomain);
    if ((o.pods === undefined) === (o.cidrs === undefined)) {
      throw invalid(scope, `${field} source`, { pods: o.pods, cidrs: o.cidrs },
        'IngressController.custom() needs exactly one of pods (in-cluster proxies) and cidrs (a load balancer targeting pod IPs)');
    }
    let source: Endpoint;
    if (o.pods) {
      validatePods(scope, `${field} pods`, o.pods.namespace, o.pods.labels);
      source = podsEndpoint(name, o.pods.namespace, { ...o.pods.labels });
    } else {
      source = ipBlockEndpoint(name, validateCidrs(scope, `${field} cidrs`, o.cidrs).map((c) => ({ cidr: c })));
    }
    const tlsExtra = validateTlsAnnotations(scope, `${field} tlsAnnotations`, o.tlsAnnotations ?? {});
    return {
      kind: 'custom',
      name,
      className,
      source,
      tlsAnnotations: (_s, _f, tls) => (tls.mode === 'none' ? {} : tlsExtra),
      featureAnnotations(s, f) {
        for (const k of featuresSet(f)) {
          throw unsupported(s, k, f[k], `custom controller ${name}`, 'typed features are translated only for nginx, traefik and awsAlb; set the controller\'s own annotations with `annotations`');
        }
        return {};
      },
      checkPath() { /* unknown controller: the API server's rules only. */ },
      rewriteRefusal: 'typed features are translated only for nginx, traefik and awsAlb; set the controller\'s own annotations with `annotations`',
    };
  }
}
