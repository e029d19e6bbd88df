/**
 * The library's YAML writer (lib/output/yaml.ts) writes byte for byte what cdk8s's `Yaml.stringify`
 * writes, and leaves to cdk8s what it does not cover. The whole suite also runs with
 * CDK8S_NETWORKING_YAML_WRITER=check (test/setup-env.ts): every object any test synthesizes is
 * written both ways and compared.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart, Testing, Yaml, YamlOutputType } from 'cdk8s';
import type { App } from 'cdk8s';
import type * as Cdk8s from 'cdk8s';
import type * as Lib from '../lib';
import type { Construct } from 'constructs';
import fc from 'fast-check';
import { buildApp } from '../apps/main';
import { WebApp, ZeroTrustNamespace } from '../lib';
import { acceptsYamlDocuments, asYamlDocument, emitYaml, yamlWriter, YAML_WRITER_ENV } from '../lib/output/yaml';
import type * as YamlModule from '../lib/output/yaml';
import { testApp } from './util';

const YAML_NODE_TYPE = Symbol.for('yaml.node.type');
const cdk8sText = (doc: unknown) => Yaml.stringify(doc);

/** Strings around every rule of yaml's `plainString` and of the YAML 1.1 schema's tests. */
const TRICKY = [
  '', ' ', 'a', 'web', 'app.kubernetes.io/name', 'nginx:1.25', 'https://example.com/x?y=1', 'a:', 'a: b', 'a:b', 'a #b', 'a#b', '#a',
  '-', '-a', '- a', '?', '?a', '? a', ':', ':a', '.', '..', '...', '...a', '---', '---a', '%a', '@a', '`a', '!a', '&a', '*a', '|a', '>a',
  "'a'", '"a"', "it's", 'say "hi"', 'both \' and "', '[a]', '{a}', 'a,b', ' lead', 'trail ', 'tab\tin', '\ttab',
  'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'on', 'On', 'ON',
  'off', 'Off', 'OFF', 'null', 'Null', 'NULL', '~', 'nulls', 'yess', 'Onion', 'offset', 'True1', 'oFF', 'nO', 'fALSE', 'yEs', 'tRUE', 'nULL',
  'e1', 'E5', 'e+3', 'e-12', 'E-5', 'e', 'e1a', 'ee1', 'e1.5', '1e3', '.5', '5.', '1_000', '0b101', '0o17', '017', '0x1F', '0x1f_ff', '+1', '-1',
  '1:30', '1:30:59', '1:30.5', '190:20:30.15', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '.inf', '-.Inf', '.nan', '.NaN', '<<', '=',
  'a\nb', 'a\r\nb', '\n', 'a \nb', 'é', 'ü:x', '日本', '\u0000', '\u0007', 'a\u0085b', 'a\u2028b', '\uD800', 'a\\b', 'x'.repeat(1100),
];

const scalarArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TRICKY) },
  { weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z][\w./:-]{0,12}$/) },
  { weight: 2, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  { weight: 2, arbitrary: fc.integer({ min: -70000, max: 70000 }) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);
const keyArb = fc.oneof(fc.constantFrom(...TRICKY), fc.stringMatching(/^[a-z][a-z0-9./-]{0,10}$/), fc.string({ maxLength: 6 }));
const { doc: docArb } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalarArb, tie('map'), tie('seq')),
  map: fc.dictionary(keyArb, tie('value'), { maxKeys: 5 }),
  seq: fc.array(tie('value'), { maxLength: 4 }),
  doc: fc.dictionary(keyArb, tie('value'), { minKeys: 1, maxKeys: 6 }),
}));

/** What the writer covers: no line breaks, no document markers, no -0, keys within yaml's implicit-key length. */
const covered = (v: unknown): boolean => {
  if (typeof v === 'string') return !/[\n\r]/.test(v) && !/^(%|---|\.\.\.)/.test(v) && v.length <= 1000;
  if (typeof v === 'number') return !Object.is(v, -0);
  if (Array.isArray(v)) return v.every(covered);
  if (v !== null && typeof v === 'object') return Object.entries(v).every(([k, x]) => covered(k) && covered(x));
  return true;
};

function sparse(): number[] {
  const a = [1, 2, 3];
  delete a[1];
  return a;
}

describe('emitYaml', () => {
  test('writes what cdk8s writes, for random manifests of tricky strings, numbers and nesting', () => {
    let written = 0;
    fc.assert(fc.property(docArb, (doc) => {
      const ours = emitYaml(doc);
      if (ours !== undefined) {
        written++;
        expect(ours).toBe(cdk8sText(doc));
      }
    }), { numRuns: 2000, seed: 20261203 });
    expect(written).toBeGreaterThan(400);
  });

  test('writes every manifest within what it covers (not leaving them to cdk8s), as cdk8s does', () => {
    fc.assert(fc.property(docArb.filter(covered), (doc) => {
      expect(emitYaml(doc)).toBe(cdk8sText(doc));
    }), { numRuns: 2000, seed: 20261204 });
  });

  test.each(TRICKY.filter((s) => !/[\n\r]/.test(s) && !/^(%|---|\.\.\.)/.test(s) && s.length < 1024))(
    'writes the string %j as cdk8s does, as a value, as a key and in a sequence', (s) => {
      const doc = { metadata: { name: s, labels: { [s]: s } }, items: [s, [s], { [s]: [s] }] };
      const ours = emitYaml(doc);
      expect(ours).toBeDefined();
      expect(ours).toBe(cdk8sText(doc));
    });

  test('writes plain strings plain and quotes those YAML 1.1 would read as something else', () => {
    expect(emitYaml({ a: 'web', b: 'app.kubernetes.io/name', c: 'nginx:1.25', d: 'https://x.io/a' }))
      .toBe('a: web\nb: app.kubernetes.io/name\nc: nginx:1.25\nd: https://x.io/a\n');
    expect(emitYaml({ a: 'yes', b: 'Off', c: 'null', d: 'e1', e: 'E-5', f: '80', g: 'a: b', h: '' }))
      .toBe('a: "yes"\nb: "Off"\nc: "null"\nd: "e1"\ne: "E-5"\nf: "80"\ng: "a: b"\nh: ""\n');
    // `n` and `y` are YAML 1.1 booleans as keys too.
    expect(emitYaml({ n: 80, f: 1.5, t: true, x: false, z: null, y: -2 })).toBe('"n": 80\nf: 1.5\nt: true\nx: false\nz: null\n"y": -2\n');
  });

  test('lays out nested maps, sequences and empty collections as cdk8s does', () => {
    const doc = {
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'a' } } }], ports: [] }] },
      matrix: [[1, [2, 3]], [], {}, [{}]],
    };
    const expected = [
      'spec:',
      '  podSelector: {}',
      '  policyTypes:',
      '    - Ingress',
      '  ingress:',
      '    - from:',
      '        - podSelector:',
      '            matchLabels:',
      '              app: a',
      '      ports: []',
      'matrix:',
      '  - - 1',
      '    - - 2',
      '      - 3',
      '  - []',
      '  - {}',
      '  - - {}',
      '',
    ].join('\n');
    expect(emitYaml(doc)).toBe(expected);
    expect(cdk8sText(doc)).toBe(expected);
  });

  test.each<[string, unknown]>([
    ['a multi-line string', { data: { 'nginx.conf': 'a\nb\n' } }],
    ['a multi-line key', { 'a\nb': 1 }],
    ['a key starting with a document marker', { spec: { '---x': 1 } }],
    ['a key longer than 1024 characters', { ['k'.repeat(1025)]: 1 }],
    ['an undefined value (cdk8s keeps the key)', { a: undefined }],
    ['-0', { a: -0 }],
    ['NaN', { a: NaN }],
    ['Infinity', { a: -Infinity }],
    ['a bigint', { a: BigInt(1) }],
    ['a function', { a: () => 1 }],
    ['a Date', { a: new Date(0) }],
    ['a Map', { a: new Map([['k', 1]]) }],
    ['a class instance', { a: new (class K { public x = 1; })() }],
    ['an object with toJSON', { a: Object.assign(Object.create({ toJSON: () => 1 }), { b: 1 }) }],
    ['a sparse array', { a: sparse() }],
  ])('leaves %s to cdk8s', (_name, doc) => {
    expect(emitYaml(doc)).toBeUndefined();
  });

  test('leaves shared references (which cdk8s writes as anchors and aliases) and cycles to cdk8s', () => {
    const shared = { app: 'a' };
    const doc = { a: shared, b: shared };
    expect(emitYaml(doc)).toBeUndefined();
    expect(cdk8sText(doc)).toContain('&a1');
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(emitYaml(cyclic)).toBeUndefined();
    // The same value twice is not a shared reference.
    expect(emitYaml({ a: { app: 'a' }, b: { app: 'a' } })).toBe('a:\n  app: a\nb:\n  app: a\n');
  });

  test('leaves anything but a non-empty plain object at the top to cdk8s', () => {
    for (const doc of [{}, [], [1], 'a', 1, null, undefined, new Date(0)]) expect(emitYaml(doc)).toBeUndefined();
  });
});

test('asks the installed cdk8s how to write a boolean or null word in any case (yaml 2.3 quotes `oFF`, 2.9 does not)', () => {
  jest.isolateModules(() => {
    const fresh = require('cdk8s') as typeof Cdk8s;
    const real = fresh.Yaml.stringify;
    jest.spyOn(fresh.Yaml, 'stringify').mockImplementation((...docs: any[]) =>
      (docs[0]?.k === 'oFF' ? 'k: "oFF"\n' : real(...docs)));
    const fresh2 = require('../lib/output/yaml') as typeof YamlModule;
    expect(fresh2.emitYaml({ a: 'oFF', b: 'offset' })).toBe('a: "oFF"\nb: offset\n');
  });
});

describe('asYamlDocument', () => {
  test('gives cdk8s a copy that it writes through the library; the object itself is not changed', () => {
    const json = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'yes' } };
    const before = JSON.stringify(json);
    const doc = asYamlDocument(json);
    expect(doc).not.toBe(json);
    expect(Object.keys(doc)).toEqual(['apiVersion', 'kind', 'metadata', 'data']);
    expect(JSON.stringify(doc)).toBe(before);
    expect((doc as any)[YAML_NODE_TYPE]).toBe(Symbol.for('yaml.document'));
    expect((json as any)[YAML_NODE_TYPE]).toBeUndefined();
    const text = Yaml.stringify(doc);
    expect(text).toBe('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: "yes"\n');
    expect(Yaml.stringify(json)).toBe(text);
    // A copy of the copy is plain data: cdk8s writes it itself, the same text.
    expect(({ ...doc } as any)[YAML_NODE_TYPE]).toBeUndefined();
    expect(Yaml.stringify({ ...doc })).toBe(text);
    expect(JSON.stringify(json)).toBe(before);
  });

  test('leaves anything but a plain object as it is', () => {
    const list = [1];
    expect(asYamlDocument(list)).toBe(list);
  });

  test('an object the library does not cover is written by cdk8s', () => {
    const json = { kind: 'ConfigMap', data: { 'a.conf': 'line 1\nline 2\n' } };
    const expected = Yaml.stringify(json);
    expect(expected).toContain('|');
    expect(Yaml.stringify(asYamlDocument(json))).toBe(expected);
  });

  test('refuses to be written with other options than cdk8s\'s', () => {
    const json = asYamlDocument({ kind: 'ConfigMap' });
    expect(() => (json as any).toString({ lineWidth: 80 })).toThrow(/written with other options .*"lineWidth":80.*CDK8S_NETWORKING_YAML_WRITER=cdk8s/);
  });

  test('in check mode, a difference from cdk8s\'s text fails', () => {
    const json = asYamlDocument({ kind: 'ConfigMap' }, true);
    const spy = jest.spyOn(Yaml, 'stringify');
    try {
      spy.mockImplementation(function (this: unknown, ...docs: any[]) {
        // cdk8s's own call passes the marked object on to yaml; the comparison's call gets the unmarked one.
        return docs[0][YAML_NODE_TYPE] ? docs[0].toString({ keepUndefined: true, lineWidth: 0, version: '1.1' }) : 'kind: Other\n';
      });
      expect(() => Yaml.stringify(json)).toThrow(/CDK8S_NETWORKING_YAML_WRITER=check: the library's YAML differs from cdk8s's for {"kind":"ConfigMap"}:\nlibrary:\nkind: ConfigMap\ncdk8s:\nkind: Other\n/);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('acceptsYamlDocuments', () => {
  test('is true with the installed cdk8s', () => {
    expect(acceptsYamlDocuments()).toBe(true);
  });

  test.each<[string, (real: typeof Yaml.stringify) => (...docs: any[]) => string]>([
    ['writes marked objects as plain maps', (real) => (...docs) => real(...docs.map((d) => ({ ...d })))],
    ['passes other options', (real) => (...docs) => docs.map((d) => (d[YAML_NODE_TYPE] ? d.toString({ lineWidth: 80 }) : real(d))).join('')],
    ['quotes a string the library writes plain', (real) => (...docs) => real(...docs).replace('name: sample', 'name: "sample"')],
    ['indents sequences differently', (real) => (...docs) => real(...docs).replace(/\n {4}- Ingress/, '\n  - Ingress')],
  ])('is false with a cdk8s that %s', (_name, fake) => {
    jest.isolateModules(() => {
      // Fresh modules: the probe runs once per process (per module instance), with this module's cdk8s.
      const { Yaml: FreshYaml } = require('cdk8s') as typeof Cdk8s;
      const real = FreshYaml.stringify;
      jest.spyOn(FreshYaml, 'stringify').mockImplementation(fake(real));
      const fresh = require('../lib/output/yaml') as typeof YamlModule;
      expect(fresh.acceptsYamlDocuments()).toBe(false);
    });
  });
});

describe('yamlWriter', () => {
  test('reads CDK8S_NETWORKING_YAML_WRITER', () => {
    expect(yamlWriter({})).toBe('library');
    expect(yamlWriter({ [YAML_WRITER_ENV]: '' })).toBe('library');
    expect(yamlWriter({ [YAML_WRITER_ENV]: 'cdk8s' })).toBe('cdk8s');
    expect(yamlWriter({ [YAML_WRITER_ENV]: 'check' })).toBe('check');
    expect(() => yamlWriter({ [YAML_WRITER_ENV]: 'fast' }))
      .toThrow('CDK8S_NETWORKING_YAML_WRITER: value "fast" is invalid: use one of library, cdk8s, check');
  });
});

/** A program with the library's constructs and a user's own object the library does not cover. */
function program(app: App): void {
  const chart = new Chart(app, 'shop');
  const ns = new ZeroTrustNamespace(chart, 'shop');
  const api = new WebApp(chart, 'api', { namespace: ns, image: 'api:1.0', containerPort: 8080 });
  new WebApp(chart, 'web', { namespace: ns, image: 'web:1.0', containerPort: 8080 }).allowTo(api);
  new ApiObject(chart as Construct, 'conf', {
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'conf', namespace: 'shop' }, data: { 'nginx.conf': 'a\nb\n', flag: 'yes' },
  });
}

function synthWith(writer: string, outputType?: App['yamlOutputType']): { files: Record<string, string>; marked: number; docs: number } {
  const saved = process.env[YAML_WRITER_ENV];
  process.env[YAML_WRITER_ENV] = writer;
  // Which objects cdk8s was handed marked (written by the library), seen when it writes them.
  // By kind and name: cdk8s gets a marked copy, and a fallback writes the object itself.
  const docs = new Set<string>();
  const marked = new Set<string>();
  const real = Yaml.stringify;
  const spy = jest.spyOn(Yaml, 'stringify').mockImplementation((...args: any[]) => {
    for (const d of args) {
      if (d?.kind === undefined) continue;
      const key = `${d.kind}/${d.metadata?.namespace}/${d.metadata?.name}`;
      docs.add(key);
      if (d[YAML_NODE_TYPE] !== undefined) marked.add(key);
    }
    return real(...args);
  });
  try {
    const app = outputType === undefined ? testApp() : Testing.app({ outdir: testApp().outdir, yamlOutputType: outputType });
    program(app);
    app.synth();
    const files: Record<string, string> = {};
    const walk = (dir: string) => {
      for (const f of fs.readdirSync(dir).sort()) {
        const full = path.join(dir, f);
        if (fs.statSync(full).isDirectory()) walk(full);
        else files[path.relative(app.outdir, full)] = fs.readFileSync(full, 'utf8');
      }
    };
    walk(app.outdir);
    return { files, marked: marked.size, docs: docs.size };
  } finally {
    spy.mockRestore();
    if (saved === undefined) delete process.env[YAML_WRITER_ENV];
    else process.env[YAML_WRITER_ENV] = saved;
  }
}

describe('App.synth() with the library\'s YAML writer', () => {
  test.each([undefined, 'file-per-app', 'file-per-resource', 'folder-per-chart-file-per-resource'] as const)(
    'writes the same files as cdk8s\'s writer (yamlOutputType %s)', (type) => {
      const outputType = type === undefined ? undefined : {
        'file-per-app': YamlOutputType.FILE_PER_APP,
        'file-per-resource': YamlOutputType.FILE_PER_RESOURCE,
        'folder-per-chart-file-per-resource': YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE,
      }[type];
      const ours = synthWith('library', outputType);
      const theirs = synthWith('cdk8s', outputType);
      // Every object went to cdk8s marked (the library wrote it), none with the opt-out.
      expect(ours.docs).toBeGreaterThanOrEqual(8);
      expect(ours.marked).toBe(ours.docs);
      expect(theirs.marked).toBe(0);
      expect(Object.keys(ours.files).filter((f) => f.endsWith('.k8s.yaml')).length).toBeGreaterThan(0);
      expect(ours.files).toEqual(theirs.files);
      // The ConfigMap's multi-line value was left to cdk8s's writer, in a block scalar.
      expect(Object.values(ours.files).join('')).toContain('nginx.conf: |\n');
    });

  test('app.synthYaml() gives the same text with either writer', () => {
    let marked = 0;
    const text = (writer: string) => {
      const saved = process.env[YAML_WRITER_ENV];
      process.env[YAML_WRITER_ENV] = writer;
      const real = Yaml.stringify;
      const spy = jest.spyOn(Yaml, 'stringify').mockImplementation((...args: any[]) => {
        marked += args.filter((d) => d?.[YAML_NODE_TYPE]).length;
        return real(...args);
      });
      try {
        const app = testApp();
        program(app);
        return app.synthYaml();
      } finally {
        spy.mockRestore();
        if (saved === undefined) delete process.env[YAML_WRITER_ENV];
        else process.env[YAML_WRITER_ENV] = saved;
      }
    };
    const ours = text('library');
    expect(ours).toContain('kind: NetworkPolicy');
    expect(marked).toBeGreaterThanOrEqual(8);
    expect(ours).toBe(text('cdk8s'));
  });

  test('with CDK8S_NETWORKING_YAML_WRITER=check, synth fails where the two writers differ', () => {
    const saved = process.env[YAML_WRITER_ENV];
    process.env[YAML_WRITER_ENV] = 'check';
    const real = Yaml.stringify;
    // cdk8s's writer, as the comparison calls it (the object no longer marked), gives other text for one object.
    const spy = jest.spyOn(Yaml, 'stringify').mockImplementation((...args: any[]) =>
      (args[0]?.kind === 'ConfigMap' || args[0]?.[YAML_NODE_TYPE] || args[0]?.metadata?.name !== 'api' ? real(...args) : 'other: text\n'));
    try {
      const app = testApp();
      program(app);
      expect(() => app.synth()).toThrow(/CDK8S_NETWORKING_YAML_WRITER=check: the library's YAML differs from cdk8s's for \{"apiVersion":"[^"]+","kind":"(Deployment|Service)"/);
    } finally {
      spy.mockRestore();
      if (saved === undefined) delete process.env[YAML_WRITER_ENV];
      else process.env[YAML_WRITER_ENV] = saved;
    }
  });

  test('with a cdk8s that fails the probe, cdk8s writes every object itself', () => {
    jest.isolateModules(() => {
      // Fresh modules: the probe runs once per module instance, against this cdk8s.
      const fresh = require('cdk8s') as typeof Cdk8s;
      const lib = require('../lib') as typeof Lib;
      const real = fresh.Yaml.stringify;
      let marked = 0;
      let written = 0;
      jest.spyOn(fresh.Yaml, 'stringify').mockImplementation((...docs: any[]) => {
        for (const d of docs) {
          if (d?.kind !== undefined) written++;
          if (d?.[YAML_NODE_TYPE]) marked++;
        }
        const text = real(...docs);
        // This cdk8s writes the probe's sample otherwise than the library would.
        return docs[0]?.metadata?.name === 'sample' ? text.replace('name: sample', 'name: "sample"') : text;
      });
      const app = fresh.Testing.app({ outdir: testApp().outdir });
      const chart = new fresh.Chart(app, 'shop');
      new lib.WebApp(chart, 'api', { namespace: new lib.ZeroTrustNamespace(chart, 'shop'), image: 'api:1.0', containerPort: 8080 });
      app.synth();
      expect(written).toBeGreaterThanOrEqual(4);
      expect(marked).toBe(0);
      expect(fs.readFileSync(path.join(app.outdir, 'shop.k8s.yaml'), 'utf8')).toContain('kind: NetworkPolicy');
    });
  });

  test('the example app writes the same files with either writer', () => {
    const run = (writer: string) => {
      const saved = process.env[YAML_WRITER_ENV];
      process.env[YAML_WRITER_ENV] = writer;
      try {
        const app = buildApp(testApp());
        app.synth();
        return Object.fromEntries(fs.readdirSync(app.outdir).sort().map((f) => [f, fs.readFileSync(path.join(app.outdir, f), 'utf8')]));
      } finally {
        if (saved === undefined) delete process.env[YAML_WRITER_ENV];
        else process.env[YAML_WRITER_ENV] = saved;
      }
    };
    const ours = run('library');
    expect(Object.keys(ours).length).toBeGreaterThan(2);
    expect(ours).toEqual(run('cdk8s'));
  });
});
