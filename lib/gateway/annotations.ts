import type { IConstruct } from 'constructs';
import { check, invalid, labelKey, yamlSafeText } from '../util/validation';
import { isSnippetAnnotation } from './rules';

/** How {@link validateAnnotations} treats annotations beyond the common rules. @internal */
export interface AnnotationPolicy {
  /** Why snippet annotations are refused here; undefined when they are accepted. */
  readonly snippetRefusal?: string;
  /** What to set instead of `kubernetes.io/ingress.class`. */
  readonly ingressClassHint: string;
  /** Annotations the typed options set, which these may not repeat. */
  readonly generated?: Readonly<Record<string, string>>;
}

/**
 * Annotations a user hands the gateway (its raw `annotations`, a custom controller's
 * `tlsAnnotations`), validated by the same rules: valid keys, string values YAML carries, no
 * snippet unless accepted, no `kubernetes.io/ingress.class`, no clash with a typed option.
 * Returns them sorted by key. @internal
 */
export function validateAnnotations(scope: IConstruct, field: string, annotations: Record<string, string>,
  policy: AnnotationPolicy): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(annotations).sort()) {
    const v = annotations[k];
    const at = `${field}[${JSON.stringify(k)}]`;
    check(scope, `${field} key`, k, labelKey);
    if (typeof v !== 'string') throw invalid(scope, at, v, 'must be a string (quote numbers and booleans: "true", "100")');
    check(scope, at, v, yamlSafeText);
    if (isSnippetAnnotation(k) && policy.snippetRefusal !== undefined) {
      throw invalid(scope, at, v, `snippet annotations inject raw proxy configuration (CVE-2021-25742) and are refused${policy.snippetRefusal}`);
    }
    if (k === 'kubernetes.io/ingress.class') {
      throw invalid(scope, at, v,
        `is deprecated and rejected by the API server when it differs from spec.ingressClassName; ${policy.ingressClassHint}`);
    }
    if (policy.generated && k in policy.generated) {
      throw invalid(scope, at, v,
        `conflicts with the value ${JSON.stringify(policy.generated[k])} set by the typed options (tls, controller or features); change the typed `
        + `option instead`);
    }
    out[k] = v;
  }
  return out;
}
