/**
 * Namespace labels, as namespaceSelectors see them.
 */
import type { Labels } from './selector';

/** The label the API server puts on every namespace, holding its name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * The labels of every namespace: those of its `Namespace` manifest when there
 * is one, plus (always, and overriding) `kubernetes.io/metadata.name: <name>`.
 */
export class NamespaceLabels {
  private readonly declared = new Map<string, Labels>();
  private readonly cache = new Map<string, Labels>();

  /** @param manifests `Namespace` manifests; other objects are ignored. */
  constructor(manifests: readonly any[] = []) {
    for (const m of manifests) {
      const name = m?.metadata?.name;
      if (m?.kind === 'Namespace' && typeof name === 'string') this.declared.set(name, m.metadata.labels ?? {});
    }
  }

  /** The names of the namespaces that have a manifest. */
  declaredNames(): string[] {
    return [...this.declared.keys()];
  }

  /** The labels of a namespace (whether or not it has a manifest). */
  labelsOf(name: string): Labels {
    let labels = this.cache.get(name);
    if (!labels) {
      labels = { ...this.declared.get(name), [NAMESPACE_NAME_LABEL]: name };
      this.cache.set(name, labels);
    }
    return labels;
  }
}
