import { ApiObject, Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import type { ManifestObject } from './objects';

/** Every ApiObject of every chart, with its manifest (`toJson()` called once) and construct path. */
export function collectObjects(
  root: IConstruct, render: (obj: ApiObject) => any = (obj) => obj.toJson(),
): { objects: ManifestObject[]; constructs: Map<string, IConstruct> } {
  const objects: ManifestObject[] = [];
  const constructs = new Map<string, IConstruct>();
  for (const c of root.node.findAll()) {
    if (!ApiObject.isApiObject(c) || !inChart(c)) continue;
    objects.push({ json: render(c), path: c.node.path });
    constructs.set(c.node.path, c);
  }
  return { objects, constructs };
}

function inChart(c: IConstruct): boolean {
  return c.node.scopes.some((s) => Chart.isChart(s));
}

