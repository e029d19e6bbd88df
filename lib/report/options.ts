import type { DiagramBudget } from './diagram';

/** Where and how `app.synth()` writes the network report. */
export interface NetworkReportOptions {
  /**
   * The Markdown file, relative to the app's outdir unless absolute; `false` writes none.
   * @default 'network-report.md'
   */
  readonly markdownFile?: string | false;
  /**
   * The JSON file with the same data, relative to the app's outdir unless absolute; `false` writes
   * none. An Argo CD directory Application reads every `.json` file of its path as a manifest, so
   * exclude it there (`directory.exclude: network-report.json`) or move it out of the outdir.
   * @default 'network-report.json'
   */
  readonly jsonFile?: string | false;
  /**
   * The cluster DNS domain, for Service DNS names.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * The title of the Markdown report.
   * @default 'Network report'
   */
  readonly title?: string;
  /**
   * The limits each Mermaid diagram must stay within to be drawn: above them the diagram is left
   * out with a one-line note and the report's tables stand alone, so that no reader meets a
   * Mermaid error or a chart shrunk past reading in a 900 px Markdown column.
   * @default - 30 nodes, 45 edges, 6,000 characters, 900 px estimated width
   */
  readonly diagramBudget?: DiagramBudget;
  /**
   * The interactive network map, a self-contained HTML page (no network access when viewed),
   * relative to the app's outdir unless absolute; `true` writes `network-report.html`. Also turned
   * on by the context key `cdk8s-networking:report-html` or the environment variable
   * `CDK8S_NETWORKING_REPORT_HTML=1` (this option wins over the context, which wins over the environment).
   * @default false
   */
  readonly htmlFile?: string | boolean;
}
