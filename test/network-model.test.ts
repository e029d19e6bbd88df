import { ApiObject, Chart } from 'cdk8s';
import { NetworkModel, WebApp, ZeroTrustNamespace } from '../lib';
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
    NetworkModel.of(app).addSynthStep('count', () => { runs++; });
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
