/**
 * Which cdk8s call is validating the app. cdk8s has no hook around synthesis, and `App.synth()`
 * validates the whole app once and then again inside every `chart.toJson()`, once per chart. The
 * pipeline reads the call stack (not a wrapper installed over `app.synth`, which a caller of
 * `App.prototype.synth` such as the jsii runtime would bypass) to run its steps once per synth and
 * to write the network report only for `App.synth()`.
 */

/** What is validating: the App method, and whether it is a per-chart validation within it. */
export interface SynthCall {
  /** `synth` or `synthYaml` when the validation happens inside that App method. */
  readonly method?: 'synth' | 'synthYaml';
  /** True for the validation cdk8s runs inside `chart.toJson()` (`App._synthChart`). */
  readonly perChart: boolean;
}

const CDK8S_APP_FILE = /[\\/]cdk8s[\\/]lib[\\/]app\.js$/;

/** Whether a frame is the named method of cdk8s's App (`Testing.synth` is not `App.synth`). */
function isAppMethod(site: NodeJS.CallSite, name: string): boolean {
  if ((site.getFunctionName() ?? site.getMethodName()) !== name) return false;
  if (CDK8S_APP_FILE.test(site.getFileName() ?? '')) return true;
  // A bundled cdk8s has another file name: fall back to the receiver (the App, or the class for the static method).
  return name === '_synthChart' || site.getTypeName() === 'App';
}

/** The cdk8s App methods on the current call stack. */
export function currentSynthCall(): SynthCall {
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  let sites: NodeJS.CallSite[];
  try {
    Error.stackTraceLimit = 100;
    Error.prepareStackTrace = (_error, callSites) => callSites;
    const holder: { stack?: NodeJS.CallSite[] } = {};
    Error.captureStackTrace(holder, currentSynthCall);
    sites = holder.stack ?? [];
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
  let method: SynthCall['method'];
  let perChart = false;
  for (const site of sites) {
    if (isAppMethod(site, '_synthChart')) perChart = true;
    else if (isAppMethod(site, 'synth')) method ??= 'synth';
    else if (isAppMethod(site, 'synthYaml')) method ??= 'synthYaml';
  }
  return { method, perChart };
}
