import type { NetworkModel } from '../model/network-model';
import type { NetworkReportOptions } from '../report/options';

/** Context key for strict mode. */
export const STRICT_CONTEXT_KEY = 'cdk8s-networking:strict';
/** Context key that turns the report off when false. */
export const REPORT_CONTEXT_KEY = 'cdk8s-networking:report';
/** Environment variable for strict mode. */
export const STRICT_ENV = 'CDK8S_NETWORKING_STRICT';
/** Environment variable that turns the report off when `false`. */
export const REPORT_ENV = 'CDK8S_NETWORKING_REPORT';

/** Context key that turns the HTML network map on when true. */
export const REPORT_HTML_CONTEXT_KEY = 'cdk8s-networking:report-html';
/** Environment variable that turns the HTML network map on (`CDK8S_NETWORKING_REPORT_HTML=1`). */
export const REPORT_HTML_ENV = 'CDK8S_NETWORKING_REPORT_HTML';

/** Reads a boolean from a context value or an environment string; undefined when unset or unclear. */
export function parseFlag(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  return undefined;
}

/** Whether warnings are errors: the option, else the context, else the environment. */
export function isStrict(model: NetworkModel): boolean {
  return model.options.strict ?? parseFlag(model.node.tryGetContext(STRICT_CONTEXT_KEY)) ?? parseFlag(process.env[STRICT_ENV]) ?? false;
}

/** Whether the network report is written: the option, else the context, else the environment. */
export function reportEnabled(model: NetworkModel): boolean {
  if (model.options.report === false) return false;
  return (parseFlag(model.node.tryGetContext(REPORT_CONTEXT_KEY)) ?? parseFlag(process.env[REPORT_ENV]) ?? true) !== false;
}

/**
 * The report options with the HTML map resolved: the `htmlFile` option, else the context key
 * `cdk8s-networking:report-html`, else `CDK8S_NETWORKING_REPORT_HTML`.
 */
export function reportOptionsOf(model: NetworkModel): NetworkReportOptions {
  const options = model.options.report || {};
  if (options.htmlFile !== undefined) return options;
  const html = parseFlag(model.node.tryGetContext(REPORT_HTML_CONTEXT_KEY)) ?? parseFlag(process.env[REPORT_HTML_ENV]) ?? false;
  return html ? { ...options, htmlFile: true } : options;
}
