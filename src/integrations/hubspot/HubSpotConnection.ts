import type { Client } from '@hubspot/api-client'

/**
 * A HubSpot app as PowerFlow talks to it: the `@hubspot/api-client` `Client`, and the rate
 * limiters and retry settings every source and sink on this connection share. Made by
 * {@link hubspot}; pass it to {@link fromHubSpot} and {@link toHubSpot}.
 *
 * @category integrations
 * @since 0.2.0
 */
export class HubSpotConnection {
  /** @internal */
  constructor(
    /** The client the calls go through (your own, or one made from the token). */
    readonly client: Client,
  ) {}
}
