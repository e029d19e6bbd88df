/** The network report written at synth. */
export { renderMarkdown } from './markdown';
export type { MarkdownOptions } from './markdown';
export { renderMermaid } from './mermaid';
export type { MermaidOptions } from './mermaid';
export { buildReport, REPORT_VERSION } from './model';
export type {
  BuildReportInput, NetworkReport, ReportEndpoint, ReportEntryPoint, ReportFinding, ReportFlow, ReportNamespace, ReportService,
} from './model';
export type { NetworkReportOptions } from './options';
export type { Guardrail, GuardrailKind, GuardrailPeer } from '../util/guardrail';
export { reportFiles, reportJson, writeReport } from './write';
