import { ApiObject, App, Chart, Names, YamlOutputType } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { invalid } from '../util/validation';

/**
 * Where cdk8s writes things, mirrored from cdk8s 2.x `App.synth()` so that other objects (an Argo CD
 * Application, a kustomization) can name the files of a chart, and so that layouts that would
 * silently overwrite a file are refused before anything is written.
 */

/** The App a construct belongs to, or undefined when its root is not a cdk8s App. */
export function appOf(scope: IConstruct): App | undefined {
  const root = scope.node.root;
  return root instanceof App ? root : undefined;
}

/**
 * The charts of an app with whether cdk8s prefixes their outputs with an index; in synthesis order
 * when it does (the index is the position). Without an index the order does not show in any file
 * name, so the charts come as the tree holds them, without `app.charts`' dependency graph of every
 * construct (about 120 ms at 5000 apps).
 */
function chartsInOrder(app: App): { charts: Chart[]; indexed: boolean } {
  const charts = app.node.findAll().filter((c): c is Chart => Chart.isChart(c));
  // cdk8s numbers the outputs (`0000-<chart>`) once any chart depends on another: a nested chart
  // or a dependency across charts. After `app.synth()` resolved them, both show as chart dependencies.
  const indexed = charts.some((c) => c.node.dependencies.some((d) => d instanceof Chart && d !== c)
    || c.node.children.some((k) => k instanceof Chart));
  return { charts: indexed ? app.charts : charts, indexed };
}

/** The file name cdk8s gives one object in the per-resource layouts. */
export function resourceFileName(obj: ApiObject, extension: string): string {
  return `${obj.kind}.${obj.name}`.replace(/[^0-9a-zA-Z-_.]/g, '') + extension;
}

/** The API objects cdk8s writes for a chart: those whose closest chart it is. */
export function chartObjects(chart: Chart): ApiObject[] {
  return chart.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === chart);
}

/**
 * Paths, relative to the output folder, that hold exactly the output of `chart`: one file per
 * chart, or the chart's folder as `<folder>/*`, or its objects' files. Valid when the app
 * synthesizes (chart order and numbering are known only then).
 *
 * @throws when the app writes every chart into one file, which cannot be split by chart
 */
export function chartOutputPatterns(chart: Chart, scope: IConstruct, field: string): string[] {
  const app = App.of(chart);
  const { charts, indexed } = chartsInOrder(app);
  const name = () => chartName(chart, charts.indexOf(chart), indexed);
  switch (app.yamlOutputType) {
    case YamlOutputType.FILE_PER_CHART:
      return [name() + app.outputFileExtension];
    case YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE:
      return [`${name()}/*`];
    case YamlOutputType.FILE_PER_RESOURCE:
      return [...new Set(chartObjects(chart).map((o) => resourceFileName(o, app.outputFileExtension)))].sort();
    default:
      throw invalid(scope, field, chart.node.path,
        'cannot be told apart in the output: YamlOutputType.FILE_PER_APP writes every chart into one file; use FILE_PER_CHART or ' +
          'FOLDER_PER_CHART_FILE_PER_RESOURCE');
  }
}

/**
 * The manifest files `App.synth()` writes for the app, as sorted POSIX paths relative to its output
 * folder. Valid when the app synthesizes (chart order and numbering are known only then).
 */
export function manifestFiles(app: App): string[] {
  const { charts, indexed } = chartsInOrder(app);
  const ext = app.outputFileExtension;
  switch (app.yamlOutputType) {
    case YamlOutputType.FILE_PER_APP:
      return charts.length > 0 ? [`app${ext}`] : [];
    case YamlOutputType.FILE_PER_CHART:
      return charts.map((c, i) => chartName(c, i, indexed) + ext).sort();
    case YamlOutputType.FILE_PER_RESOURCE:
      return [...new Set(charts.flatMap((c) => chartObjects(c).map((o) => resourceFileName(o, ext))))].sort();
    case YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE:
      return [...new Set(charts.flatMap((c, i) => chartObjects(c).map((o) => `${chartName(c, i, indexed)}/${resourceFileName(o, ext)}`)))].sort();
    default:
      return [];
  }
}

/** Whether an object is an Argo CD object (`argoproj.io`). */
export function isArgoCdObject(obj: ApiObject): boolean {
  return obj.apiVersion.startsWith('argoproj.io/');
}

/**
 * Paths, relative to the output folder, of the files that hold the app's Argo CD objects
 * (`argoproj.io`), so that an Application syncing the folder can leave them out. Valid when the
 * app synthesizes.
 *
 * @throws when a file would hold Argo CD objects and other objects, which cannot be told apart
 */
export function argoCdOutputPatterns(app: App, scope: IConstruct, field: string): string[] {
  const patterns: string[] = [];
  const { charts, indexed } = chartsInOrder(app);
  charts.forEach((chart, index) => {
    const objects = chartObjects(chart);
    const argo = objects.filter(isArgoCdObject);
    if (argo.length === 0) return;
    switch (app.yamlOutputType) {
      case YamlOutputType.FILE_PER_CHART: {
        const other = objects.find((o) => !isArgoCdObject(o));
        if (other) {
          throw invalid(scope, field, chart.node.path, `holds Argo CD objects and other objects (${other.kind} ${other.name}) in one file; `
            + 'put the Argo CD objects in a chart of their own, so that the Application can leave them out of what it syncs');
        }
        patterns.push(chartName(chart, index, indexed) + app.outputFileExtension);
        break;
      }
      case YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE:
        patterns.push(...argo.map((o) => `${chartName(chart, index, indexed)}/${resourceFileName(o, app.outputFileExtension)}`));
        break;
      case YamlOutputType.FILE_PER_RESOURCE:
        patterns.push(...argo.map((o) => resourceFileName(o, app.outputFileExtension)));
        break;
      default:
        throw invalid(scope, field, chart.node.path,
          'cannot be told apart in the output: YamlOutputType.FILE_PER_APP writes every chart into one file');
    }
  });
  return patterns;
}

/** The name cdk8s gives a chart's file or folder. */
function chartName(chart: Chart, index: number, indexed: boolean): string {
  const base = Names.toDnsLabel(chart);
  return indexed ? `${index.toString().padStart(4, '0')}-${base}` : base;
}

/** Whether the app's layout puts files in folders below the output folder. */
export function hasFolders(app: App): boolean {
  return app.yamlOutputType === YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE;
}

/**
 * Refuses layouts in which cdk8s would write two objects to the same file, so that one of them
 * would silently be missing from the output: the per-resource layouts name a file `Kind.name`,
 * which is not unique across namespaces (two `default-deny` policies in one chart, for example).
 */
export function checkOutputLayout(app: App): void {
  const perChart = app.yamlOutputType === YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE;
  if (!perChart && app.yamlOutputType !== YamlOutputType.FILE_PER_RESOURCE) return;
  const layout = perChart ? 'FOLDER_PER_CHART_FILE_PER_RESOURCE' : 'FILE_PER_RESOURCE';
  const seen = new Map<string, ApiObject>();
  for (const chart of app.charts) {
    for (const obj of chartObjects(chart)) {
      const file = (perChart ? `${chart.node.path}/` : '') + resourceFileName(obj, app.outputFileExtension);
      const prior = seen.get(file);
      if (prior) {
        throw invalid(obj, `${obj.kind} name`, obj.name,
          `is also the name of the ${prior.kind} at ${prior.node.path}; YamlOutputType.${layout} writes both to the file ` +
            `${resourceFileName(obj, app.outputFileExtension)}`
          + `${perChart ? ` of chart "${chart.node.path}"` : ''} and only one would be kept. Put each namespace in its own chart, or use ` +
            `YamlOutputType.FILE_PER_CHART`);
      }
      seen.set(file, obj);
    }
  }
}
