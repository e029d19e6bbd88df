import type { NetworkModel } from './network-model';

/**
 * The phases of a synth, in the order they run. Each step names its phase instead of relying on
 * the order in which it was added; within a phase, steps run in the order they were added.
 */
export enum SynthPhase {
  /** Objects are added: routes rendered at synth, then the NetworkPolicies of the flow graph. */
  RENDER = 'render',
  /** The output layout is checked (no two objects written to one file). */
  LAYOUT = 'layout',
  /** Every object of the app is decorated, e.g. with Argo CD sync waves. Nothing is added after it. */
  ANNOTATE = 'annotate',
  /** The final JSON is checked and the flows are verified against the policies. */
  CHECK = 'check',
  /** The network report is prepared from what the checks computed. */
  REPORT = 'report',
}

/** Every phase, in the order the pipeline runs them. */
export const SYNTH_PHASES: readonly SynthPhase[] = [
  SynthPhase.RENDER, SynthPhase.LAYOUT, SynthPhase.ANNOTATE, SynthPhase.CHECK, SynthPhase.REPORT,
];

/** A step that runs once at every synth of the app, in its phase. */
export interface ISynthStep {
  /** A unique name; adding a second step with the same name does nothing. */
  readonly name: string;
  /** When the step runs. */
  readonly phase: SynthPhase;
  /** Runs the step on the app's model. */
  run(model: NetworkModel): void;
}
