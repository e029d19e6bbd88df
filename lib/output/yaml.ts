/**
 * The manifests' YAML text, written by the library for cdk8s.
 *
 * `App.synth()` writes every object with cdk8s's `Yaml.stringify`: the `yaml` package (2.x) with
 * `{ keepUndefined: true, lineWidth: 0, version: '1.1' }`, which builds a document tree of every
 * object and walks it twice. That is about 40% of a synth's time, as much as everything else
 * cdk8s and this library do together. Manifests are plain JSON data, so the same text can be
 * written in one walk: `emitYaml()` writes it, byte for byte what `Yaml.stringify` writes, and
 * returns `undefined` for anything it does not cover (multi-line strings, shared references,
 * values that are not JSON, ...), which cdk8s then writes as before.
 *
 * The text reaches cdk8s without changing it: `yaml` writes any value that identifies itself as
 * a yaml `Document` (`Symbol.for('yaml.node.type')`) by calling its `toString(options)`.
 * `asYamlDocument()` gives a shallow copy of the object that identity; the synth pipeline hands
 * it to cdk8s for the write it makes of the object. It does so only once `acceptsYamlDocuments()`
 * has shown, in this process, that the installed cdk8s writes such an object through it with
 * exactly those options, and that `emitYaml()` gives the installed cdk8s's own text for a sample
 * of the cases it covers. Anything else (an older cdk8s with other options, another YAML writer)
 * leaves cdk8s's writer in place.
 *
 * yaml 2.6 to 2.9 write what `emitYaml()` covers alike (their stringify/ and YAML 1.1 schema differ
 * only in -0, block scalars, comments and flow collections, all left to cdk8s); before 2.6,
 * `stringify` has no `Document` shortcut, so the probe keeps cdk8s's writer (cdk8s 2.64 bundles 2.3).
 *
 * `CDK8S_NETWORKING_YAML_WRITER=cdk8s` turns this off; `=check` writes every object both ways
 * and fails on the first difference (the test suite runs so).
 */
import { Yaml } from 'cdk8s';
import { ValidationError } from '../util/errors';

/** The environment variable that selects the YAML writer. */
export const YAML_WRITER_ENV = 'CDK8S_NETWORKING_YAML_WRITER';
/** Its values: `library` (the default), `cdk8s` (cdk8s's own writer), `check` (both, compared). */
export type YamlWriter = 'library' | 'cdk8s' | 'check';
const WRITERS: readonly YamlWriter[] = ['library', 'cdk8s', 'check'];

/** The identity `yaml` 2.x reads to tell a `Document` (nodes/identity.js: `isDocument`). */
const YAML_NODE_TYPE = Symbol.for('yaml.node.type');
const YAML_DOCUMENT = Symbol.for('yaml.document');
/** The options cdk8s's `Yaml.stringify` passes to `yaml` (cdk8s lib/yaml.js), which `emitYaml()` reproduces. */
const CDK8S_OPTIONS: Readonly<Record<string, unknown>> = { keepUndefined: true, lineWidth: 0, version: '1.1' };

/** The writer chosen by `CDK8S_NETWORKING_YAML_WRITER`. */
export function yamlWriter(env: NodeJS.ProcessEnv = process.env): YamlWriter {
  const value = env[YAML_WRITER_ENV];
  if (value === undefined || value === '') return 'library';
  if ((WRITERS as readonly string[]).includes(value)) return value as YamlWriter;
  throw new ValidationError(`${YAML_WRITER_ENV}: value ${JSON.stringify(value)} is invalid: use one of ${WRITERS.join(', ')}`);
}

/** Thrown inside the walk when a value is outside what `emitYaml()` covers. */
const UNSUPPORTED: unique symbol = Symbol('unsupported');

/**
 * Strings `yaml` writes plain (unquoted) under YAML 1.1 without asking its schema: a letter first,
 * then letters, digits and `_ . / : -`, not ending in `:` (stringifyString.js `plainString`).
 */
const PLAIN = /^[A-Za-z][\w./:-]*$/;
/**
 * The schema's tests that such a string can still match: YAML 1.1's booleans and null
 * (schema/yaml-1.1/bool.js, schema/common/null.js) and `floatExp` without a mantissa (`e1`, `E-5`).
 * Matched in any case: yaml 2.3 tests the false words case-insensitively (`oFF`), 2.9 does not; such
 * a string is written as the installed cdk8s writes it.
 */
const SCHEMA_WORD = /^(?:y|yes|n|no|true|false|on|off|null|e[-+]?\d+)$/i;
/** A key or a document-level scalar starting with these is written by depth; left to cdk8s (stringifyString.js `containsDocumentMarker`). */
const DOCUMENT_MARKER = /^(?:%|---|\.\.\.)/;
/** `yaml` writes a key longer than this as an explicit key (`? key`); left to cdk8s (stringifyPair.js). */
const MAX_IMPLICIT_KEY = 1024;

/** Strings cdk8s's writer had to quote or escape, as it writes them in a value and as a key. */
const quotedValues = new Map<string, string | typeof UNSUPPORTED>();
const quotedKeys = new Map<string, string | typeof UNSUPPORTED>();

/** How `yaml` writes a one-line string in a block map or sequence: the same at every depth. */
function scalarText(s: string, key: boolean): string {
  if (PLAIN.test(s) && !s.endsWith(':') && !SCHEMA_WORD.test(s)) {
    if (key && s.length > MAX_IMPLICIT_KEY) throw UNSUPPORTED;
    return s;
  }
  const cache = key ? quotedKeys : quotedValues;
  let text = cache.get(s);
  if (text === undefined) {
    text = askCdk8s(s, key);
    cache.set(s, text);
  }
  if (text === UNSUPPORTED) throw UNSUPPORTED;
  return text;
}

/** The text cdk8s's writer gives a string, read off a one-pair document; UNSUPPORTED where it depends on the depth. */
function askCdk8s(s: string, key: boolean): string | typeof UNSUPPORTED {
  if (s.includes('\n') || s.includes('\r') || DOCUMENT_MARKER.test(s)) return UNSUPPORTED;
  const text = key ? Yaml.stringify({ [s]: 0 }) : Yaml.stringify({ k: s });
  const [head, tail] = key ? ['', ': 0\n'] : ['k: ', '\n'];
  if (!text.startsWith(head) || !text.endsWith(tail)) return UNSUPPORTED;
  const inner = text.slice(head.length, text.length - tail.length);
  if (inner.includes('\n') || inner.startsWith('? ') || (key && inner.length > MAX_IMPLICIT_KEY)) return UNSUPPORTED;
  return inner;
}

function scalar(v: unknown): string {
  switch (typeof v) {
    case 'string': return scalarText(v, false);
    case 'boolean': return v ? 'true' : 'false';
    case 'number':
      // yaml writes -0 as `-0`, infinities and NaN as `.inf`/`.nan`: left to cdk8s.
      if (!Number.isFinite(v) || Object.is(v, -0)) throw UNSUPPORTED;
      return String(v);
    case 'object':
      if (v === null) return 'null';
  }
  // undefined (kept as a key by `keepUndefined`), bigint, functions, symbols: left to cdk8s.
  throw UNSUPPORTED;
}

/** One walk over a document, with the objects it met: `yaml` writes a second reference as an alias. */
class Walk {
  public readonly out: string[] = [];
  private readonly seen = new Set<object>();

  /** A block map's lines; `lead` is what goes before the first key (the indent, or `- ` inside a sequence). */
  public map(o: Record<string, unknown>, indent: string, lead: string): void {
    for (const k in o) {
      this.out.push(lead, scalarText(k, true));
      lead = indent;
      this.value(o[k], indent);
    }
  }

  /** A block sequence's lines (yaml's `indentSeq`: items two spaces in from their key). */
  public seq(a: readonly unknown[], indent: string, lead: string): void {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      this.out.push(lead);
      lead = indent;
      const kind = this.collection(v);
      if (kind === 'empty-seq') this.out.push('- []\n');
      else if (kind === 'empty-map') this.out.push('- {}\n');
      else if (kind === 'seq') this.seq(v as unknown[], indent + '  ', '- ');
      else if (kind === 'map') this.map(v as Record<string, unknown>, indent + '  ', '- ');
      else this.out.push('- ', scalar(v), '\n');
    }
  }

  /** The rest of a map entry after its key. */
  private value(v: unknown, indent: string): void {
    const kind = this.collection(v);
    const inner = indent + '  ';
    if (kind === 'empty-seq') this.out.push(': []\n');
    else if (kind === 'empty-map') this.out.push(': {}\n');
    else if (kind === 'seq') { this.out.push(':\n'); this.seq(v as unknown[], inner, inner); }
    else if (kind === 'map') { this.out.push(':\n'); this.map(v as Record<string, unknown>, inner, inner); }
    else this.out.push(': ', scalar(v), '\n');
  }

  /** What kind of collection a value is, if any; only plain objects and arrays, each met once. */
  public collection(v: unknown): 'map' | 'seq' | 'empty-map' | 'empty-seq' | undefined {
    if (v === null || typeof v !== 'object') return undefined;
    if (this.seen.has(v)) throw UNSUPPORTED;
    this.seen.add(v);
    const proto = Object.getPrototypeOf(v);
    if (proto === Array.prototype) return (v as unknown[]).length === 0 ? 'empty-seq' : 'seq';
    if (proto !== Object.prototype && proto !== null) throw UNSUPPORTED; // Date, Map, class instances, toJSON()
    return Object.keys(v).length === 0 ? 'empty-map' : 'map';
  }
}

/**
 * The YAML text cdk8s's `Yaml.stringify(doc)` gives a manifest, or `undefined` where `doc` holds
 * something this writer leaves to cdk8s. `doc` must be a non-empty plain object.
 */
export function emitYaml(doc: unknown): string | undefined {
  const walk = new Walk();
  try {
    if (walk.collection(doc) !== 'map') return undefined;
    walk.map(doc as Record<string, unknown>, '', '');
  } catch (e) {
    if (e === UNSUPPORTED) return undefined;
    throw e;
  }
  return walk.out.length === 0 ? undefined : walk.out.join('');
}

function isCdk8sOptions(options: unknown): boolean {
  if (typeof options !== 'object' || options === null) return false;
  const keys = Object.keys(options);
  return keys.length === Object.keys(CDK8S_OPTIONS).length
    && keys.every((k) => (options as Record<string, unknown>)[k] === CDK8S_OPTIONS[k]);
}

/** Documents the installed cdk8s wrote through the library's text: a sample of what `emitYaml()` covers. */
const SAMPLE = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'sample', labels: { 'app.kubernetes.io/name': 'web', 'on': 'yes', 'e1': 'null' }, annotations: {} },
  spec: {
    podSelector: {},
    policyTypes: ['Ingress', 'Egress'],
    ingress: [{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
      ports: [{ port: 53, protocol: 'UDP' }],
    }],
    egress: [[], ['a', ['b', 'c']], { ports: [] }],
    values: [0, -1, 1.5, 1e21, true, false, null, '', '1.0', '0x1F', 'E-5', 'a: b', 'x #y', "it's", 'say "hi"', '-', 'é', ' pad', 'tab\tin', 'N'],
  },
};

let accepts: boolean | undefined;

/**
 * Whether cdk8s, as installed, writes an `asYamlDocument()` object through its `toString` with
 * the options `emitYaml()` reproduces, and whether `emitYaml()` gives cdk8s's own text for the
 * sample: checked once per process.
 */
export function acceptsYamlDocuments(): boolean {
  if (accepts === undefined) accepts = probe();
  return accepts;
}

function probe(): boolean {
  const sample = JSON.parse(JSON.stringify(SAMPLE));
  if (emitYaml(sample) !== Yaml.stringify(sample)) return false;
  let options: unknown;
  const marked = { ...sample };
  Object.defineProperty(marked, YAML_NODE_TYPE, { value: YAML_DOCUMENT });
  Object.defineProperty(marked, 'toString', { value: (o: unknown) => { options = o; return 'library\n'; } });
  return Yaml.stringify(marked) === 'library\n' && isCdk8sOptions(options);
}

/**
 * What to hand cdk8s instead of `json` where it writes it next: a shallow copy of it that cdk8s's
 * `Yaml.stringify` writes with the library's text (or cdk8s's own, where `emitYaml()` leaves the
 * object to cdk8s). `json` itself is not changed, and the copy is plain data to anything but
 * `yaml`: a copy of the copy (`{ ...doc }`) loses the mark and is written by cdk8s. Use only once
 * `acceptsYamlDocuments()` is true. With `check`, both texts are compared.
 */
export function asYamlDocument<T extends object>(json: T, check = false): T {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return json;
  const doc = { ...json };
  Object.defineProperty(doc, YAML_NODE_TYPE, { value: YAML_DOCUMENT });
  Object.defineProperty(doc, 'toString', { value: (options?: unknown) => documentText(json, options, check) });
  return doc;
}

/** The text of `json` as cdk8s writes it (`options` are what cdk8s passed to `yaml`). */
function documentText(json: object, options: unknown, check: boolean): string {
  if (!isCdk8sOptions(options)) {
    throw new Error(`cdk8s-networking: an object marked for cdk8s's YAML writer was written with other options (${JSON.stringify(options)}); ` +
      `set ${YAML_WRITER_ENV}=cdk8s and report this`);
  }
  const text = emitYaml(json);
  if (text === undefined) return Yaml.stringify(json);
  if (check) {
    const theirs = Yaml.stringify(json);
    if (theirs !== text) {
      throw new Error(`${YAML_WRITER_ENV}=check: the library's YAML differs from cdk8s's for ${JSON.stringify(json)}:\n` +
        `library:\n${text}cdk8s:\n${theirs}`);
    }
  }
  return text;
}
