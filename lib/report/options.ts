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
   * Above this many edges the diagram shows namespaces only, with flow counts, so that it stays
   * readable and within what GitHub and GitLab render.
   * @default 150
   */
  readonly diagramMaxEdges?: number;
}
