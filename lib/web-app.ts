import type { ApiObject } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { Construct } from 'constructs';
import { declareFlow } from './model/flows/declare';
import type { Endpoint } from './model/flows/endpoint';
import { ipBlockEndpoint, podsEndpoint } from './model/flows/endpoint';
import type { NamespaceRef } from './namespace';
import { namespaceName } from './namespace';
import { NetworkModel } from './model/network-model';
import { recordServiceType } from './argocd/sync-waves';
import type { IBackend, ResolvedBackend } from './gateway/backend';
import { serviceBackend } from './gateway/backend';
import type { IPeer } from './peer';
import { resolvePeer } from './peer';
import { Port, Protocol } from './port';
import { kubeFields } from './util/kube-fields';
import {
  check, checkList, checkProps, dns1035Label, dns1123Subdomain, ianaSvcName, intInRange, invalid, labelValue, oneOf, portNumber, validCidr,
  yamlSafeText,
} from './util/validation';
import { PlainApiObject } from './util/api-object';
import type { Loosening } from './util/pod-security';
import { BASELINE_CAPABILITIES, podContainers, podSecurityViolations } from './util/pod-security';

/** How a WebApp's Service is exposed. */
export enum ServiceType {
  /** A virtual IP inside the cluster (the default). */
  CLUSTER_IP = 'ClusterIP',
  /** A port on every node, in the cluster's node port range. */
  NODE_PORT = 'NodePort',
  /** A cloud load balancer. */
  LOAD_BALANCER = 'LoadBalancer',
  /** No virtual IP: DNS returns the pod IPs (`clusterIP: None`). */
  HEADLESS = 'Headless',
}

/** Whether external traffic may be forwarded to pods on other nodes. */
export enum ExternalTrafficPolicy {
  /** Spread over all pods; the client IP is hidden by SNAT. */
  CLUSTER = 'Cluster',
  /** Only pods on the receiving node; keeps the client IP. */
  LOCAL = 'Local',
}

/** The node port range of the cluster (`--service-node-port-range`). */
export interface NodePortRange {
  /** First port. */
  readonly min: number;
  /** Last port. */
  readonly max: number;
}

/** CPU and memory of the app's container. */
export interface WebAppResources {
  /** CPU request in millicores. @default 100 */
  readonly cpuRequestMillis?: number;
  /** CPU limit in millicores. @default - no CPU limit (throttling hurts latency more than it protects) */
  readonly cpuLimitMillis?: number;
  /** Memory request in MiB. @default 128 */
  readonly memoryRequestMebibytes?: number;
  /** Memory limit in MiB. @default 256 */
  readonly memoryLimitMebibytes?: number;
}

/** Options of a declared flow. */
export interface FlowOptions {
  /**
   * Destination ports.
   * @default - the destination's container port
   */
  readonly ports?: Port[];
}

/** The name of a WebApp's main container port (and of its Service port, once there are several). */
export const MAIN_PORT_NAME = 'http';

/** An extra, named port of a WebApp's container, e.g. `{ name: 'grpc', port: 9090 }`. */
export interface WebAppPort {
  /**
   * The port name (an IANA service name such as `grpc` or `metrics`), on the container port and the
   * Service port; flows open it with `Port.named(name)` or its number. Not `http`: that is the main
   * port (`containerPort`).
   */
  readonly name: string;
  /** The container port. */
  readonly port: number;
  /**
   * The Service port.
   * @default - the container port
   */
  readonly servicePort?: number;
  /**
   * The protocol.
   * @default Protocol.TCP
   */
  readonly protocol?: Protocol;
}

/** A metrics endpoint and who scrapes it. */
export interface WebAppMetrics {
  /** The container port the metrics are served on, e.g. 9102. */
  readonly port: number;
  /**
   * Who scrapes the metrics, e.g. `Peer.pods({ namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } })`:
   * the flow from it to this port is declared like `allowFrom(scrapedBy, { ports: [Port.tcp(port)] })`.
   */
  readonly scrapedBy: IPeer;
  /**
   * The port name.
   * @default 'metrics'
   */
  readonly name?: string;
  /**
   * Publish the metrics port on the app's NodePort or LoadBalancer Service, and open it to the
   * load balancer's clients (`loadBalancerSourceRanges` with `Local`): an explicit opt-in to
   * serving the metrics outside the cluster.
   *
   * By default an externally exposed app keeps the metrics port off that Service (a load balancer
   * forwards every Service port, and a NodePort Service opens each on every node) and off the
   * source-range flow; it goes on a ClusterIP Service of its own, `<serviceName>-metrics`, for a
   * ServiceMonitor to select (Prometheus scrapes the pod IPs either way). A ClusterIP or headless
   * app has the metrics port on its own Service.
   * @default false
   */
  readonly exposeExternally?: boolean;
}

/** Props of a `WebApp`. */
export interface WebAppProps {
  /** The namespace: a `ZeroTrustNamespace` or a namespace name. */
  readonly namespace: NamespaceRef;
  /**
   * Name of the Deployment and Service and value of the `app` label (a DNS-1035 label).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Name of the Service, when it must differ from the app name (a DNS-1035 label).
   * @default - the app name
   */
  readonly serviceName?: string;
  /** Container image, e.g. `ghcr.io/acme/api:1.4.2`. */
  readonly image: string;
  /** The port the container listens on: the main port, named `http` (see `MAIN_PORT_NAME`). */
  readonly containerPort: number;
  /**
   * More container ports, each named; with any, every Service port is named (the main one `http`).
   * Flows still default to the main port: open another with `Port.named(name)`.
   * @default - none
   */
  readonly ports?: WebAppPort[];
  /**
   * A metrics port and who scrapes it: adds the named port (`metrics`) to the container and a
   * Service, and declares the flow from `scrapedBy` to it. The Service is the app's own when it is
   * ClusterIP or headless; a NodePort or LoadBalancer app gets a ClusterIP Service
   * `<serviceName>-metrics` for it instead, so the metrics are not served outside the cluster
   * (`metrics.exposeExternally` opts in).
   * @default - none
   */
  readonly metrics?: WebAppMetrics;
  /**
   * The Service port.
   * @default 80
   */
  readonly servicePort?: number;
  /**
   * Number of pods.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Environment variables, e.g. `{ API_URL: api.url }`.
   * @default - none
   */
  readonly env?: Record<string, string>;
  /**
   * Container command (entrypoint).
   * @default - the image's entrypoint
   */
  readonly command?: string[];
  /**
   * Container arguments.
   * @default - the image's command
   */
  readonly args?: string[];
  /**
   * How the Service is exposed.
   * @default ServiceType.CLUSTER_IP
   */
  readonly serviceType?: ServiceType;
  /**
   * A fixed node port (NodePort and LoadBalancer services only).
   * @default - allocated by the cluster
   */
  readonly nodePort?: number;
  /**
   * The cluster's node port range, for validating `nodePort`.
   * @default { min: 30000, max: 32767 }
   */
  readonly nodePortRange?: NodePortRange;
  /**
   * Client CIDRs allowed through the load balancer (LoadBalancer services only).
   *
   * With `externalTrafficPolicy: Local` kube-proxy keeps the client's address, so in a
   * `ZeroTrustNamespace` these ranges are also declared as a flow to the app (a NetworkPolicy
   * ipBlock on every container port the Service forwards to, so not on a `metrics` port kept off
   * it). With `Cluster` the client is SNATed to a node address: declare the node CIDRs yourself
   * (`allowIngressFrom(Peer.cidr(...))`).
   *
   * That holds for a load balancer that sends to the node ports. One that sends straight to the pod
   * IPs bypasses kube-proxy, and the pods see whatever source it keeps: an AWS NLB with IP targets
   * (AWS Load Balancer Controller, `aws-load-balancer-nlb-target-type: ip`) shows its own private
   * addresses unless the target group preserves the client IP (`preserve_client_ip.enabled=true`), so
   * admit its subnets (`allowIngressFrom(Peer.cidr(<subnet>))`) or turn preservation on
   * (`external-client-lb-snat` warns when neither is done).
   * @default - the cloud provider's default, usually everyone
   */
  readonly loadBalancerSourceRanges?: string[];
  /**
   * External traffic policy (NodePort and LoadBalancer services only).
   *
   * `Cluster` spreads traffic over every pod but SNATs it: the pods, and NetworkPolicies, see a node
   * address instead of the client's, so an `allowIngressFrom(Peer.cidr(<clients>))` admits nothing
   * and the node CIDRs must be allowed instead (`external-client-snat` warns when they are not).
   * kube-proxy masquerades the connections of pods to the node ports and load-balancer address too,
   * so admitting the nodes admits every pod of the cluster (`external-service-pod-clients` warns).
   * `Local` keeps the client address (only pods on the node that received the traffic serve it), so
   * policies can name the clients.
   * @default - the cluster default, Cluster
   */
  readonly externalTrafficPolicy?: ExternalTrafficPolicy;
  /**
   * Resources of the container.
   * @default - 100m CPU and 128Mi requested, 256Mi memory limit
   */
  readonly resources?: WebAppResources;
  /**
   * HTTP path for readiness and liveness probes.
   * @default - a TCP readiness check on the container port, no liveness probe
   */
  readonly healthCheckPath?: string;
  /**
   * Value of the `app.kubernetes.io/part-of` label.
   * @default - the namespace name
   */
  readonly partOf?: string;
  /**
   * The cluster DNS domain, for `dnsName` and `url`.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * Make the root filesystem writable: an explicit opt-out of a secure default. It covers every
   * container of the pod: the app's own, and those given in `podSpec` (`initContainers`, sidecars),
   * which then default to a writable root filesystem and may set `readOnlyRootFilesystem: false`.
   * @default false
   */
  readonly writableRootFilesystem?: boolean;
  /**
   * User id the container runs as. The image must not need root either way.
   * @default - the image's user, which must be non-root
   */
  readonly runAsUser?: number;
  /**
   * Mount a service-account token into the pods.
   * @default false
   */
  readonly automountServiceAccountToken?: boolean;
  /**
   * More fields of the container, for what WebApp does not cover (volume mounts for a writable
   * `/tmp` under the read-only root filesystem, `envFrom` a Secret, ...), named as in cdk8s-plus's
   * generated `k8s.Container` and converted by the cdk8s-plus (27 to 33) the project has installed.
   * The fields WebApp sets itself cannot be given here: `name`, `image`, `command`, `args`, `env`,
   * `ports`, `readinessProbe`, `livenessProbe`, `resources` and `securityContext`. A field the
   * converter does not know (`workingdir`, a nested typo) is an error, not left out, and so is a value
   * the Kubernetes API's Container schema refuses (`volumeMounts: [{ name: 1 }]`).
   * @default - none
   */
  readonly container?: { [key: string]: any };
  /**
   * More fields of the pod spec (`volumes`, `nodeSelector`, `tolerations`, `serviceAccountName`,
   * `imagePullSecrets`, ...), named as in cdk8s-plus's generated `k8s.PodSpec`. WebApp's own `containers`, `securityContext` and
   * `automountServiceAccountToken` cannot be given here, nor `hostNetwork: true` (NetworkPolicies do
   * not apply to host-network pods); what Pod Security forbids (`hostPid`, `hostIpc`, `hostPath`
   * volumes, privileged or root containers, ...) needs its opt-out in `securityOptOuts`. A field the converter does not know
   * (`hostPID` for `hostPid`, a nested typo) is an error, not left out, and so is a value the
   * Kubernetes API's PodSpec schema refuses (`terminationGracePeriodSeconds: 'soon'`, `volumes: 'x'`).
   * @default - none
   */
  readonly podSpec?: { [key: string]: any };
  /**
   * Named opt-outs of the pod's isolation, for the settings `podSpec` and `container` may give that Pod Security
   * "baseline" or "restricted" forbids: `hostPid`, `hostIpc`, `hostPath` volumes, volume types
   * beyond restricted's, and in the containers given there (`initContainers`, sidecars) `privileged`,
   * `hostPort`, added capabilities beyond NET_BIND_SERVICE, seccomp `Unconfined`, AppArmor
   * `Unconfined`, SELinux options, an unmasked `procMount`, `allowPrivilegeEscalation: true`,
   * `runAsUser: 0` or `runAsNonRoot: false`, and in any container a probe or lifecycle hook with a
   * `host`. Without the opt-out each is an error naming the field. Windows `hostProcess` has none: it
   * needs the host network, which WebApp refuses.
   * The containers given in `podSpec` get the app container's defaults (no privilege escalation,
   * capabilities `drop: [ALL]`, not privileged, a read-only root filesystem unless
   * `writableRootFilesystem`) under the fields they set themselves.
   *
   * An opt-out does not lower the namespace's Pod Security level: a `ZeroTrustNamespace` enforces
   * restricted unless its `podSecurity` says otherwise, and `pod-security` warns when it would reject the pods.
   * @default - none: the pod meets Pod Security restricted
   */
  readonly securityOptOuts?: WebAppSecurityOptOuts;
}

/**
 * The loosenings of a WebApp's pod below Pod Security "baseline" or "restricted" that its
 * `podSpec` may make, each named. Only the app container's own settings have props of their own
 * (`writableRootFilesystem`, `runAsUser`); its `securityContext` cannot be given.
 */
export interface WebAppSecurityOptOuts {
  /**
   * Allow `podSpec.hostPid: true`: the pods share the node's process namespace. With a privileged
   * container (or one with CAP_SYS_ADMIN) they can enter the node's network namespace, where no
   * NetworkPolicy applies (`pod-networkpolicy` warns).
   * @default false
   */
  readonly hostPid?: boolean;
  /** Allow `podSpec.hostIpc: true`: the pods share the node's IPC namespace. @default false */
  readonly hostIpc?: boolean;
  /** Allow `hostPath` volumes in `podSpec.volumes`: the node's filesystem in the pods. @default false */
  readonly hostPath?: boolean;
  /** Allow `hostPort` on the ports of containers given in `podSpec`. @default false */
  readonly hostPort?: boolean;
  /** Allow `securityContext.privileged: true` on containers given in `podSpec`. @default false */
  readonly privileged?: boolean;
  /**
   * The capabilities beyond NET_BIND_SERVICE that containers given in `podSpec` may add, e.g. `['NET_ADMIN']`.
   * @default - none
   */
  readonly addCapabilities?: string[];
  /** Allow `seccompProfile: { type: 'Unconfined' }` on containers given in `podSpec`. @default false */
  readonly unconfinedSeccomp?: boolean;
  /** Allow `allowPrivilegeEscalation: true` on containers given in `podSpec`. @default false */
  readonly allowPrivilegeEscalation?: boolean;
  /** Allow `runAsUser: 0` and `runAsNonRoot: false` on containers given in `podSpec`. @default false */
  readonly runAsRoot?: boolean;
  /**
   * Allow volume types in `podSpec.volumes` beyond the ones Pod Security "restricted" allows
   * (configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected,
   * secret): `nfs`, `iscsi`, `rbd`, `gitRepo`, ..., which the node itself mounts.
   * @default false
   */
  readonly volumeTypes?: boolean;
  /** Allow `securityContext.procMount` other than `Default` (`Unmasked`) on containers given in `podSpec`. @default false */
  readonly unmaskedProcMount?: boolean;
  /**
   * Allow `securityContext.seLinuxOptions` on containers given in `podSpec` with a `user`, a `role`,
   * or a `type` other than container_t, container_init_t, container_kvm_t and container_engine_t.
   * @default false
   */
  readonly seLinuxOptions?: boolean;
  /** Allow `securityContext.appArmorProfile` of a type other than `RuntimeDefault` or `Localhost` on containers given in `podSpec`. @default false */
  readonly unconfinedAppArmor?: boolean;
  /**
   * Allow a `host` in the `httpGet` or `tcpSocket` of a probe (`startupProbe`, or a container's given
   * in `podSpec`) or a lifecycle hook (`container.lifecycle`, or a container's given in `podSpec`):
   * the kubelet would connect from the node to that host, outside every NetworkPolicy.
   * @default false
   */
  readonly probeHost?: boolean;
}

/** The boolean opt-outs of `WebAppSecurityOptOuts`. */
type FlagOptOut = Exclude<keyof WebAppSecurityOptOuts, 'addCapabilities'>;

/** Why each loosening is refused without its opt-out, and the Pod Security level it breaks. */
const LOOSENINGS: Readonly<Record<keyof WebAppSecurityOptOuts, { level: 'baseline' | 'restricted'; why: string }>> = {
  hostPid: { level: 'baseline', why: 'the pods would share the node\'s process namespace, and with a privileged container enter the node\'s '
    + 'network namespace (nsenter -t 1 -n), where no NetworkPolicy applies' },
  hostIpc: { level: 'baseline', why: 'the pods would share the node\'s IPC namespace and its shared memory' },
  hostPath: { level: 'baseline', why: 'a hostPath volume puts the node\'s filesystem in the pods' },
  hostPort: { level: 'baseline', why: 'a host port opens the pod on a port of the node\'s own address' },
  privileged: { level: 'baseline', why: 'a privileged container has every capability and the node\'s devices' },
  addCapabilities: { level: 'restricted', why: 'each capability widens what the container may do to the node\'s kernel' },
  unconfinedSeccomp: { level: 'baseline', why: 'without a seccomp profile every system call reaches the node\'s kernel' },
  allowPrivilegeEscalation: { level: 'restricted', why: 'a process could gain more privileges than its parent (setuid binaries)' },
  runAsRoot: { level: 'restricted', why: 'a process that runs as root in the container is root on the node once it escapes' },
  volumeTypes: { level: 'restricted', why: 'the node itself mounts such a volume, with its own kernel drivers and credentials' },
  unmaskedProcMount: { level: 'baseline', why: 'an unmasked /proc shows the container the node\'s kernel settings (/proc/sys, /proc/sysrq-trigger)' },
  seLinuxOptions: { level: 'baseline', why: 'a custom SELinux type, user or role can lift the container out of the container_t confinement' },
  unconfinedAppArmor: { level: 'baseline', why: 'without an AppArmor profile the container loses the runtime\'s default confinement' },
  probeHost: { level: 'baseline', why: 'the kubelet would connect from the node to that host, a connection no NetworkPolicy governs' },
};

/** The container fields WebApp sets itself. */
const OWNED_CONTAINER_FIELDS = [
  'name', 'image', 'command', 'args', 'env', 'ports', 'readinessProbe', 'livenessProbe', 'resources', 'securityContext',
] as const;
/** The pod spec fields WebApp sets itself. */
const OWNED_POD_FIELDS = ['containers', 'securityContext', 'automountServiceAccountToken'] as const;


const DEFAULT_NODE_PORT_RANGE: NodePortRange = { min: 30000, max: 32767 };
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/**
 * One containerized application: a Deployment whose pods are labelled
 * `app: <name>`, and a Service of the same name in front of them. Containers run as non-root with
 * a read-only root filesystem, no privilege escalation and no capabilities.
 *
 * Flows are declared with `allowFrom`, `allowTo`, `allowIngressFrom` and `allowEgressTo`; in a
 * `ZeroTrustNamespace` each becomes exactly the NetworkPolicies it needs.
 */
export class WebApp extends Construct implements IPeer, IBackend {
  /** The app name: Deployment name and `app` label. */
  public readonly name: string;
  /** The Service name (the app name unless `serviceName` was given). */
  public readonly serviceName: string;
  /** The namespace name. */
  public readonly namespace: string;
  /** The container port. */
  public readonly containerPort: number;
  /** The Service port. */
  public readonly servicePort: number;
  /** The extra named ports (`ports` and `metrics`), by name. */
  public readonly namedPorts: WebAppPort[];
  /** The Service type. */
  public readonly serviceType: ServiceType;
  /** `loadBalancerSourceRanges`, canonical. */
  private readonly sourceRanges?: string[];
  /** The pod labels; `app` is the selector. */
  public readonly podLabels: Readonly<Record<string, string>>;
  /**
   * The Deployment API object. For what the `container` and `podSpec` props do not cover,
   * patch it: `ApiObject.of(app.deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/hostname', 'api'))`.
   */
  public readonly deployment: ApiObject;
  /** The Service API object. */
  public readonly service: ApiObject;
  /**
   * The ClusterIP Service `<serviceName>-metrics` that carries the metrics port of a NodePort or
   * LoadBalancer app (see `WebAppMetrics.exposeExternally`); undefined otherwise.
   */
  public readonly metricsService?: ApiObject;
  /**
   * The Service's cluster DNS name, e.g. `api.production.svc.cluster.local`. For a headless Service
   * it resolves to the pod IPs: connect to the container port, as `url` does.
   */
  public readonly dnsName: string;

  public constructor(scope: Construct, id: string, props: WebAppProps) {
    super(scope, id);
    checkProps(this, 'props', props, 'namespace, image, containerPort');
    const p = validateProps(this, id, props);
    this.name = p.name;
    this.serviceName = p.serviceName;
    this.namespace = p.namespace;
    this.containerPort = props.containerPort;
    this.servicePort = p.servicePort;
    this.serviceType = p.serviceType;
    this.namedPorts = p.namedPorts;
    this.sourceRanges = p.sourceRanges;
    this.dnsName = `${p.serviceName}.${p.namespace}.svc.${p.clusterDomain}`;
    this.podLabels = {
      'app': p.name,
      'app.kubernetes.io/name': p.name,
      'app.kubernetes.io/part-of': p.partOf,
      'app.kubernetes.io/managed-by': 'cdk8s-networking',
    };

    const model = NetworkModel.of(this);
    model._addClusterDomain(p.clusterDomain);
    model.claimName(this, props.serviceName ? 'serviceName' : 'name', 'Service', p.namespace, p.serviceName);
    model.claimName(this, 'name', 'Deployment', p.namespace, p.name);
    if (p.metricsServiceName) model.claimName(this, 'metrics', 'Service', p.namespace, p.metricsServiceName);

    this.deployment = this.makeDeployment(props, p.replicas);
    // Off the externally exposed Service, the metrics port is off the source-range flow too.
    const external = p.metricsServiceName ? this.namedPorts.filter((np) => np.name !== p.metricsPortName) : this.namedPorts;
    this.service = this.makeService(props, p.serviceType, external);
    if (p.metricsServiceName) this.metricsService = this.makeMetricsService(p.metricsServiceName, props.metrics!.port, p.metricsPortName!);
    const names = [this.dnsName, `${p.serviceName}.${p.namespace}.svc`, `${p.serviceName}.${p.namespace}`];
    model._addresses.addresses.push({ path: this.node.path, names, endpoint: this._endpoint() });
    for (const k of Object.keys(props.env ?? {}).sort()) {
      model._addresses.uses.push({ path: this.node.path, field: `env[${JSON.stringify(k)}]`, value: props.env![k], endpoint: this._endpoint() });
    }
    if (p.sourceRanges && props.externalTrafficPolicy === ExternalTrafficPolicy.LOCAL) {
      // The pods see the client address: the ranges the load balancer admits are the app's clients,
      // on every port the Service forwards (the named ports too, which flows otherwise open one by one).
      const blocks = [...new Set(p.sourceRanges)].sort().map((c) => ({ cidr: c }));
      declareFlow(this, 'loadBalancerSourceRanges', ipBlockEndpoint('load-balancer-clients', blocks), this._endpoint(), this.targetPorts(external));
    }
    if (props.metrics) {
      const scrapedBy = this.resolve(props.metrics.scrapedBy, 'metrics.scrapedBy');
      declareFlow(this, 'metrics.scrapedBy', scrapedBy, this._endpoint(), [Port.tcp(props.metrics.port)]);
    }
  }

  /**
   * The URL of the Service inside the cluster: `http://<dnsName>`, with `:port` unless 80. The port
   * is the Service port, except for a headless Service: it has no virtual IP and translates no port,
   * so clients connect to the pods' container port (the port the flows allow).
   */
  public get url(): string {
    const port = this.serviceType === ServiceType.HEADLESS ? this.containerPort : this.servicePort;
    return `http://${this.dnsName}${port === 80 ? '' : `:${port}`}`;
  }

  /**
   * Allows `peer` to reach this app (by default on its container port). Writes the ingress side
   * here and, when the peer is in a zero-trust namespace, the egress side there.
   */
  public allowFrom(peer: IPeer, options: FlowOptions = {}): void {
    declareFlow(this, 'allowFrom', this.resolve(peer, 'allowFrom'), this._endpoint(), options.ports);
  }

  /** Allows this app to reach `peer` (by default on the peer's container port). */
  public allowTo(peer: IPeer, options: FlowOptions = {}): void {
    declareFlow(this, 'allowTo', this._endpoint(), this.resolve(peer, 'allowTo'), options.ports);
  }

  /** Allows traffic from something that is not a WebApp (a CIDR, pods, a namespace). */
  public allowIngressFrom(peer: IPeer, ...ports: Port[]): void {
    declareFlow(this, 'allowIngressFrom', this.resolve(peer, 'allowIngressFrom'), this._endpoint(), ports);
  }

  /** Allows traffic to something that is not a WebApp; ports are required unless the peer has known ports. */
  public allowEgressTo(peer: IPeer, ...ports: Port[]): void {
    declareFlow(this, 'allowEgressTo', this._endpoint(), this.resolve(peer, 'allowEgressTo'), ports);
  }

  /** The container ports the Service forwards to: the main port and the named ones on it. */
  private targetPorts(onService: readonly WebAppPort[]): Port[] {
    const byProtocol = { [Protocol.TCP]: Port.tcp, [Protocol.UDP]: Port.udp, [Protocol.SCTP]: Port.sctp };
    return [Port.tcp(this.containerPort), ...onService.map((np) => byProtocol[np.protocol ?? Protocol.TCP](np.port))];
  }

  /** @internal */
  public _endpoint(): Endpoint {
    return {
      ...podsEndpoint(this.name, this.namespace, { app: this.name }, [Port.tcp(this.containerPort)], `${this.namespace}-${this.name}`),
      workload: { kind: 'Deployment', name: this.name },
    };
  }

  /** @internal */
  public _resolvePeer(): Endpoint {
    return this._endpoint();
  }

  /** @internal */
  public _resolveBackend(scope: IConstruct, field: string): ResolvedBackend {
    const { serviceName, namespace, servicePort } = this;
    return serviceBackend(scope, field, { serviceName, namespace, servicePort, endpoint: this._endpoint() });
  }

  private resolve(peer: IPeer, field: string): Endpoint {
    return resolvePeer(this, field, peer, this.namespace);
  }

  /**
   * The Deployment as a plain `ApiObject` holding the manifest cdk8s-plus-27 wrote (its defaults
   * spelled out), without cdk8s-plus's construct tree and JSON patches, and without the generated
   * `KubeDeployment`, whose `toJson` converts the whole rendered object again: together they were
   * a tenth of the synth time of an app of WebApps.
   */
  private makeDeployment(props: WebAppProps, replicas: number): ApiObject {
    const r = props.resources ?? {};
    const port = this.containerPort;
    const probe = () => (props.healthCheckPath
      ? { failureThreshold: 3, httpGet: { path: props.healthCheckPath, port, scheme: 'HTTP' } }
      : { failureThreshold: 3, tcpSocket: { port } });
    const env = Object.keys(props.env ?? {}).sort().map((name) => ({ name, value: props.env![name] }));
    const container = {
      ...kubeFields(this, 'container', 'Container', props.container),
      name: this.name,
      image: props.image,
      imagePullPolicy: props.container?.imagePullPolicy ?? 'Always',
      ...(props.command ? { command: [...props.command] } : {}),
      ...(props.args ? { args: [...props.args] } : {}),
      ...(env.length > 0 ? { env } : {}),
      ports: [{ containerPort: this.containerPort, name: MAIN_PORT_NAME }, ...this.namedPorts.map((np) => ({
        containerPort: np.port,
        name: np.name,
        ...(np.protocol && np.protocol !== Protocol.TCP ? { protocol: np.protocol } : {}),
      }))],
      readinessProbe: probe(),
      ...(props.healthCheckPath ? { livenessProbe: probe() } : {}),
      resources: {
        limits: {
          ...(r.cpuLimitMillis !== undefined ? { cpu: `${r.cpuLimitMillis}m` } : {}),
          memory: `${r.memoryLimitMebibytes ?? 256}Mi`,
        },
        requests: { cpu: `${r.cpuRequestMillis ?? 100}m`, memory: `${r.memoryRequestMebibytes ?? 128}Mi` },
      },
      securityContext: {
        allowPrivilegeEscalation: false,
        // Pod Security "restricted" requires dropping ALL capabilities.
        capabilities: { drop: ['ALL'] },
        privileged: false,
        readOnlyRootFilesystem: !(props.writableRootFilesystem ?? false),
        runAsNonRoot: true,
        ...(props.runAsUser !== undefined ? { runAsUser: props.runAsUser } : {}),
      },
    };
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: this.name, namespace: this.namespace, labels: { ...this.podLabels } },
      spec: {
        minReadySeconds: 0,
        progressDeadlineSeconds: 600,
        replicas,
        // `app: <name>` only: no label derived from the construct path, which a refactor would
        // change, and a changed selector cannot be applied to an existing Deployment.
        selector: { matchLabels: { app: this.name } },
        strategy: {
          rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
          type: 'RollingUpdate',
        },
        template: {
          metadata: { labels: { ...this.podLabels } },
          spec: {
            dnsPolicy: 'ClusterFirst',
            hostNetwork: false,
            restartPolicy: 'Always',
            setHostnameAsFQDN: false,
            terminationGracePeriodSeconds: 30,
            ...withContainerDefaults(kubeFields(this, 'podSpec', 'PodSpec', props.podSpec), props.writableRootFilesystem ?? false),
            automountServiceAccountToken: props.automountServiceAccountToken ?? false,
            containers: [container],
            securityContext: {
              fsGroupChangePolicy: 'Always',
              runAsNonRoot: true,
              ...(props.runAsUser !== undefined ? { runAsUser: props.runAsUser } : {}),
              // Pod Security "restricted" also requires a seccomp profile.
              seccompProfile: { type: 'RuntimeDefault' },
            },
          },
        },
      },
    };
    checkIsolation(this, deployment.spec.template.spec, props);
    return new PlainApiObject(this, 'Deployment', deployment);
  }

  private makeService(props: WebAppProps, type: ServiceType, namedPorts: readonly WebAppPort[]): ApiObject {
    const externallyReachable = type === ServiceType.NODE_PORT || type === ServiceType.LOAD_BALANCER;
    const service = new PlainApiObject(this, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: this.serviceName, namespace: this.namespace, labels: this.podLabels },
      spec: {
        type: type === ServiceType.HEADLESS ? 'ClusterIP' : type,
        ...(type === ServiceType.HEADLESS ? { clusterIP: 'None' } : {}),
        selector: { app: this.name },
        ports: [{
          ...(this.namedPorts.length ? { name: MAIN_PORT_NAME } : {}),
          port: this.servicePort,
          targetPort: this.containerPort,
          ...(props.nodePort !== undefined ? { nodePort: props.nodePort } : {}),
        }, ...namedPorts.map((np) => ({
          name: np.name,
          port: np.servicePort ?? np.port,
          targetPort: np.port,
          ...(np.protocol && np.protocol !== Protocol.TCP ? { protocol: np.protocol } : {}),
        }))],
        ...(this.sourceRanges ? { loadBalancerSourceRanges: [...this.sourceRanges] } : {}),
        ...(externallyReachable && props.externalTrafficPolicy ? { externalTrafficPolicy: props.externalTrafficPolicy } : {}),
      },
    });
    recordServiceType(service, type === ServiceType.HEADLESS ? 'ClusterIP' : type);
    return service;
  }

  /** The ClusterIP Service of the metrics port of an externally exposed app. */
  private makeMetricsService(name: string, port: number, portName: string): ApiObject {
    const service = new PlainApiObject(this, 'MetricsService', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: this.namespace, labels: this.podLabels },
      spec: { type: 'ClusterIP', selector: { app: this.name }, ports: [{ name: portName, port, targetPort: port }] },
    });
    recordServiceType(service, 'ClusterIP');
    return service;
  }
}

/** Checks the props, top to bottom, and returns the resolved values. */
function validateProps(scope: Construct, id: string, props: WebAppProps) {
  const name = check(scope, 'name', props.name ?? id, dns1035Label);
  const serviceName = check(scope, 'serviceName', props.serviceName ?? name, dns1035Label);
  const namespace = namespaceName(scope, 'namespace', props.namespace);
  if (typeof props.image !== 'string' || props.image.trim() === '' || /\s/.test(props.image)) {
    throw invalid(scope, 'image', props.image, 'must be a non-empty image reference without whitespace');
  }
  check(scope, 'image', props.image, yamlSafeText);
  check(scope, 'containerPort', props.containerPort, portNumber);
  const servicePort = check(scope, 'servicePort', props.servicePort ?? 80, portNumber);
  const replicas = check(scope, 'replicas', props.replicas ?? 2, intInRange(0, 10000, 'a whole number'));
  for (const [k, v] of Object.entries(props.env ?? {})) {
    if (!ENV_NAME.test(k)) throw invalid(scope, 'env key', k,
      'must be an environment variable name: letters, digits, "_", "-", ".", not starting with a digit');
    if (typeof v !== 'string') throw invalid(scope, `env[${JSON.stringify(k)}]`, v, 'must be a string');
    check(scope, `env[${JSON.stringify(k)}]`, v, yamlSafeText);
  }
  for (const field of ['command', 'args'] as const) {
    const list: unknown = props[field];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw invalid(scope, field, list, 'must be a list of strings');
    list.forEach((v, i) => {
      if (typeof v !== 'string') throw invalid(scope, `${field}[${i}]`, v, 'must be a string (quote numbers and booleans: "8080", "true")');
      check(scope, `${field}[${i}]`, v, yamlSafeText);
    });
  }
  const serviceType = check(scope, 'serviceType', props.serviceType ?? ServiceType.CLUSTER_IP,
    (v) => (Object.values(ServiceType).includes(v) ? undefined : `must be one of ${Object.values(ServiceType).join(', ')}`));
  const external = serviceType === ServiceType.NODE_PORT || serviceType === ServiceType.LOAD_BALANCER;
  if (props.nodePort !== undefined) {
    if (!external) throw invalid(scope, 'nodePort', props.nodePort, `only applies to NodePort and LoadBalancer services, not ${serviceType}`);
    const range = props.nodePortRange ?? DEFAULT_NODE_PORT_RANGE;
    check(scope, 'nodePortRange.min', range.min, portNumber);
    check(scope, 'nodePortRange.max', range.max, portNumber, intInRange(range.min, 65535, 'a port not below nodePortRange.min'));
    check(scope, 'nodePort', props.nodePort, intInRange(range.min, range.max, 'a port in the node port range'));
  }
  if (props.loadBalancerSourceRanges !== undefined) {
    if (serviceType !== ServiceType.LOAD_BALANCER) {
      throw invalid(scope, 'loadBalancerSourceRanges', props.loadBalancerSourceRanges, `only applies to LoadBalancer services, not ${serviceType}`);
    }
    checkList(scope, 'loadBalancerSourceRanges', props.loadBalancerSourceRanges, 'CIDRs');
    if (props.loadBalancerSourceRanges.length === 0) {
      // Kubernetes reads an empty list as no restriction: a computed allowlist that came out empty would open the load balancer to everyone.
      throw invalid(scope, 'loadBalancerSourceRanges', [],
        'must list at least one CIDR; an empty list lets every client through the load balancer (leave the option out for the provider default)');
    }
  }
  // Canonical (RFC 5952 for IPv6), as the API server wants them in spec.loadBalancerSourceRanges.
  const sourceRanges = props.loadBalancerSourceRanges?.map((c, i) => validCidr(scope, `loadBalancerSourceRanges[${i}]`, c));
  if (props.externalTrafficPolicy !== undefined) {
    if (!external) throw invalid(scope, 'externalTrafficPolicy', props.externalTrafficPolicy,
      `only applies to NodePort and LoadBalancer services, not ${serviceType}`);
    check(scope, 'externalTrafficPolicy', props.externalTrafficPolicy,
      (v) => (Object.values(ExternalTrafficPolicy).includes(v) ? undefined : 'must be Cluster or Local'));
  }
  validateResources(scope, props.resources ?? {});
  if (props.healthCheckPath !== undefined && !/^\/\S*$/.test(props.healthCheckPath)) {
    throw invalid(scope, 'healthCheckPath', props.healthCheckPath, 'must be an HTTP path starting with "/" without whitespace');
  }
  if (props.healthCheckPath !== undefined) check(scope, 'healthCheckPath', props.healthCheckPath, yamlSafeText);
  const namedPorts = validatePorts(scope, props, servicePort);
  const exposeMetrics = props.metrics?.exposeExternally;
  if (exposeMetrics !== undefined && typeof exposeMetrics !== 'boolean') {
    throw invalid(scope, 'metrics.exposeExternally', exposeMetrics, 'must be true or false');
  }
  if (exposeMetrics && !external) {
    throw invalid(scope, 'metrics.exposeExternally', exposeMetrics,
      `only applies to NodePort and LoadBalancer services, not ${serviceType}: the metrics port is on the app's own Service already`);
  }
  // An externally exposed app keeps the metrics port on a ClusterIP Service of its own.
  const metricsServiceName = props.metrics && external && !exposeMetrics ? `${serviceName}-metrics` : undefined;
  if (metricsServiceName !== undefined && metricsServiceName.length > 63) {
    throw invalid(scope, props.serviceName ? 'serviceName' : 'name', serviceName,
      `is too long for the metrics Service "${metricsServiceName}" (at most 63 characters; a NodePort or LoadBalancer app `
        + 'serves its metrics port on a ClusterIP Service <serviceName>-metrics): shorten it to 55 characters or fewer');
  }
  const metricsPortName = props.metrics ? props.metrics.name ?? 'metrics' : undefined;
  const partOf = check(scope, 'partOf', props.partOf ?? namespace, labelValue);
  const clusterDomain = check(scope, 'clusterDomain', props.clusterDomain ?? 'cluster.local', dns1123Subdomain);
  if (props.runAsUser !== undefined) check(scope, 'runAsUser', props.runAsUser, intInRange(1, 2147483647, 'a non-root user id'));
  const extrasByField = [['container', props.container, OWNED_CONTAINER_FIELDS], ['podSpec', props.podSpec, OWNED_POD_FIELDS]] as const;
  for (const [field, extras, owned] of extrasByField) {
    const taken = Object.keys(extras ?? {}).filter((k) => (owned as readonly string[]).includes(k));
    if (taken.length > 0) {
      throw invalid(scope, `${field}.${taken[0]}`, (extras as Record<string, unknown>)[taken[0]],
        `is set by WebApp itself (through its own props): ${owned.join(', ')} cannot be given in ${field}`);
    }
  }
  if ((props.podSpec as { hostNetwork?: unknown } | undefined)?.hostNetwork === true) {
    throw invalid(scope, 'podSpec.hostNetwork', true, 'must not be true: NetworkPolicies do not apply to pods on the host network, so the app\'s '
      + 'default-deny, its declared flows and their proof would not hold; run such a workload with cdk8s-plus and Peer.nodes()');
  }
  validateOptOuts(scope, props.securityOptOuts);
  return {
    name, serviceName, namespace, servicePort, replicas, serviceType, partOf, clusterDomain, namedPorts, sourceRanges, metricsServiceName,
    metricsPortName,
  };
}

const OPT_OUTS = Object.keys(LOOSENINGS) as (keyof WebAppSecurityOptOuts)[];

function validateOptOuts(scope: Construct, optOuts: WebAppSecurityOptOuts | undefined): void {
  if (optOuts === undefined) return;
  if (optOuts === null || typeof optOuts !== 'object' || Array.isArray(optOuts)) {
    throw invalid(scope, 'securityOptOuts', optOuts, `must be an object of ${OPT_OUTS.join(', ')}`);
  }
  for (const [key, value] of Object.entries(optOuts)) {
    if (!(OPT_OUTS as string[]).includes(key)) {
      throw invalid(scope, `securityOptOuts.${key}`, value, `is not an opt-out: the opt-outs are ${OPT_OUTS.join(', ')}`);
    }
    if (key === 'addCapabilities') {
      if (!Array.isArray(value)) {
        throw invalid(scope, 'securityOptOuts.addCapabilities', value, 'must be a list of capability names, e.g. ["NET_ADMIN"]');
      }
      value.forEach((c, i) => {
        if (typeof c !== 'string' || !/^[A-Z][A-Z_]*$/.test(c)) {
          throw invalid(scope, `securityOptOuts.addCapabilities[${i}]`, c, 'must be a capability name in capitals, e.g. "NET_ADMIN"');
        }
      });
    } else if (typeof value !== 'boolean') {
      throw invalid(scope, `securityOptOuts.${key}`, value, 'must be true or false');
    }
  }
}

/**
 * The containers given in `podSpec` with the app container's secure defaults under their own
 * securityContext. Privilege escalation stays unset for a privileged container or one that adds
 * CAP_SYS_ADMIN: the API server refuses `allowPrivilegeEscalation: false` next to privileged or
 * `CAP_SYS_ADMIN` (ValidateSecurityContext), and Kubernetes documents escalation as always allowed with either.
 */
function withContainerDefaults(pod: Record<string, unknown>, writable: boolean): Record<string, unknown> {
  const out = { ...pod };
  for (const key of ['initContainers', 'ephemeralContainers']) {
    if (!Array.isArray(out[key])) continue;
    out[key] = (out[key] as any[]).map((c) => {
      const sc = c.securityContext ?? {};
      const added: unknown[] = Array.isArray(sc.capabilities?.add) ? sc.capabilities.add : [];
      const escalates = sc.privileged === true || added.includes('SYS_ADMIN') || added.includes('CAP_SYS_ADMIN');
      return {
        ...c,
        securityContext: {
          ...(escalates ? {} : { allowPrivilegeEscalation: false }),
          privileged: false,
          readOnlyRootFilesystem: !writable,
          ...sc,
          capabilities: { drop: ['ALL'], ...sc.capabilities },
        },
      };
    });
  }
  return out;
}

/** The violations WebApp leaves alone (see checkIsolation). */
const NOT_OPTED: ReadonlySet<Loosening> = new Set(['hostNetwork', 'seccompUnset', 'unsafeSysctls']);

/** The JSON names of the pod spec whose cdk8s-plus names differ. */
const GIVEN_POD_FIELDS: Readonly<Record<string, string>> = { hostPID: 'hostPid', hostIPC: 'hostIpc' };

/**
 * Refuses what makes the pod less isolated than Pod Security restricted (and the read-only root
 * filesystem) without its named opt-out. The rules are the `pod-security` check's (util/pod-security.ts),
 * run over the pod WebApp writes; the app container's own settings pass them by construction.
 */
function checkIsolation(scope: Construct, pod: any, props: WebAppProps): void {
  const optOuts = props.securityOptOuts ?? {};
  // containers[0] is the app container, whose extras come from `container`.
  const field = (f: string) => (f.startsWith('containers[0].') ? `container.${f.slice('containers[0].'.length)}`
    : `podSpec.${f.replace(/^[A-Za-z]+/, (top) => GIVEN_POD_FIELDS[top] ?? top)}`);
  const refuse = (f: string, value: unknown, rule: string, key: keyof WebAppSecurityOptOuts, allow: string, level = LOOSENINGS[key].level) =>
    invalid(scope, field(f), value,
      `${rule} (Pod Security "${level}"): ${LOOSENINGS[key].why}; to allow it, set securityOptOuts: { ${key}: ${allow} }`);
  for (const v of podSecurityViolations(pod, 'restricted')) {
    const key = v.loosening;
    // Not a WebApp opt-out: hostNetwork is refused in validateProps; the pod's seccomp RuntimeDefault covers every container (a
    // container's own Unconfined is unconfinedSeccomp); sysctls are the pod's securityContext, which WebApp writes itself.
    if (NOT_OPTED.has(key)) continue;
    if (key === 'windowsHostProcess') {
      throw invalid(scope, field(v.field), v.value, `${v.rule} (Pod Security "baseline"): a HostProcess container runs on the node, and the API `
        + 'server requires hostNetwork with it, where NetworkPolicies do not apply; run such a workload with cdk8s-plus and Peer.nodes()');
    }
    if (key === 'addCapabilities') {
      const allowed = new Set(['NET_BIND_SERVICE', ...optOuts.addCapabilities ?? []]);
      const extra = (v.value as unknown[]).map(String).filter((c) => !allowed.has(c));
      if (extra.length > 0) {
        const level = extra.every((c) => BASELINE_CAPABILITIES.has(c)) ? 'restricted' : 'baseline';
        const allow = JSON.stringify([...optOuts.addCapabilities ?? [], ...extra]);
        throw refuse(v.field, v.value, `must not add ${extra.join(', ')}`, 'addCapabilities', allow, level);
      }
    } else if (key === 'dropCapabilities') {
      throw invalid(scope, field(v.field), v.value, 'must include ALL, as Pod Security "restricted" requires: add back what the container needs '
        + 'in capabilities.add (and securityOptOuts.addCapabilities)');
    } else if (key === 'allowPrivilegeEscalation' && v.value === undefined) {
      continue; // left unset next to privileged or CAP_SYS_ADMIN (withContainerDefaults), which are judged themselves
    } else if (!optOuts[key as FlagOptOut]) {
      throw refuse(v.field, v.value, v.rule.replace('(or the pod\'s) ', ''), key as FlagOptOut, 'true');
    }
  }
  for (const { container, at } of podContainers(pod)) {
    const sc = container?.securityContext ?? {};
    if (sc.readOnlyRootFilesystem === false && !props.writableRootFilesystem) {
      throw invalid(scope, field(`${at}.securityContext.readOnlyRootFilesystem`), false,
        'must not be false: containers run with a read-only root filesystem; to allow it, set writableRootFilesystem: true');
    }
    if ((sc.runAsUser ?? pod.securityContext?.runAsUser) === 0 && (sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) === true) {
      throw invalid(scope, field(`${at}.securityContext.runAsUser`), 0,
        'cannot start: the pod\'s runAsNonRoot true stops a container that runs as root; set runAsNonRoot: false on the container as well');
    }
  }
}

/** The extra ports and the metrics port: valid, named apart from `http`, numbers not reused. */
function validatePorts(scope: Construct, props: WebAppProps, servicePort: number): WebAppPort[] {
  if (props.ports !== undefined && !Array.isArray(props.ports)) throw invalid(scope, 'ports', props.ports, 'must be a list of { name, port }');
  const all: [string, WebAppPort][] = (props.ports ?? []).map((p, i) => [`ports[${i}]`, p]);
  if (props.metrics) {
    if (props.metrics.scrapedBy === undefined) {
      throw invalid(scope, 'metrics.scrapedBy', undefined, 'must name who scrapes the metrics (a Peer or a WebApp)');
    }
    all.push(['metrics', { name: props.metrics.name ?? 'metrics', port: props.metrics.port }]);
  }
  const names = new Map<string, string>([[MAIN_PORT_NAME, 'containerPort']]);
  const numbers = new Map<string, string>([[`TCP/${props.containerPort}`, 'containerPort']]);
  const servicePorts = new Map<string, string>([[`TCP/${servicePort}`, 'servicePort']]);
  for (const [field, p] of all) {
    check(scope, `${field}.name`, p?.name, ianaSvcName);
    check(scope, `${field}.port`, p.port, portNumber);
    if (p.servicePort !== undefined) check(scope, `${field}.servicePort`, p.servicePort, portNumber);
    const protocol = check(scope, `${field}.protocol`, p.protocol ?? Protocol.TCP, oneOf(Object.values(Protocol)));
    const taken = (map: Map<string, string>, key: string, what: string, value: unknown) => {
      if (map.has(key)) {
        const note = key === MAIN_PORT_NAME ? ' (the main port is named "http")' : '';
        throw invalid(scope, `${field}.${what}`, value, `is already used by ${map.get(key)}${note}`);
      }
      map.set(key, field);
    };
    taken(names, p.name, 'name', p.name);
    taken(numbers, `${protocol}/${p.port}`, 'port', p.port);
    taken(servicePorts, `${protocol}/${p.servicePort ?? p.port}`, p.servicePort !== undefined ? 'servicePort' : 'port', p.servicePort ?? p.port);
  }
  return all.map(([, p]) => ({ ...p }));
}

function validateResources(scope: Construct, r: WebAppResources): void {
  const positive = intInRange(1, 1_000_000, 'a positive whole number');
  for (const field of ['cpuRequestMillis', 'cpuLimitMillis', 'memoryRequestMebibytes', 'memoryLimitMebibytes'] as const) {
    if (r[field] !== undefined) check(scope, `resources.${field}`, r[field]!, positive);
  }
  if (r.cpuLimitMillis !== undefined && r.cpuLimitMillis < (r.cpuRequestMillis ?? 100)) {
    throw invalid(scope, 'resources.cpuLimitMillis', r.cpuLimitMillis, `must not be below the CPU request ${r.cpuRequestMillis ?? 100}`);
  }
  if ((r.memoryLimitMebibytes ?? 256) < (r.memoryRequestMebibytes ?? 128)) {
    throw invalid(scope, 'resources.memoryLimitMebibytes', r.memoryLimitMebibytes ?? 256,
      `must not be below the memory request ${r.memoryRequestMebibytes ?? 128}`);
  }
}
