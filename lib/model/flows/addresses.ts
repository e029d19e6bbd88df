import type { AddressUse, ServiceAddress } from '../../checks/declared';

/**
 * The addresses the app's WebApps expose (`url`, `dnsName`) and the values (env) that may use them,
 * checked at synth for a flow from user to address.
 * @internal
 */
export class AddressBook {
  public readonly addresses: ServiceAddress[] = [];
  public readonly uses: AddressUse[] = [];
}
