/**
 * The YAML boundary: strings that YAML treats specially must come out of synth as the same strings,
 * for YAML 1.2 parsers and for the YAML 1.1 parsers kubectl and Argo CD are close to (where `on`,
 * `yes`, `y`, `0x10`, `012`, `1:20` and `2001-01-01` are not strings unless quoted).
 *
 * They go where a program puts free text: WebApp env values (and env names that are YAML words),
 * the gateway's raw annotations (keys and values, on an Ingress and on HTTPRoutes), and namespace
 * labels where the label syntax allows them. The synthesized files are read back with the `yaml`
 * package as YAML 1.2 and as YAML 1.1, and with kubectl itself when it is on PATH (Go YAML, what
 * `kubectl apply` and Argo CD decode with); every value must be a string equal to what the program
 * gave.
 *
 * cdk8s writes YAML 1.1, and leaves `0o17`, `0O17`, `0X1F`, `0B11` unquoted, which YAML 1.1 reads as
 * strings but YAML 1.2 (`0o17`) and Go YAML (all of them, through strconv.ParseInt with base 0) read
 * as integers: kubectl would send a number where the API wants a string. The library refuses such
 * values with a clear error (tested below), so they are kept out of the round-trip lists.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Chart } from 'cdk8s';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { ApiGateway, RoutingApi, IngressController, Tls, WebApp, ZeroTrustNamespace } from '../../lib';
import { expectWarnings, readOutput, testApp } from '../util';

/** Strings a YAML parser may read as something else, or that need quoting or escaping. */
const SPECIAL: readonly string[] = [
  // Booleans and null, YAML 1.1 and 1.2 spellings.
  'yes', 'no', 'on', 'off', 'y', 'n', 'Y', 'N', 'YES', 'No', 'On', 'OFF', 'true', 'false', 'True', 'FALSE',
  'null', 'Null', 'NULL', '~', '',
  // Numbers: hex, octal (1.1 and 1.2 forms), binary, exponent, separators, signs, sexagesimal, specials.
  '0x10', '012', '0b101', '1e3', '1E3', '6.02e+23', '1_000', '+1', '-1', '.5', '5.', '1:20', '190:20:30',
  '.inf', '-.inf', '+.inf', '.Inf', '.NaN', '.nan', '0', '00', '-0',
  // Timestamps (YAML 1.1), merge and value keys, document markers.
  '2001-12-14', '2001-12-14t21:59:43.10-05:00', '<<', '=', '---', '...', '--- x', '... x',
  // Indicators at the start, and in the middle.
  '-', '- x', '? x', ': x', ',', '[x]', '{x: 1}', '&anchor', '*alias', '!tag', '!!str', '%YAML 1.2', '@x', '`x`', '|', '>', "'", '"', '#',
  'a: b', 'a:b', 'a #b', 'a#b', 'key: value # comment', 'http://example.com:8080/#frag',
  // Whitespace: leading, trailing, only, tabs, line breaks of every kind.
  ' leading', 'trailing ', '  ', '\t', 'a\tb', 'line1\nline2', 'ends with newline\n', '\nstarts with newline', 'a\n\nb', 'a\r\nb', 'a\rb',
  'a\u000bb', 'a\u000cb',
  // C0 control characters (written escaped), BOM, noncharacters Go YAML accepts, Unicode.
  'a\u0000b', 'bell\u0007', 'esc\u001b[0m', '\ufeffbom', 'a\ufdd0b', 'a\u{1fffe}b', 'caf\u00e9', '\u65e5\u672c\u8a9e', 'emoji \u{1f680}',
    'ZW\u200bSP', '\u0430pp',
  // Quotes and backslashes.
  "it's", 'say "hi"', 'back\\slash', '\\n not a newline', "'single'", '"double"',
];

/**
 * Text cdk8s writes raw and kubectl / Argo CD cannot read back (the file is refused, or NEL comes
 * back as a line break): the library refuses it where the program gives it. Defined here on its own,
 * from what kubectl was seen to do, not from the library's rule.
 */
const REFUSED: readonly string[] = ['a\u0085b', 'a\u2028b', 'a\u2029b', 'del\u007f', 'c1\u0080', 'c1\u009f', 'x\ufffe', 'x\uffff', 'lone \ud800',
  'lone \udfff'];
const isRefused = (v: string) => /[\u007f-\u009f\u2028\u2029\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(v);

/** Label values must be alphanumerics with `-_.` inside: these YAML words qualify. */
const LABEL_VALUES = SPECIAL.filter((v) => /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/.test(v) && v.length <= 63);
/** Env names that are YAML words (an env name is a value in `env[].name`). */
const ENV_NAMES = ['yes', 'no', 'on', 'off', 'y', 'n', 'Y', 'N', 'true', 'false', 'null', 'NULL', '.inf', '.nan', '-', '--', '-.inf', '_'];
/** Label and annotation keys that are YAML words (keys of a map, quoted or not). */
const KEYS = ['yes', 'no', 'on', 'off', 'y', 'n', 'Y', 'N', 'true', 'false', 'null', '0x10', '012', '1e3', '1_000', 'example.com/on',
  'example.com/null'];

/** A key as a label value: its name part (a label value has no "/"). */
const labelValueOf = (key: string) => key.slice(key.lastIndexOf('/') + 1);

const envName = (i: number) => `V${String(i).padStart(3, '0')}`;

/** How the output is read back: the `yaml` package as YAML 1.2 or 1.1, or kubectl itself (Go YAML). */
type Reader = '1.2' | '1.1' | 'kubectl';

/** Whether kubectl is on PATH; its `--local` mode decodes manifests as `kubectl apply` and Argo CD do, without a cluster. */
const KUBECTL = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
if (!KUBECTL) console.log('kubectl is not on PATH: skipped reading the YAML back with kubectl (Go YAML)');

/** Every document of every YAML file below `dir`, as the reader sees it. */
function parseAll(dir: string, reader: Reader): any[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().flatMap((f) => {
    const file = path.join(dir, f);
    if (reader === 'kubectl') {
      // `kubectl label --local` decodes each document and prints it as JSON, touching no cluster.
      const out = spawnSync('kubectl', ['label', '--local', '-f', file, 'yaml-boundary.example.com/read=1', '-o', 'json'], { encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024 });
      if (out.status !== 0) throw new Error(`kubectl could not read ${f}: ${out.stderr}`);
      return out.stdout.trim().split(/\n(?=\{)/).map((text) => JSON.parse(text));
    }
    return parseAllDocuments(fs.readFileSync(file, 'utf8'), { version: reader }).map((d) => {
      if (d.errors.length) throw new Error(`${f}: YAML ${reader} error: ${d.errors[0].message}`);
      return d.toJS();
    });
  });
}

function envOf(objects: any[], name: string): any[] {
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name);
  return deployment.spec.template.spec.containers[0].env;
}

/** The warning of an app in namespace `production`, which these tests leave plain (no policy isolates it). */
const NOT_ISOLATED = ['[pod-networkpolicy] test/api/Deployment'];

const READERS: Reader[] = ['1.2', '1.1', ...(KUBECTL ? ['kubectl' as const] : [])];

describe.each(READERS)('read back by %s: the strings the program gave', (version) => {
  const app = testApp();
  const chart = new Chart(app, 'test');
  const prod = new ZeroTrustNamespace(chart, 'production', {
    labels: {
      ...Object.fromEntries(LABEL_VALUES.map((v, i) => [`v${i}.example.com/value`, v])),
      ...Object.fromEntries(KEYS.map((k) => [k, labelValueOf(k)])),
    },
  });
  const api = new WebApp(chart, 'api', {
    namespace: prod, image: 'ghcr.io/acme/api:1.0.0', containerPort: 3000,
    env: {
      ...Object.fromEntries(SPECIAL.map((v, i) => [envName(i), v])),
      ...Object.fromEntries(ENV_NAMES.map((k) => [k, k])),
    },
  });
  const annotations = {
    ...Object.fromEntries(SPECIAL.map((v, i) => [`example.com/a${i}`, v])),
    ...Object.fromEntries(KEYS.map((k) => [k, k])),
  };
  new ApiGateway(chart, 'ingress', {
    namespace: prod, controller: IngressController.nginx(), tls: Tls.secret('ingress-cert'), annotations,
    routes: [{ host: 'app.example.com', backend: api }],
  });
  new ApiGateway(chart, 'routes', {
    namespace: prod, controller: IngressController.traefik(), tls: Tls.secret('routes-cert'), annotations,
    api: RoutingApi.httpRoute({ gateway: { name: 'shared' } }),
    routes: [{ host: 'api.example.com', backend: api }],
  });
  app.synth();
  readOutput(app.outdir); // every object validates against its schema
  const objects = parseAll(app.outdir, version);

  test('env values, whatever they look like', () => {
    const env = envOf(objects, 'api');
    const byName = new Map(env.map((e: any) => [e.name, e.value]));
    for (const [i, v] of SPECIAL.entries()) expect({ name: envName(i), value: byName.get(envName(i)) }).toEqual({ name: envName(i), value: v });
    expect(env.map((e: any) => typeof e.name)).toEqual(env.map(() => 'string'));
  });

  test('env names that are YAML words', () => {
    const names = envOf(objects, 'api').map((e: any) => e.name);
    for (const k of ENV_NAMES) expect(names).toContain(k);
    for (const e of envOf(objects, 'api').filter((x: any) => ENV_NAMES.includes(x.name))) expect(e.value).toBe(e.name);
  });

  test('annotation keys and values on the Ingress and on each HTTPRoute', () => {
    const annotated = objects.filter((o) => o.kind === 'Ingress' || o.kind === 'HTTPRoute');
    expect(annotated.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(['HTTPRoute/routes-api.example.com',
      'HTTPRoute/routes-redirect-api.example.com', 'Ingress/ingress']);
    for (const o of annotated) {
      for (const [k, v] of Object.entries(annotations)) expect({ object: o.metadata.name, key: k,
        value: o.metadata.annotations[k] }).toEqual({ object: o.metadata.name, key: k, value: v });
    }
  });

  test('namespace label keys and values', () => {
    const labels = objects.find((o) => o.kind === 'Namespace').metadata.labels;
    expect(Object.values(labels).every((v) => typeof v === 'string')).toBe(true);
    for (const [i, v] of LABEL_VALUES.entries()) expect(labels[`v${i}.example.com/value`]).toBe(v);
    for (const k of KEYS) expect({ key: k, value: labels[k] }).toEqual({ key: k, value: labelValueOf(k) });
  });
});

describe('text YAML readers cannot take back is refused with the field and the value', () => {
  const escaped = (v: string) => JSON.stringify(v).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  test.each(REFUSED.map((v) => [escaped(v), v] as const))('%s as an env value and as an annotation value', (shown, value) => {
    const chart = new Chart(testApp(), 'test');
    const prod = new ZeroTrustNamespace(chart, 'production');
    expect(() => new WebApp(chart, 'api', { namespace: prod, image: 'a:1', containerPort: 3000, env: { VALUE: value } }))
      .toThrow(`test/api: env["VALUE"] ${shown} is invalid: must not contain U+`);
    const web = new WebApp(chart, 'web', { namespace: prod, image: 'a:1', containerPort: 3000 });
    expect(() => new ApiGateway(chart, 'gw', {
      namespace: prod, controller: IngressController.nginx(), tls: Tls.none(), annotations: { 'example.com/value': value },
      routes: [{ host: 'app.example.com', backend: web }],
    })).toThrow(`test/gw: annotations["example.com/value"] ${shown} is invalid: must not contain U+`);
  });
});

/** Strings cdk8s writes unquoted that YAML 1.2 or Go YAML read as integers: the known gap above. */
const GO_INTEGERS = ['0o17', '0O17', '0X1F', '0B11', '-0o17', '+0X1F', '0o1_7'];
const isGoInteger = (v: string) => /^[-+]?0[oOxXbB][0-9a-fA-F_]+$/.test(v) && !/^[-+]?0[xb]/.test(v);

describe('integers in Go and YAML 1.2 syntax', () => {
  test.each(GO_INTEGERS)('%s is refused: cdk8s would write it unquoted and kubectl would read a number', (v) => {
    const app = testApp();
    expect(() => new WebApp(new Chart(app, 'test'), 'api', {
      namespace: 'production', image: 'ghcr.io/acme/api:1.0.0', containerPort: 3000, env: { UMASK: v },
    })).toThrow(`test/api: env["UMASK"] ${JSON.stringify(v)} is invalid: would be read as a number by kubectl and Argo CD`);
  });

  test('their YAML 1.1 and lowercase-prefix cousins are quoted by cdk8s and stay allowed', () => {
    const app = testApp();
    const allowed = ['0x10', '0b101', '012', '0B12', '0o8'];
    new WebApp(new Chart(app, 'test'), 'api', {
      namespace: 'production', image: 'ghcr.io/acme/api:1.0.0', containerPort: 3000,
      env: Object.fromEntries(allowed.map((v, i) => [envName(i), v])),
    });
    expectWarnings(NOT_ISOLATED, () => app.synth());
    for (const reader of ['1.1', '1.2', ...(KUBECTL ? ['kubectl' as const] : [])] as Reader[]) {
      expect(envOf(parseAll(app.outdir, reader), 'api')).toEqual(allowed.map((v, i) => ({ name: envName(i), value: v })));
    }
  });
});

describe('property: any env value is refused (text YAML readers cannot take back) or survives synth and both YAML versions', () => {
  const runs = Number(process.env.PROPERTY_RUNS_YAML ?? 60);
  // Code points of the whole Unicode range, with YAML's troublemakers weighted in.
  const tricky = fc.constantFrom(...SPECIAL);
  const valueArb = fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r', ':', '#', '-', '?', '\'', '"', '\\', '{', '}', '[', ']', ',',
      '&', '*', '!', '|', '>', '%', '@', '`', '~', '.', '0', 'x', 'e', 'y', 'n', 'o', '\u0085', '\u2028', '\u00a0', '\ufeff'), maxLength: 12 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }).map((v) => `${v}${String.fromCharCode(0xd800)}`) },
    { weight: 1, arbitrary: fc.tuple(tricky, tricky).map(([a, b]) => `${a}${b}`) },
  );

  test(`${runs} generated apps, 8 values each`, () => {
    fc.assert(fc.property(fc.array(valueArb.filter((v) => !isGoInteger(v)), { minLength: 1, maxLength: 8 }), (values) => {
      const app = testApp();
      const chart = new Chart(app, 'test');
      const props = {
        namespace: 'production', image: 'ghcr.io/acme/api:1.0.0', containerPort: 3000,
        env: Object.fromEntries(values.map((v, i) => [envName(i), v])),
      };
      const refused = values.findIndex(isRefused);
      if (refused >= 0) {
        // The first refused value (env keys are checked in order) is named in the error; nothing is written.
        expect(() => new WebApp(chart, 'api', props)).toThrow(`test/api: env["${envName(refused)}"] `);
        expect(fs.readdirSync(app.outdir)).toEqual([]);
        return;
      }
      new WebApp(chart, 'api', props);
      expectWarnings(NOT_ISOLATED, () => app.synth());
      readOutput(app.outdir);
      for (const version of ['1.1', '1.2'] as const) {
        const env = envOf(parseAll(app.outdir, version), 'api');
        expect(env).toEqual(values.map((v, i) => ({ name: envName(i), value: v })));
      }
      fs.rmSync(app.outdir, { recursive: true, force: true });
    }), { numRuns: runs, ...(process.env.PROPERTY_SEED ? { seed: Number(process.env.PROPERTY_SEED) } : {}) });
  });
});
