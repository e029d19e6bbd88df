/**
 * `PlainApiObject` renders the library's objects in one pass instead of through cdk8s's resolvers.
 * Its output must be cdk8s's own, object for object, and it must step aside (call cdk8s's
 * `toJson()`) wherever cdk8s could render something else: Lazy values, class instances, JSON
 * patches, resolvers of the user's own, metadata it does not know.
 */
import { ApiObject, App, Chart, JsonPatch, Lazy, Testing } from 'cdk8s';
import type { IResolver, ResolutionContext } from 'cdk8s';
import { PlainApiObject } from '../lib/util/api-object';
import { buildApp } from '../apps/main';
import { benchApp } from './bench-apps';

/** cdk8s's own rendering of an object, whatever class it is. */
const cdk8sJson = (obj: ApiObject) => ApiObject.prototype.toJson.call(obj);

function apiObjects(app: App): ApiObject[] {
  return app.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
}

function plainObject(props: Record<string, unknown>, metadata: Record<string, unknown> = {}, app = Testing.app()): PlainApiObject {
  const chart = new Chart(app, 'chart', { namespace: 'team', labels: { chart: 'label' } });
  return new PlainApiObject(chart, 'obj', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'obj', ...metadata }, ...props });
}

/** Calls to cdk8s's `toJson()` while `fn` runs. */
function cdk8sCalls(fn: () => void): number {
  const spy = jest.spyOn(ApiObject.prototype, 'toJson');
  try {
    fn();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

describe('PlainApiObject', () => {
  test.each([
    ['the example app', () => buildApp(Testing.app())],
    ['the benchmark app at 100 apps', () => benchApp(100)],
  ])('renders every object of %s as cdk8s does, without cdk8s rendering the plain ones', (_name, make) => {
    const app = make();
    const objects = apiObjects(app);
    const plain = objects.filter((o) => o instanceof PlainApiObject);
    expect(plain.length).toBeGreaterThan(10);
    // Every kind the library makes goes through the class.
    for (const kind of ['Namespace', 'NetworkPolicy', 'Deployment', 'Service']) {
      expect(plain.some((o) => o.kind === kind)).toBe(true);
    }
    let rendered: any[] = [];
    const calls = cdk8sCalls(() => {
      rendered = plain.map((o) => o.toJson());
    });
    // Only objects holding a Lazy (an Ingress's rules, an Application's sources) fall back.
    const lazy = plain.filter((o) => JSON.stringify((o as any).props, (_k, v) => (v instanceof Lazy ? '<lazy>' : v)).includes('<lazy>'));
    expect(calls).toBe(lazy.length);
    expect(calls).toBeLessThan(plain.length / 2);
    plain.forEach((o, i) => {
      const expected = cdk8sJson(o);
      expect(rendered[i]).toEqual(expected);
      // Same key order too: the YAML is written in this order.
      expect(JSON.stringify(rendered[i])).toBe(JSON.stringify(expected));
    });
  });

  test('sorts keys, drops null and undefined from objects, keeps them as undefined in arrays, as cdk8s does', () => {
    const obj = plainObject(
      { data: { b: '2', a: '1', gone: null, missing: undefined, list: [null, 'x', undefined, { z: 1, y: null }], empty: {}, none: [] }, zz: 0, aa: false },
      { annotations: {}, finalizers: [], ownerReferences: [], labels: { b: 'x', a: 'y' } },
    );
    const json = obj.toJson();
    expect(json).toEqual(cdk8sJson(obj));
    expect(JSON.stringify(json)).toBe(JSON.stringify(cdk8sJson(obj)));
    expect(Object.keys(json)).toEqual(['apiVersion', 'kind', 'metadata', 'aa', 'data', 'zz']);
    expect(Object.keys(json.data)).toEqual(['a', 'b', 'empty', 'list', 'none']);
    expect(json.data.list).toEqual([undefined, 'x', undefined, { z: 1 }]);
    // Empty metadata fields are left out; the chart's namespace and labels are merged in.
    expect(json.metadata).toEqual({ name: 'obj', namespace: 'team', labels: { a: 'y', b: 'x', chart: 'label' } });
    expect(Object.keys(json.metadata.labels)).toEqual(['a', 'b', 'chart']);
  });

  test('keeps insertion order when CDK8S_DISABLE_SORT is set, as cdk8s does', () => {
    const obj = plainObject({ data: { b: '2', a: '1' } });
    process.env.CDK8S_DISABLE_SORT = '1';
    try {
      const json = obj.toJson();
      expect(Object.keys(json.data)).toEqual(['b', 'a']);
      expect(JSON.stringify(json)).toBe(JSON.stringify(cdk8sJson(obj)));
    } finally {
      delete process.env.CDK8S_DISABLE_SORT;
    }
  });

  test.each([
    ['a Lazy value', { data: { a: Lazy.any({ produce: () => 'produced' }) } }, (j: any) => expect(j.data.a).toBe('produced')],
    ['an object with a resolve() method', { data: { a: { resolve: () => 'resolved' } } }, (j: any) => expect(j.data.a).toBe('resolved')],
    ['a number-or-string union instance', { spec: { port: new (class IntOrString { constructor(public readonly value: number) {} })(80) } },
      (j: any) => expect(j.spec.port).toEqual({ value: 80 })],
  ])('hands %s to cdk8s', (_name, props, expectValue) => {
    const obj = plainObject(props as Record<string, unknown>);
    let json: any;
    expect(cdk8sCalls(() => { json = obj.toJson(); })).toBe(1);
    expectValue(json);
  });

  test('hands objects with JSON patches to cdk8s, which applies them', () => {
    const obj = plainObject({ data: { a: '1' } });
    obj.addJsonPatch(JsonPatch.add('/data/b', '2'));
    let json: any;
    expect(cdk8sCalls(() => { json = obj.toJson(); })).toBe(1);
    expect(json.data).toEqual({ a: '1', b: '2' });
  });

  test('hands objects of an app with resolvers of its own to cdk8s, so that they apply to the library\'s objects too', () => {
    class Upper implements IResolver {
      public resolve(context: ResolutionContext): void {
        if (context.value === 'replace-me') context.replaceValue('REPLACED');
      }
    }
    const obj = plainObject({ data: { a: 'replace-me' } }, {}, new App({ outdir: Testing.app().outdir, resolvers: [new Upper()] }));
    let json: any;
    expect(cdk8sCalls(() => { json = obj.toJson(); })).toBe(1);
    expect(json.data.a).toBe('REPLACED');
  });

  // What a later cdk8s might add to its metadata and render, or rename.
  test.each([
    ['a field added', (md: any) => { md.generation = 3; }],
    ['a field renamed', (md: any) => { md.finalizerList = md.finalizers; delete md.finalizers; }],
    ['a field removed', (md: any) => { delete md.ownerReferences; }],
  ])('hands objects whose metadata has %s to cdk8s', (_name, change) => {
    const obj = plainObject({ data: { a: '1' } });
    change(obj.metadata);
    expect(cdk8sCalls(() => obj.toJson())).toBe(1);
  });

  test('a plain object is rendered without cdk8s', () => {
    const obj = plainObject({ data: { a: '1' } });
    let json: any;
    expect(cdk8sCalls(() => { json = obj.toJson(); })).toBe(0);
    expect(json).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'obj', namespace: 'team', labels: { chart: 'label' } }, data: { a: '1' } });
  });
});
