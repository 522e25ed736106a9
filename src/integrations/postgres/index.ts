/**
 * `powerflow-etl/postgres`: PostgreSQL sources and sinks over node-postgres — rows streamed
 * through a server-side cursor, loads through `COPY` into staging and one transaction per round.
 * `pg`, `pg-copy-streams` and `pg-cursor` are optional peer dependencies, loaded only here.
 *
 * @packageDocumentation
 * @module powerflow-etl/postgres
 */
export { fromPostgres, type FromPostgresOptions } from './fromPostgres.js'
export { toPostgres, type ToPostgresOptions } from './toPostgres.js'
export type { PostgresConnection } from './PostgresConnection.js'
export { postgresStateStore, type PostgresStateStoreOptions } from './postgresStateStore.js'
