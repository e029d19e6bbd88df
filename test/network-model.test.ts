import * as fs from 'fs';
import * as path from 'path';
import type { ApiObject } from 'cdk8s';
import { App, Chart, Testing } from 'cdk8s';
import { NetworkModel, SynthPhase, WebApp, ZeroTrustNamespace } from '../lib';
import { testApp } from './util';

function threeCharts() {
  const app = testApp();
  for (const name of ['a', 'b', 'c']) {
    const chart = new Chart(app, name);
    const ns = new ZeroTrustNamespace(chart, name);
    new WebApp(chart, 'api', { namespace: ns, image: 'a:1', containerPort: 3000 });
  }
  return app;
}

describe('NetworkModel synth steps', () => {
  test('run once per app.synth(), not once per chart (cdk8s validates again inside every chart.toJson())', () => {
    const app = threeCharts();
    let runs = 0;
    NetworkModel.of(app).addSynthStep({ name: 'count', phase: SynthPhase.CHECK, run: () => { runs++; } });
    app.synth();
    expect(runs).toBe(1);
    app.synthYaml();
    expect(runs).toBe(2);
    // Outside app.synth(), every validation runs them (e.g. chart.toJson() in a test).
    (app.node.findChild('a') as Chart).toJson();
    expect(runs).toBe(3);
  });

  test('objects render normally again after synth (the per-synth JSON cache is dropped)', () => {
    const app = threeCharts();
    app.synth();
    const service = (app.node.findChild('a').node.findChild('api') as WebApp).service;
    expect(Object.prototype.hasOwnProperty.call(service, 'toJson')).toBe(false);
    service.metadata.addLabel('changed', 'after-synth');
    expect((service as ApiObject).toJson().metadata.labels.changed).toBe('after-synth');
  });
});

describe('the synth pipeline', () => {
  test('steps run by phase, not in the order they were added', () => {
    const app = threeCharts();
    const order: string[] = [];
    const model = NetworkModel.of(app);
    model.addSynthStep({ name: 'late', phase: SynthPhase.REPORT, run: () => order.push('report') });
    model.addSynthStep({ name: 'early', phase: SynthPhase.RENDER, run: () => order.push('render') });
    model.addSynthStep({ name: 'middle', phase: SynthPhase.ANNOTATE, run: () => order.push('annotate') });
    app.synthYaml();
    expect(order).toEqual(['render', 'annotate', 'report']);
    const names = model.synthSteps.map((s) => `${s.phase}:${s.name}`);
    expect(names.indexOf('render:cdk8s-networking:policies')).toBeLessThan(names.indexOf('render:early'));
    expect(names.indexOf('annotate:argocd-sync-waves')).toBeLessThan(names.indexOf('check:cdk8s-networking:checks'));
    expect(names[names.length - 1]).toBe('report:late');
  });

  test('App.prototype.synth called directly (as the jsii runtime does) runs the checks and writes the report', () => {
    const app = threeCharts();
    let runs = 0;
    NetworkModel.of(app).addSynthStep({ name: 'count', phase: SynthPhase.CHECK, run: () => { runs++; } });
    App.prototype.synth.call(app);
    expect(runs).toBe(1);
    const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'network-report.json'), 'utf8'));
    expect(report.namespaces.map((n: { name: string }) => n.name)).toEqual(['a', 'b', 'c', 'kube-system']);
    expect(fs.readFileSync(path.join(app.outdir, 'a.k8s.yaml'), 'utf8')).toContain('name: default-deny');
  });

  test('synthYaml, Testing.synth and chart.toJson write no report', () => {
    const app = threeCharts();
    app.synthYaml();
    Testing.synth(app.node.findChild('a') as Chart);
    expect(fs.existsSync(path.join(app.outdir, 'network-report.json'))).toBe(false);
  });

  test('a failed synth leaves no cached JSON behind', () => {
    const app = threeCharts();
    NetworkModel.of(app).addSynthStep({ name: 'fail', phase: SynthPhase.REPORT, run: () => { throw new Error('boom'); } });
    expect(() => app.synth()).toThrow('boom');
    const service = (app.node.findChild('a').node.findChild('api') as WebApp).service;
    expect(Object.prototype.hasOwnProperty.call(service, 'toJson')).toBe(false);
    expect(fs.existsSync(path.join(app.outdir, 'network-report.json'))).toBe(false);
  });
});
