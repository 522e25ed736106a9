/**
 * Loads the NATS client on first use, so that `powerflow-etl/distributed` works without it
 * (`splitFile`, `runTasks`) and only `coordinate` and `work` need the optional peer dependencies.
 *
 * @internal
 * @packageDocumentation
 */
import type * as JetStream from '@nats-io/jetstream'
import type * as Transport from '@nats-io/transport-node'

/** The two modules of the NATS client. @internal */
export interface NatsClient {
  readonly jetstream: typeof JetStream
  readonly transport: typeof Transport
}

/** @internal */
export async function loadNatsClient(who: string): Promise<NatsClient> {
  try {
    const [jetstream, transport] = await Promise.all([
      import('@nats-io/jetstream'),
      import('@nats-io/transport-node'),
    ])
    return { jetstream, transport }
  } catch (error) {
    throw new Error(
      `${who} needs the NATS client: npm install @nats-io/jetstream @nats-io/transport-node`,
      { cause: error },
    )
  }
}
