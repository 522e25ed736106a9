/** Scenario 11 with PowerFlow: the same load as scenario 10, measured against a naive INSERT loop. */
export { run } from './postgresUpsert.js'
