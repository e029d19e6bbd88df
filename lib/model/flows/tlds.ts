import { domainToASCII } from 'url';

let domains: ReadonlySet<string> | undefined;

/**
 * Whether a DNS label is a top-level domain of the DNS root zone (IDN ones in their ASCII `xn--`
 * form, as a DNS name in a policy spells them). The list is the `tlds` package's, taken from
 * IANA's root zone list; read on first use. @internal
 */
export function isTopLevelDomain(label: string): boolean {
  if (!domains) domains = new Set((require('tlds') as string[]).map((t) => domainToASCII(t)));
  return domains.has(label.toLowerCase());
}
