import type { IConstruct } from 'constructs';
import { check, ianaSvcName, invalid, oneOf, portNumber } from './util/validation';

/** Transport protocols a NetworkPolicy rule can name. */
export enum Protocol {
  TCP = 'TCP',
  UDP = 'UDP',
  SCTP = 'SCTP',
}

/**
 * The port (or port range, or named port) an allow rule opens.
 *
 * Values are checked when a construct uses them, so the error names that construct's path.
 */
export class Port {
  /** One TCP port. */
  public static tcp(port: number): Port {
    return new Port(Protocol.TCP, port);
  }

  /** One UDP port. */
  public static udp(port: number): Port {
    return new Port(Protocol.UDP, port);
  }

  /** One SCTP port. */
  public static sctp(port: number): Port {
    return new Port(Protocol.SCTP, port);
  }

  /** A TCP port range, both ends included (rendered with `endPort`). */
  public static tcpRange(startPort: number, endPort: number): Port {
    return new Port(Protocol.TCP, startPort, endPort);
  }

  /** A UDP port range, both ends included (rendered with `endPort`). */
  public static udpRange(startPort: number, endPort: number): Port {
    return new Port(Protocol.UDP, startPort, endPort);
  }

  /**
   * A named container port of the destination pods (an IANA service name such as `http`). The
   * ingress policy names it; towards a zero-trust namespace (whose every pod the app defines) the
   * egress policy names its number when every pod the flow reaches declares the name with the same
   * number (not every CNI resolves named ports in egress rules), and the name otherwise (other
   * namespaces, where pods outside the app may match, or pods that disagree). Only pods have
   * named ports: towards addresses (`Peer.cidr()`, `Peer.internet()`, an `ExternalService`) give
   * the number, or synth fails.
   * @param protocol @default Protocol.TCP
   */
  public static named(name: string, protocol: Protocol = Protocol.TCP): Port {
    return new Port(protocol, name);
  }

  private constructor(
    /** The protocol. */
    public readonly protocol: Protocol,
    /** The port number, or the container port's name for `Port.named()` (the first port of a range). */
    public readonly number: number | string,
    /** The last port of a range. @default - a single port */
    public readonly endPort?: number,
  ) {}

  /** A stable text form: `TCP/3000`, `UDP/53`, `TCP/8000-8080`, `TCP/http`. */
  public toString(): string {
    return `${this.protocol}/${this.number}${this.endPort !== undefined ? `-${this.endPort}` : ''}`;
  }

  /** Whether this is a named port. */
  public get isNamed(): boolean {
    return typeof this.number === 'string';
  }

  /** @internal Checks the port against the API server's rules, naming `scope` and `field` on failure. */
  public _validate(scope: IConstruct, field: string): void {
    // `Port.named()` takes the protocol as an argument: from JavaScript, "udp" or "HTTP" would reach the policy.
    check(scope, `${field} protocol`, this.protocol, oneOf(Object.values(Protocol)));
    if (typeof this.number === 'string') {
      check(scope, field, this.number, ianaSvcName);
      return;
    }
    check(scope, field, this.number, portNumber);
    if (this.endPort !== undefined) {
      check(scope, `${field} end`, this.endPort, portNumber);
      if (this.endPort < this.number) {
        throw invalid(scope, field, this.toString(), `the range end ${this.endPort} must not be below its start ${this.number}`);
      }
    }
  }

  /** @internal The NetworkPolicyPort; TCP, the API default, is left implicit as in the seed. */
  public _toKube(): { protocol?: string; port: number | string; endPort?: number } {
    return {
      ...(this.protocol !== Protocol.TCP ? { protocol: this.protocol } : {}),
      port: this.number,
      ...(this.endPort !== undefined && this.endPort !== this.number ? { endPort: this.endPort } : {}),
    };
  }
}

/**
 * @internal Checks ports a user handed over: a list of `Port`s (not numbers, not a nested list),
 * each valid. `field` names the list (`allowTo ports`); an entry is named with its index.
 */
export function validatePorts(scope: IConstruct, field: string, ports: unknown): Port[] {
  if (!Array.isArray(ports)) throw invalid(scope, field, ports, 'must be a list of Ports, e.g. [Port.tcp(443)]');
  ports.forEach((p, i) => {
    if (typeof (p as Port | undefined)?._validate !== 'function') {
      throw invalid(scope, `${field}[${i}]`, p, 'must be a Port such as Port.tcp(443), Port.udpRange(5000, 5010) or Port.named("http")');
    }
    (p as Port)._validate(scope, `${field}[${i}]`);
  });
  return ports as Port[];
}

/** Sorts and de-duplicates ports by their text form, so output does not depend on call order. */
export function uniquePorts(ports: readonly Port[]): Port[] {
  const byKey = new Map<string, Port>();
  for (const p of ports) byKey.set(p.toString(), p);
  return [...byKey.keys()].sort().map((k) => byKey.get(k)!);
}
