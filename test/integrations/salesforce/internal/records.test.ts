import { describe, expect, it } from 'vitest'
import { withoutAttributes } from '../../../../src/integrations/salesforce/internal/records.js'

describe('withoutAttributes', () => {
  it('drops attributes from the record, its related records and its subquery records', () => {
    const attributes = { type: 'Account', url: '/services/data/v65.0/sobjects/Account/001' }
    expect(
      withoutAttributes({
        attributes,
        Id: '001',
        Owner: { attributes: { type: 'User' }, Email: 'ada@example.com' },
        Contacts: {
          totalSize: 1,
          done: true,
          records: [{ attributes: { type: 'Contact' }, Id: '003' }],
        },
        Billing: null,
        Tags: ['a'],
      }),
    ).toEqual({
      Id: '001',
      Owner: { Email: 'ada@example.com' },
      Contacts: { totalSize: 1, done: true, records: [{ Id: '003' }] },
      Billing: null,
      Tags: ['a'],
    })
  })
})
