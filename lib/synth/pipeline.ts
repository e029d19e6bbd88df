import type { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { NetworkModel } from '../model/network-model';
import { recordWrittenManifests } from '../output/kustomization';
import { appOf, manifestFiles } from '../output/layout';
import { acceptsYamlDocuments, asYamlDocument, yamlWriter } from '../output/yaml';
import { currentSynthCall } from './call';

/** The construct id of the pipeline under the network model. */
const PIPELINE_ID = 'synth';

/**
 * Runs the model's synth steps, phase by phase, once per synth, however synth is invoked
 * (`app.synth()`, `App.prototype.synth.call(app)`, `app.synthYaml()`, `Testing.synth()`,
 * `chart.toJson()`), and holds the state of one synth: the objects rendered once for the checks
 * and cdk8s alike, the warnings already printed, and what is written once the app is valid.
 *
 * It is a child of the model, so its state is per app, with no module-level registry.
 */
export class SynthPipeline extends Construct {
  /** The pipeline of a model, created on first use. */
  public static of(model: NetworkModel): SynthPipeline {
    return (model.node.tryFindChild(PIPELINE_ID) as SynthPipeline | undefined) ?? new SynthPipeline(model);
  }

  /** Warnings already printed for this app, so that a later synth does not print them again. */
  public readonly reportedWarnings = new Set<string>();
  /** Objects whose `toJson` returns the JSON rendered for the checks, once. */
  private cached: ApiObject[] = [];
  /** Whether the current validation is inside a full `App.synth()`/`synthYaml()` that rendered once. */
  private renderOnceActive = false;
  /** Written once the app is valid and `App.synth()` starts writing manifests. */
  private pendingWrites: (() => void)[] = [];
  /** Whether cdk8s writes this synth's objects with the library's YAML text (`output/yaml.ts`), and whether it compares it with its own. */
  private yamlText: 'library' | 'check' | undefined;

  private constructor(private readonly model: NetworkModel) {
    super(model, PIPELINE_ID);
    model.node.addValidation({ validate: () => this.runStepsOnce() });
  }

  /**
   * The JSON of an object, rendered once per synth: inside `App.synth()` and `synthYaml()` cdk8s
   * then writes the same JSON instead of rendering the object again. Elsewhere it simply renders.
   */
  public render(obj: ApiObject): any {
    const json = obj.toJson();
    if (this.renderOnceActive) {
      // One-shot: cdk8s renders each object exactly once after validation; then the class method is back.
      Object.defineProperty(obj, 'toJson', {
        value: () => {
          delete (obj as { toJson?: unknown }).toJson;
          this.flushWrites();
          // cdk8s writes what it gets here with `Yaml.stringify`, next.
          return this.yamlText ? asYamlDocument(json, this.yamlText === 'check') : json;
        },
        configurable: true,
        writable: true,
      });
      this.cached.push(obj);
    }
    return json;
  }

  /**
   * Runs `write` once the app is valid, when `App.synth()` writes the manifests; nothing is
   * written by `synthYaml()`, `Testing.synth()` or `chart.toJson()`.
   */
  public whenWriting(write: () => void): void {
    if (currentSynthCall().method === 'synth') this.pendingWrites.push(write);
  }

  /** (Not named `onValidate()`: constructs 10.3.0 and older refuse a construct with a method of that name.) */
  private runStepsOnce(): string[] {
    const call = currentSynthCall();
    // Inside a full synth, cdk8s validates once for the app and again for each chart: run once.
    if (call.method && call.perChart) return [];
    this.reset();
    this.renderOnceActive = call.method !== undefined;
    if (this.renderOnceActive) {
      const writer = yamlWriter();
      this.yamlText = writer !== 'cdk8s' && acceptsYamlDocuments() ? writer : undefined;
    }
    try {
      for (const step of this.model.synthSteps) step.run(this.model);
    } catch (e) {
      this.reset();
      throw e;
    }
    // writeKustomization() lists what this synth writes, not what it finds in the output folder.
    const app = appOf(this.model);
    if (app) this.whenWriting(() => recordWrittenManifests(app, manifestFiles(app)));
    // An app without objects in charts renders nothing that would flush the writes.
    if (this.cached.length === 0) this.flushWrites();
    return [];
  }

  private flushWrites(): void {
    const writes = this.pendingWrites;
    this.pendingWrites = [];
    for (const write of writes) write();
  }

  /** Forgets a synth that did not finish: its cached JSON must not leak into the next one. */
  private reset(): void {
    for (const obj of this.cached) delete (obj as { toJson?: unknown }).toJson;
    this.cached = [];
    this.pendingWrites = [];
    this.renderOnceActive = false;
    this.yamlText = undefined;
  }
}
