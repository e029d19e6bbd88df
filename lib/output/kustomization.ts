import * as fs from 'fs';
import * as path from 'path';
import type { App } from 'cdk8s';
import { Yaml } from 'cdk8s';

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

/**
 * Writes `kustomization.yaml` into the app's output folder, listing (sorted) every manifest that
 * `app.synth()` wrote there, so that the folder can be used as a Kustomize base
 * (`kubectl apply -k dist`, or overlays that add patches per environment).
 *
 * Call it after `app.synth()`: cdk8s decides file names only while it writes them. `cdk8s synth`
 * empties the output folder before it runs the app, so no stale file is listed.
 *
 * A `kustomization.yaml` switches Argo CD from a plain directory to Kustomize for that path: set
 * `kustomize: true` on the `ArgoCdApplication` that points at it.
 *
 * @returns the paths listed, relative to the output folder
 */
export function writeKustomization(app: App, options: KustomizationOptions = {}): string[] {
  const outdir = app.outdir;
  if (!fs.existsSync(outdir)) {
    throw new Error(`${outdir}: the output folder does not exist; call app.synth() before writeKustomization(app)`);
  }
  const resources: string[] = [];
  for (const file of manifestFiles(outdir, app.outputFileExtension)) {
    const docs = Yaml.load(path.join(outdir, file)).filter((d) => d !== null && d !== undefined);
    const argo = docs.filter((d) => typeof d?.apiVersion === 'string' && d.apiVersion.startsWith('argoproj.io/'));
    if (!options.includeArgoCdObjects && argo.length > 0) {
      if (argo.length === docs.length) continue;
      throw new Error(`${path.join(outdir, file)}: kustomization resource ${JSON.stringify(file)} is invalid: it holds Argo CD objects `
        + `(${argo.map((d) => `${d.kind} ${d.metadata?.name}`).join(', ')}) and other objects in one file; put the Argo CD objects in a chart of ` +
          `their own, `
        + 'or pass { includeArgoCdObjects: true }');
    }
    resources.push(file);
  }
  if (resources.length === 0) throw new Error(`${outdir}: no manifests to list in ${KUSTOMIZATION_FILE}; call app.synth() first`);
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

/** Every manifest below `outdir`, as sorted POSIX paths relative to it. */
function manifestFiles(outdir: string, extension: string): string[] {
  const found: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(outdir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith(extension) && entry.name !== KUSTOMIZATION_FILE) found.push(child);
    }
  };
  walk('');
  return found.sort();
}
