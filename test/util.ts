/**
 * Test helpers: synthesize a whole app the way `cdk8s synth` does, read the YAML back, and validate
 * every object against the Kubernetes OpenAPI schema with kubernetes-models (an independent
 * validator), so that no test can pass on invalid or empty output.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { App } from 'cdk8s';
import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import type { IConstruct } from 'constructs';
import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';

type ModelModule = Record<string, new (data: any) => { validate(): void }>;

/** apiVersion -> module of kubernetes-models classes by kind. */
const MODEL_MODULES: Record<string, () => ModelModule> = {
  'v1': () => require('kubernetes-models/v1'),
  'apps/v1': () => require('kubernetes-models/apps/v1'),
  'batch/v1': () => require('kubernetes-models/batch/v1'),
  'networking.k8s.io/v1': () => require('kubernetes-models/networking.k8s.io/v1'),
  'discovery.k8s.io/v1': () => require('kubernetes-models/discovery.k8s.io/v1'),
  'gateway.networking.k8s.io/v1': () => require('@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1'),
  'gateway.networking.k8s.io/v1beta1': () => require('@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1beta1'),
  'argoproj.io/v1alpha1': () => require('@kubernetes-models/argo-cd/argoproj.io/v1alpha1'),
};

/**
 * CRDs kubernetes-models does not cover: validated with ajv (the JSON-schema validator
 * kubernetes-models itself runs on) against a schema derived from the upstream CRD; each schema
 * file cites its source in `$comment`.
 */
const CRD_SCHEMAS: Record<string, string> = {
  'cilium.io/v2/CiliumNetworkPolicy': 'ciliumnetworkpolicy.v2.schema.json',
  'keda.sh/v1alpha1/ScaledJob': 'scaledjob.keda.v1alpha1.schema.json',
  'ray.io/v1/RayCluster': 'raycluster.ray.v1.schema.json',
  'batch.volcano.sh/v1alpha1/Job': 'job.volcano.v1alpha1.schema.json',
  'postgresql.cnpg.io/v1/Cluster': 'cluster.cnpg.v1.schema.json',
  'serving.knative.dev/v1/Service': 'service.knative.v1.schema.json',
};
const crdValidators = new Map<string, ValidateFunction>();

function validateCrd(obj: any, id: string, file: string): void {
  let validate = crdValidators.get(file);
  if (!validate) {
    validate = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(JSON.parse(fs.readFileSync(path.join(__dirname, 'schemas', file), 'utf8')));
    crdValidators.set(file, validate);
  }
  if (!validate(obj)) {
    throw new Error(`${id} fails schema validation: ${validate.errors!.map((e) => `${e.instancePath} ${e.message}`).join('; ')}`);
  }
}

/**
 * The JSON field names of the core Kubernetes API, and the names of map-valued fields (labels,
 * selectors of Services, resource limits, ...), read from cdk8s-plus-27's and cdk8s-plus-33's
 * generated converters (1.33 added fields such as `appArmorProfile` and the `image` volume):
 * kubernetes-models accepts fields its schema does not know, which the API server's strict field
 * validation rejects (`setHostnameAsFqdn` for `setHostnameAsFQDN`).
 */
let coreFieldNames: { fields: Set<string>; maps: Set<string> } | undefined;
const CORE_API_VERSIONS = new Set(['v1', 'apps/v1', 'batch/v1', 'networking.k8s.io/v1', 'discovery.k8s.io/v1']);

function coreFields(): { fields: Set<string>; maps: Set<string> } {
  if (!coreFieldNames) {
    const source = ['cdk8s-plus-27', 'cdk8s-plus-33'].map((pkg) => fs.readFileSync(require.resolve(`${pkg}/lib/imports/k8s.js`), 'utf8')).join('\n');
    const fields = new Set<string>();
    const maps = new Set<string>();
    for (const m of source.matchAll(/^ +'([^']+)': (.*)$/gm)) {
      fields.add(m[1]);
      if (m[2].includes('Object.entries(obj.')) maps.add(m[1]);
    }
    coreFieldNames = { fields, maps };
  }
  return coreFieldNames;
}

/** Throws on a field name the core API does not have, anywhere in `value` (map values are not field names). */
function checkFieldNames(value: unknown, at: string, id: string): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkFieldNames(v, `${at}/${i}`, id));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const { fields, maps } = coreFields();
  for (const [key, v] of Object.entries(value)) {
    if (!fields.has(key)) throw new Error(`${id} has a field the Kubernetes API does not know: ${at}/${key}`);
    if (!maps.has(key)) checkFieldNames(v, `${at}/${key}`, id);
  }
}

/** Validates one manifest against its schema; throws with the object's identity on failure. */
export function validateManifest(obj: any): void {
  const id = `${obj?.kind} ${obj?.metadata?.namespace ?? ''}/${obj?.metadata?.name}`;
  const crd = CRD_SCHEMAS[`${obj?.apiVersion}/${obj?.kind}`];
  if (crd) {
    validateCrd(obj, id, crd);
    return;
  }
  const load = MODEL_MODULES[obj?.apiVersion];
  if (!load) throw new Error(`no schema known for apiVersion ${obj?.apiVersion} (${id})`);
  const Model = load()[obj.kind];
  if (!Model) throw new Error(`no schema known for kind ${obj.kind} in ${obj.apiVersion} (${id})`);
  try {
    new Model(obj).validate();
  } catch (e) {
    throw new Error(`${id} fails schema validation: ${(e as Error).message}`, { cause: e });
  }
  if (!obj.metadata?.name) throw new Error(`${id} has no metadata.name`);
  if (CORE_API_VERSIONS.has(obj.apiVersion)) checkFieldNames(obj, '', id);
}

/** A fresh App writing to a temporary folder. */
export function testApp(): App {
  return Testing.app({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-networking-')) });
}

export interface Synthesized {
  /** Every object of every file, in file then document order. */
  readonly objects: any[];
  /** File name -> YAML text. */
  readonly files: Record<string, string>;
  readonly outdir: string;
}

/** Parses YAML text with one or more documents. */
export function parseYaml(text: string): any[] {
  return parseAllDocuments(text).map((d) => {
    if (d.errors.length) throw new Error(`invalid YAML: ${d.errors[0].message}`);
    return d.toJS();
  }).filter((o) => o !== null && o !== undefined);
}

/** Runs `app.synth()`, reads back every YAML file and validates every object. */
export function synth(app: App): Synthesized {
  app.synth();
  return readOutput(app.outdir);
}

/** Reads and validates every manifest (`*.yaml` but `kustomization.yaml`) below `outdir`. */
export function readOutput(outdir: string): Synthesized {
  const files: Record<string, string> = {};
  const objects: any[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.yaml') && entry.name !== 'kustomization.yaml') {
        const text = fs.readFileSync(full, 'utf8');
        files[path.relative(outdir, full)] = text;
        objects.push(...parseYaml(text));
      }
    }
  };
  walk(outdir);
  if (objects.length === 0) throw new Error(`no objects were synthesized into ${outdir}`);
  objects.forEach(validateManifest);
  return { objects, files, outdir };
}

/** Finds exactly one object by kind and name (and namespace when given). */
export function find(objects: any[], kind: string, name: string, namespace?: string): any {
  const hits = objects.filter((o) => o.kind === kind && o.metadata?.name === name
    && (namespace === undefined || o.metadata?.namespace === namespace));
  if (hits.length !== 1) throw new Error(`expected one ${kind} ${namespace ?? '*'}/${name}, found ${hits.length}`);
  return hits[0];
}

/** Every object of a kind. */
export function ofKind(objects: any[], kind: string): any[] {
  return objects.filter((o) => o.kind === kind);
}

/**
 * The text of the user's seed (`shared/seed/` beside the repository; set SEED_DIR to point
 * elsewhere). The nearest `shared/seed` above the repository is used, so a git worktree nested
 * further down finds it too. Throws when there is none: a seed test must fail, not pass unchecked.
 */
export function seedText(): string {
  const candidates: string[] = process.env.SEED_DIR ? [process.env.SEED_DIR] : [];
  for (let dir = path.resolve(__dirname, '..'); !process.env.SEED_DIR; dir = path.dirname(dir)) {
    candidates.push(path.join(path.dirname(dir), 'shared', 'seed'));
    if (path.dirname(dir) === dir) break;
  }
  const found = candidates.find((d) => fs.existsSync(d) && fs.statSync(d).isDirectory());
  if (!found) throw new Error(`the seed is missing: no shared/seed directory beside the repository or above it (looked in ${candidates.join(', ')}); set SEED_DIR`);
  const files = fs.readdirSync(found).sort();
  if (files.length === 0) throw new Error(`the seed directory ${found} is empty`);
  return files.map((f) => fs.readFileSync(path.join(found, f), 'utf8')).join('\n');
}

/** Runs `app.synth()`, expecting it to fail; returns the error text (throws if synth passes). */
export function synthError(app: App): string {
  try {
    app.synth();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected synth to fail, but it passed');
}

const WARNING_PREFIX = '[cdk8s-networking] warning: ';

/**
 * Runs `fn` with the library's warnings captured instead of printed (other stderr output passes
 * through), so that a test asserts the warnings it expects rather than leaving them in the test
 * output. Returns `fn`'s result and the warnings, without the prefix: `[check] <path>: ...`.
 */
export function captureWarnings<T>(fn: () => T): { result: T; warnings: string[] } {
  const warnings: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation(((chunk: any, ...rest: any[]) => {
    const text = String(chunk);
    if (!text.startsWith(WARNING_PREFIX)) return write(chunk, ...rest);
    warnings.push(text.slice(WARNING_PREFIX.length).trimEnd());
    return true;
  }) as typeof process.stderr.write);
  try {
    return { result: fn(), warnings };
  } finally {
    spy.mockRestore();
  }
}

/**
 * Runs `fn`, expecting exactly these warnings, each given as `[check] <construct path>` (in any
 * order); returns `fn`'s result. The whole text of a warning is asserted where its check is tested.
 */
export function expectWarnings<T>(expected: readonly string[], fn: () => T): T {
  const { result, warnings } = captureWarnings(fn);
  expect(warnings.map((w) => w.slice(0, w.indexOf(': '))).sort()).toEqual([...expected].sort());
  return result;
}

/**
 * Patches a cdk8s-plus workload (one container) to meet Pod Security `restricted`, as the README
 * shows: cdk8s-plus-27 sets no seccomp profile and drops no capabilities. For fixtures whose
 * subject is not Pod Security.
 */
export function meetRestricted(workload: IConstruct): void {
  ApiObject.of(workload).addJsonPatch(
    JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
    JsonPatch.add('/spec/template/spec/containers/0/securityContext/capabilities', { drop: ['ALL'] }),
  );
}
