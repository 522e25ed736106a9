import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { postgresStateStore } from '../../../src/integrations/postgres/postgresStateStore.js'
import { createSchema, POSTGRES_URL, type TestSchema } from '../../support/postgres.js'
import { stateStoreContract } from '../../support/stateStoreContract.js'

let schema: TestSchema
beforeEach(async () => {
  schema = await createSchema('state')
})
afterEach(async () => {
  await schema.drop()
})

describe('postgresStateStore', () => {
  stateStoreContract(() => postgresStateStore(POSTGRES_URL, { table: schema.table('state') }))

  it('keeps the state of many pipelines in one table, read back by another store', async () => {
    await postgresStateStore(POSTGRES_URL, { table: schema.table('state') }).put('deals', {
      since: 1,
    })
    const again = postgresStateStore(POSTGRES_URL, { table: schema.table('state') })
    await again.put('contacts', { since: 2 })
    expect(await again.list()).toEqual(['contacts', 'deals'])
    expect(await again.get('deals')).toEqual({ since: 1 })
  })

  it('rejects a value that is not JSON, naming the table and the key', async () => {
    const store = postgresStateStore(POSTGRES_URL, { table: schema.table('state') })
    await store.put('deals', 1)
    await schema.client.query(`UPDATE ${schema.table('state')} SET value = '{oops'`)
    await expect(store.get('deals')).rejects.toThrow(
      `postgresStateStore ${schema.table('state')}: cannot read "deals": the value is corrupt`,
    )
  })

  it('never shows the password of the connection', async () => {
    const store = postgresStateStore('postgres://postgres:s3cret-pw@127.0.0.1:1/test', {
      table: schema.table('state'),
    })
    const error = await store.get('deals').catch((caught: unknown) => caught as Error)
    expect(error).toBeInstanceOf(Error)
    expect(String((error as Error).message)).not.toContain('s3cret-pw')
  })
})
