import { Size, SizeRoundingBehavior } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { check, checkList, cidr, intInRange, invalid } from '../util/validation';
import { corsOrigin, httpHeaderName, httpMethod } from './rules';

/** Proxy timeouts towards the backends, in seconds. */
export interface GatewayTimeouts {
  /**
   * How long to wait for the backend to send data (between two reads).
   * @default - the controller's default (ingress-nginx 60s)
   */
  readonly readSeconds?: number;
  /**
   * How long to wait for the backend to accept data (between two writes).
   * @default - the controller's default (ingress-nginx 60s)
   */
  readonly sendSeconds?: number;
  /**
   * How long to wait for a connection to the backend.
   * @default - the controller's default (ingress-nginx 5s)
   */
  readonly connectSeconds?: number;
}

/** Cross-origin resource sharing, answered by the proxy. */
export interface CorsOptions {
  /** Allowed origins: `*` or `http(s)://host[:port]`, optionally with a leading `*.` label. */
  readonly allowOrigins: string[];
  /**
   * Allowed methods.
   * @default ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS']
   */
  readonly allowMethods?: string[];
  /**
   * Allowed request headers.
   * @default - the controller's default list
   */
  readonly allowHeaders?: string[];
  /**
   * Response headers the browser may read.
   * @default - none
   */
  readonly exposeHeaders?: string[];
  /**
   * Whether requests may carry credentials (cookies, Authorization). Not allowed with origin `*`.
   * @default false (ingress-nginx would default to true; this library does not)
   */
  readonly allowCredentials?: boolean;
  /**
   * How long a preflight answer may be cached, in seconds.
   * @default - the controller's default (ingress-nginx 1728000)
   */
  readonly maxAgeSeconds?: number;
}

/** A per-client-IP request rate limit. */
export interface RateLimitOptions {
  /** Requests per second per client IP (ingress-nginx allows bursts of 5x). */
  readonly requestsPerSecond: number;
}

/** The typed, controller-independent features of a gateway, validated. @internal */
export interface GatewayFeatures {
  readonly maxRequestBodySize?: Size;
  readonly timeouts?: GatewayTimeouts;
  readonly cors?: CorsOptions;
  readonly rateLimit?: RateLimitOptions;
  readonly sourceAllowlist?: readonly string[];
}

/** The names of the typed features, as the props spell them. @internal */
export type FeatureName = keyof GatewayFeatures | 'rewriteTarget';

/** @internal Validates the controller-independent rules of every typed feature. */
export function validateFeatures(scope: IConstruct, f: GatewayFeatures): void {
  if (f.maxRequestBodySize !== undefined) {
    if (!(f.maxRequestBodySize instanceof Size)) {
      throw invalid(scope, 'maxRequestBodySize', f.maxRequestBodySize, 'must be a Size such as Size.mebibytes(8)');
    }
    const kib = f.maxRequestBodySize.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
    if (!Number.isInteger(kib) || kib < 1) {
      throw invalid(scope, 'maxRequestBodySize', `${kib}KiB`, 'must be a whole number of KiB, at least 1 KiB');
    }
  }
  const t = f.timeouts;
  if (t !== undefined) {
    if (t.readSeconds === undefined && t.sendSeconds === undefined && t.connectSeconds === undefined) {
      throw invalid(scope, 'timeouts', t, 'must set at least one of readSeconds, sendSeconds, connectSeconds');
    }
    for (const k of ['readSeconds', 'sendSeconds', 'connectSeconds'] as const) {
      if (t[k] !== undefined) check(scope, `timeouts.${k}`, t[k]!, intInRange(1, 86400, 'a whole number of seconds'));
    }
  }
  const c = f.cors;
  if (c !== undefined) {
    if (!Array.isArray(c.allowOrigins) || c.allowOrigins.length === 0) {
      throw invalid(scope, 'cors.allowOrigins', c.allowOrigins, 'must list at least one origin, or "*"');
    }
    c.allowOrigins.forEach((o, i) => check(scope, `cors.allowOrigins[${i}]`, o, corsOrigin));
    checkList(scope, 'cors.allowMethods', c.allowMethods, 'HTTP methods');
    checkList(scope, 'cors.allowHeaders', c.allowHeaders, 'HTTP header names');
    checkList(scope, 'cors.exposeHeaders', c.exposeHeaders, 'HTTP header names');
    (c.allowMethods ?? []).forEach((m, i) => check(scope, `cors.allowMethods[${i}]`, m, httpMethod));
    (c.allowHeaders ?? []).forEach((h, i) => check(scope, `cors.allowHeaders[${i}]`, h, httpHeaderName));
    (c.exposeHeaders ?? []).forEach((h, i) => check(scope, `cors.exposeHeaders[${i}]`, h, httpHeaderName));
    if (c.allowCredentials && c.allowOrigins.includes('*')) {
      throw invalid(scope, 'cors.allowCredentials', true,
        'cannot be combined with origin "*": browsers refuse credentialed responses to any origin; list the origins');
    }
    if (c.maxAgeSeconds !== undefined) check(scope, 'cors.maxAgeSeconds', c.maxAgeSeconds, intInRange(0, 1_000_000_000, 'a whole number of seconds'));
  }
  if (f.rateLimit !== undefined) {
    check(scope, 'rateLimit.requestsPerSecond', f.rateLimit.requestsPerSecond, intInRange(1, 1_000_000, 'a whole number of requests'));
  }
  if (f.sourceAllowlist !== undefined) {
    checkList(scope, 'sourceAllowlist', f.sourceAllowlist, 'CIDRs');
    if (f.sourceAllowlist.length === 0) {
      throw invalid(scope, 'sourceAllowlist', [],
        'must list at least one CIDR; an empty allowlist would mean everyone to some controllers and no one to others');
    }
    f.sourceAllowlist.forEach((b, i) => check(scope, `sourceAllowlist[${i}]`, b, cidr));
  }
}

/** The features that are set, in a stable order. @internal */
export function featuresSet(f: GatewayFeatures): (keyof GatewayFeatures)[] {
  return (['maxRequestBodySize', 'timeouts', 'cors', 'rateLimit', 'sourceAllowlist'] as const).filter((k) => f[k] !== undefined);
}

/** A size in nginx notation: `8m`, `512k`, or bytes. @internal */
export function sizeText(size: Size): string {
  const kib = size.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (kib % 1024 === 0) return `${kib / 1024}m`;
  return `${kib}k`;
}

/** An error for a typed feature a controller cannot express. @internal */
export function unsupported(scope: IConstruct, feature: FeatureName, value: unknown, who: string, why: string): Error {
  return invalid(scope, feature, value instanceof Size ? sizeText(value) : value,
    `${who} cannot express ${feature}: ${why}`);
}
