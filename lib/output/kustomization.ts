import * as fs from 'fs';
import * as path from 'path';
import type { App } from 'cdk8s';
import { Yaml } from 'cdk8s';
import { ValidationError } from '../util/errors';

/** The file Kustomize (and Argo CD's tool detection) looks for. */
export const KUSTOMIZATION_FILE = 'kustomization.yaml';

/** Options of `writeKustomization`. */
export interface KustomizationOptions {
  /**
   * List the files that hold Argo CD objects (`argoproj.io`) too. Left out by default: those
   * objects deploy the others, and an Application that synced itself into every destination
   * cluster would be wrong. A file that mixes both kinds of objects is an error unless this is set.
   * @default false
   */
  readonly includeArgoCdObjects?: boolean;
}

/** The manifests the last `App.synth()` of each app wrote, recorded as it started writing them. */
const written = new WeakMap<App, readonly string[]>();

/**
 * Records the manifest files `App.synth()` is writing for `app` (relative to its output folder).
 * Called by the synth pipeline once the app is valid and cdk8s starts writing.
 * @internal
 */
export function recordWrittenManifests(app: App, files: readonly string[]): void {
  written.set(app, [...files]);
  byOutdir.set(path.resolve(app.outdir), { app: appIds.get(app) ?? newAppId(app), files: [...files] });
}

/**
 * The manifests the last `App.synth()` into each output folder (resolved) wrote, and which App wrote
 * them (by a number: holding the App would keep every App of a long test run alive).
 */
const byOutdir = new Map<string, { readonly app: number; readonly files: readonly string[] }>();
const appIds = new WeakMap<App, number>();
let nextAppId = 0;

function newAppId(app: App): number {
  const id = nextAppId++;
  appIds.set(app, id);
  return id;
}

/**
 * The manifests another App of this program wrote into `app`'s output folder by `App.synth()` that
 * are still there and that `app`'s synth, writing `files`, leaves in place (relative to the folder).
 * Each App's checks, flow verification and network report cover its own objects only, so such a
 * folder holds objects nothing checked together, and a report that describes some of them.
 * @internal
 */
export function otherAppsManifests(app: App, files: readonly string[]): string[] {
  const outdir = path.resolve(app.outdir);
  const prior = byOutdir.get(outdir);
  if (!prior || prior.app === appIds.get(app)) return [];
  const own = new Set(files);
  return prior.files.filter((f) => !own.has(f) && fs.existsSync(path.join(outdir, f)));
}

/**
 * Writes `kustomization.yaml` into the app's output folder, listing (sorted) every manifest that
 * the last `app.synth()` wrote there, so that the folder can be used as a Kustomize base
 * (`kubectl apply -k dist`, or overlays that add patches per environment). Other files in the
 * folder (left over from an earlier synth, or written by something else) are not listed.
 *
 * Call it after `app.synth()`: cdk8s decides file names only while it writes them, and the app
 * must hold a construct of this library (which records them); before, it throws.
 *
 * A `kustomization.yaml` switches Argo CD from a plain directory to Kustomize for that path: set
 * `kustomize: true` on the `ArgoCdApplication` that points at it.
 *
 * @returns the paths listed, relative to the output folder
 */
export function writeKustomization(app: App, options: KustomizationOptions = {}): string[] {
  const outdir = app.outdir;
  const files = written.get(app);
  if (files === undefined) {
    throw new ValidationError(`${outdir}: writeKustomization(app) is invalid before app.synth(): it lists the manifests that synth wrote `
      + 'into the output folder (not the files it finds there); call app.synth() first');
  }
  const resources: string[] = [];
  for (const file of files) {
    const full = path.join(outdir, file);
    if (file === KUSTOMIZATION_FILE) {
      throw new ValidationError(`${full}: kustomization resource ${JSON.stringify(file)} is invalid: it is the file writeKustomization(app) `
        + 'writes, so the manifest would be replaced by a kustomization listing itself; rename the chart (or choose another outputFileExtension)');
    }
    if (!fs.existsSync(full)) {
      throw new ValidationError(`${full}: kustomization resource ${JSON.stringify(file)} is invalid: app.synth() wrote it, but it is gone; `
        + 'run app.synth() again');
    }
    const docs = Yaml.load(full).filter((d) => d !== null && d !== undefined);
    const argo = docs.filter((d) => typeof d?.apiVersion === 'string' && d.apiVersion.startsWith('argoproj.io/'));
    if (!options.includeArgoCdObjects && argo.length > 0) {
      if (argo.length === docs.length) continue;
      throw new ValidationError(`${path.join(outdir, file)}: kustomization resource ${JSON.stringify(file)} is invalid: it holds Argo CD objects `
        + `(${argo.map((d) => `${d.kind} ${d.metadata?.name}`).join(', ')}) and other objects in one file; put the Argo CD objects in a chart of ` +
          `their own, `
        + 'or pass { includeArgoCdObjects: true }');
    }
    resources.push(file);
  }
  if (resources.length === 0) {
    throw new ValidationError(`${outdir}: no manifests to list in ${KUSTOMIZATION_FILE}: app.synth() wrote none`
      + `${files.length ? ' but Argo CD objects' : ''}`);
  }
  const text = [
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    'resources:',
    ...resources.map((r) => `  - ${r}`),
    '',
  ].join('\n');
  fs.writeFileSync(path.join(outdir, KUSTOMIZATION_FILE), text);
  return resources;
}
