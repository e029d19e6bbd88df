import type { Rule } from '../util/validation';
import { dns1123Subdomain, parseIp, yamlSafeText } from '../util/validation';

/**
 * Validation rules for HTTP routing: Ingress hosts and paths as the API server checks them
 * (`pkg/apis/networking/validation`), ingress-nginx's strict path validation, rewrite targets,
 * CORS values and annotation keys. Pure functions, like the rules in `validation.ts`.
 */

/** How a route's path is matched (the Ingress `pathType`). */
export enum PathType {
  /** Element-wise prefix on "/": `/api` matches `/api` and `/api/x`, not `/apix`. */
  PREFIX = 'Prefix',
  /** The whole path, case-sensitively. */
  EXACT = 'Exact',
  /** The controller's own syntax, e.g. a regex (Ingress output only). */
  IMPLEMENTATION_SPECIFIC = 'ImplementationSpecific',
}

/** Every path type, for validation. @internal */
export const PATH_TYPES: readonly PathType[] = [PathType.PREFIX, PathType.EXACT, PathType.IMPLEMENTATION_SPECIFIC];

/**
 * An Ingress host: a lowercase DNS name, not an IP and without a port; a wildcard only as one
 * whole leading `*.` label followed by a DNS name (`*.example.com`).
 */
export const ingressHost: Rule<string> = (v) => {
  if (typeof v !== 'string' || v.length === 0) return 'must be a non-empty DNS name such as "app.example.com"';
  if (/:\d*$/.test(v) && !v.slice(0, v.lastIndexOf(':')).includes(':')) return 'must not contain a port: hosts match the HTTP Host header without it';
  if (parseIp(v) || parseIp(v.replace(/^\[|\]$/g, ''))) return 'must be a DNS name, not an IP address';
  if (v.includes('*')) {
    if (!v.startsWith('*.') || v.indexOf('*', 1) !== -1) {
      return 'may contain a wildcard only as one whole leading "*." label, e.g. "*.example.com"';
    }
    const rest = dns1123Subdomain(v.slice(2));
    return rest ? `must be "*." followed by a DNS name, and "${v.slice(2)}" ${rest}` : undefined;
  }
  return dns1123Subdomain(v);
};

/**
 * An Ingress path for its path type. Exact and Prefix paths are what the API server accepts:
 * they start with "/" and contain no `//`, `/./`, `/../`, `%2f`, and do not end with `/.` or
 * `/..`. ImplementationSpecific paths must start with "/" (this library needs a path).
 */
export function ingressPath(pathType: PathType): Rule<string> {
  return (v) => {
    if (typeof v !== 'string' || !v.startsWith('/')) return 'must start with "/"';
    if (/\s/.test(v)) return 'must not contain whitespace';
    const unsafe = yamlSafeText(v);
    if (unsafe) return unsafe;
    if (pathType === PathType.IMPLEMENTATION_SPECIFIC) return undefined;
    for (const bad of ['//', '/./', '/../']) {
      if (v.includes(bad)) return `must not contain "${bad}" (${pathType} paths are normalized)`;
    }
    if (/%2f/i.test(v)) return 'must not contain an encoded slash "%2f" or "%2F"';
    if (v.endsWith('/.') || v.endsWith('/..')) return 'must not end with "/." or "/.."';
    return undefined;
  };
}

/**
 * ingress-nginx strict path validation (`strict-validate-path-type`, on by default since
 * controller v1.12): Exact and Prefix paths may only hold letters, digits, "/", "_" and "-".
 */
export const nginxStrictPath: Rule<string> = (v) => (/^[A-Za-z0-9/_-]*$/.test(v) ? undefined
  : 'must only contain letters, digits, "/", "_" and "-" for ingress-nginx strict path validation (v1.12+); '
  + 'regex paths and paths with "." or ":" need pathType "ImplementationSpecific"');

/**
 * A rewrite target: the path that replaces the matched path prefix. Starts with "/", no
 * whitespace, no `$` (capture references are generated), no query or fragment.
 */
export const rewriteTarget: Rule<string> = (v) => {
  if (typeof v !== 'string' || !v.startsWith('/')) return 'must be a path starting with "/"';
  if (/[\s$?#]/.test(v)) return 'must not contain whitespace, "$", "?" or "#"';
  if (v.includes('//')) return 'must not contain "//"';
  return yamlSafeText(v);
};

/** A CORS origin: `*`, or `http(s)://host[:port]` with an optional single leading `*.` label. */
export const corsOrigin: Rule<string> = (v) => {
  if (v === '*') return undefined;
  const m = typeof v === 'string' ? /^(https?):\/\/(\*\.)?([^:/]+)(:(\d{1,5}))?$/.exec(v) : null;
  if (!m) return 'must be "*" or an origin "http(s)://host[:port]" without a path';
  if (dns1123Subdomain(m[3]) && !parseIp(m[3])) return 'must be an origin whose host is a lowercase DNS name or an IP address';
  if (m[5] !== undefined && (Number(m[5]) < 1 || Number(m[5]) > 65535)) return 'must have a port from 1 to 65535';
  return undefined;
};

/** An HTTP method name. */
export const httpMethod: Rule<string> = (v) => (
  ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'].includes(v)
    ? undefined : 'must be an uppercase HTTP method such as "GET" or "POST"');

/** An HTTP header name (an RFC 9110 token). */
export const httpHeaderName: Rule<string> = (v) => (
  typeof v === 'string' && /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(v)
    ? undefined : 'must be an HTTP header name (letters, digits and !#$%&\'*+.^_`|~-)');

/** Whether an annotation key is a snippet annotation (raw controller configuration). */
export function isSnippetAnnotation(key: string): boolean {
  const name = key.slice(key.lastIndexOf('/') + 1);
  return /snippet/i.test(name);
}

/** The comparison key of a path: Prefix paths match element-wise, so `/api` and `/api/` are one path. */
export function pathKey(path: string, pathType: PathType): string {
  return pathType === PathType.PREFIX && path.length > 1 ? path.replace(/\/+$/, '') : path;
}
