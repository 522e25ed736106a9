/** Scenario 8 with PowerFlow: the same load as scenario 7, measured against a naive INSERT loop. */
export { run } from './postgresUpsert.js'
