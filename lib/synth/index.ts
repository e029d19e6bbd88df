/**
 * The synth layer: the pipeline that runs the model's steps once per synth, and the default
 * steps. Loading it registers the pipeline for every new model (see `onNewModel`).
 */
import { onNewModel } from '../model/network-model';
import { addDefaultSteps } from './steps';

onNewModel(addDefaultSteps);

export { REPORT_CONTEXT_KEY, REPORT_ENV, REPORT_HTML_CONTEXT_KEY, REPORT_HTML_ENV, STRICT_CONTEXT_KEY, STRICT_ENV } from './options';
export { networkReportPaths, WARNING_METADATA } from './steps';
