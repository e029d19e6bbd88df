import type { PodGroup } from '../evaluator';
import type { ManifestObject } from './objects';

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
}
