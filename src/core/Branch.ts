import type { Sink } from './Sink.js'

/**
 * One branch of {@link fanOut}, {@link route} or {@link partition}: a sink (`toCsv('won.csv')`), or
 * a function from the branch's flow to a sink's promise, so a branch carries its own operators
 * (`(flow) => pipe(flow, filter(isBig), toWebhook(url))`). The sink it calls joins the run as a
 * branch: it does not start a run of its own, and the run's failure policy applies to it.
 *
 * @category core
 * @since 0.2.0
 */
export type Branch<A> = Sink<A>
