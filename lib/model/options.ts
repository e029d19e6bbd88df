import type { Cni } from '../cni';
import type { NetworkReportOptions } from '../report/options';

/**
 * Options of what runs at `app.synth()`: the cross-object checks, the flow verification and the
 * network report. Set them with `NetworkModel.of(app).configure({...})`.
 */
export interface NetworkSynthOptions {
  /**
   * The CNI plugin that enforces the policies: how peers standard NetworkPolicy cannot express
   * (`Peer.fqdn()`, `Peer.kubeApiServer()`, `Peer.nodes()`) are rendered, and which capability
   * warnings synth gives. See the README's "Which CNI?".
   * @default Cni.generic()
   */
  readonly cni?: Cni;
  /**
   * Fail synth on warnings too. Also settable without code: the context key
   * `cdk8s-networking:strict` or the environment variable `CDK8S_NETWORKING_STRICT=true`
   * (this option wins over the context, which wins over the environment).
   * @default false
   */
  readonly strict?: boolean;
  /**
   * Checks turned off for the whole app, by name (to turn one off for one object, annotate it with
   * `cdk8s-networking.io/skip-checks`).
   * @default - none
   */
  readonly skipChecks?: string[];
  /**
   * Backend Services deployed outside this app that Ingress and HTTPRoute backends may name, as
   * `namespace/name` (per route: the `cdk8s-networking.io/external-backends` annotation).
   * @default - none
   */
  readonly externalBackends?: string[];
  /**
   * Zero-trust namespaces where pods deployed outside this app also run (a Helm chart, an
   * operator). The app is otherwise taken to define every pod of its zero-trust namespaces, so a
   * selector there that matches none of its workloads is an error; here it is not judged, and a
   * declared peer matching no workload stands for pods outside the app.
   * @default - none
   */
  readonly sharedNamespaces?: string[];
  /**
   * The network report; `false` writes none. Also turned off by the context key
   * `cdk8s-networking:report` set to false or the environment variable `CDK8S_NETWORKING_REPORT=false`.
   * @default - `network-report.md` and `network-report.json` in the app's outdir
   */
  readonly report?: NetworkReportOptions | false;
}
