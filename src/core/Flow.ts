import type { Observable } from 'rxjs'
import type { Either } from 'fp-ts/lib/Either.js'
import type { Failure } from './Failure.js'

/**
 * A stream of records of type `A`, each either a `Right` record or a `Left` {@link Failure}.
 *
 * A Flow is a cold rxjs `Observable`: nothing is read until a sink subscribes, and unsubscribing
 * stops reading and releases the source's resources. Operators are functions `Flow<A> → Flow<B>`
 * that work in rxjs `.pipe(...)` and in fp-ts `pipe(source, op1, op2, sink)` alike.
 *
 * @category core
 * @since 0.1.0
 */
export type Flow<A> = Observable<Either<Failure, A>>

/**
 * A function from one Flow to another: what every PowerFlow operator returns.
 *
 * @category core
 * @since 0.1.0
 */
export type Operator<A, B> = (input: Flow<A>) => Flow<B>

/**
 * The type of record a Flow carries.
 *
 * @category core
 * @since 0.1.0
 */
export type RecordOf<F> = F extends Flow<infer A> ? A : never
