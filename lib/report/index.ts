/** The network report written at synth. */
export { renderMarkdown } from './markdown';
export type { MarkdownOptions } from './markdown';
export { appDiagram, diagramOf, isControllerPodFlow, isDnsFlow, namespaceDiagram, renderEdgeDiagram, renderMermaid } from './mermaid';
export type { ChangedEdge, EdgeDiagramOptions, MermaidOptions } from './mermaid';
export { buildReport, REPORT_VERSION } from './model';
export type {
  BuildReportInput, NetworkReport, ReportEndpoint, ReportEntryPoint, ReportFinding, ReportFlow, ReportNamespace, ReportService,
} from './model';
export type { NetworkReportOptions } from './options';
export type { ReportManifests } from './digest';
export type { Guardrail, GuardrailKind, GuardrailPeer } from '../util/guardrail';
export { htmlFileOf, reportFiles, reportJson, writeReport } from './write';
export { DEFAULT_DIAGRAM_BUDGET, estimateWidth, fitDiagram, mermaidFence, mermaidId, mermaidSource } from './diagram';
export type { DiagramBudget, DiagramEdge, DiagramGroup, DiagramNode, DiagramResult, DiagramShape, DiagramSpec, EdgeChange } from './diagram';
export { renderHtml } from './html';
export type { HtmlOptions } from './html';
