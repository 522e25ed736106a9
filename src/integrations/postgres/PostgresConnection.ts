import type { ClientConfig, Pool } from 'pg'

/**
 * Where {@link fromPostgres} and {@link toPostgres} connect: a connection string
 * (`postgres://user@host:5432/db`), a node-postgres client configuration, or a `pg.Pool` to
 * borrow a client from (returned when the stage is done; the pool stays yours to end).
 *
 * A source or sink given a string or a configuration opens its own connection and closes it when
 * the run ends, however it ends. Passwords never appear in messages, failures or reports.
 *
 * @category integrations
 * @since 0.2.0
 */
export type PostgresConnection = string | ClientConfig | Pool
