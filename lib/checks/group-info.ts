import type { PodGroup } from '../evaluator';
import { getOrCreate } from '../evaluator/util';
import type { ManifestObject } from './objects';
import { compare } from './objects';

/**
 * A pod group and what it stands for.
 * @jsii ignore
 */
export interface GroupInfo {
  readonly group: PodGroup;
  /** The workload name, or the declared peer's name for a group outside the app. */
  readonly name: string;
  /** The workload kind, or `Peer` for pods outside the app. */
  readonly kind: string;
  /** The workload object; undefined for pods outside the app. */
  readonly object?: ManifestObject;
  /**
   * True for a representative group that stands for pods the app does not know, which a policy's
   * selector admits (see `exposure.ts`); its `name` says what the rule admits.
   */
  readonly exposure?: boolean;
  /** The labels of the representative namespace of an exposure group (`[namespaces team=x]`: team=x), as the evaluator gave them. */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
}

/** The groups of each workload object (one per pod template), in the order given. */
export function groupsByObject(groups: readonly GroupInfo[]): Map<ManifestObject, GroupInfo[]> {
  const out = new Map<ManifestObject, GroupInfo[]>();
  for (const g of groups) if (g.object !== undefined) getOrCreate(out, g.object, () => []).push(g);
  return out;
}

/** The groups of the workloads of `templates`, sorted by id as the verification's groups are. */
export function selectedGroups(
  templates: readonly { readonly object: ManifestObject }[], byObject: ReadonlyMap<ManifestObject, readonly GroupInfo[]>,
): GroupInfo[] {
  const groups = [...new Set(templates.map((t) => t.object))].flatMap((o) => byObject.get(o) ?? []);
  return groups.sort((a, b) => compare(a.group.id, b.group.id));
}
