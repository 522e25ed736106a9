import { describe, expect, it } from 'vitest'
import {
  parseBulkError,
  rejected,
} from '../../../../src/integrations/salesforce/internal/recordErrors.js'

describe('parseBulkError', () => {
  it("reads Bulk's CODE:message:fields -- cells, messages with colons included", () => {
    expect(
      parseBulkError('REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --'),
    ).toEqual({
      statusCode: 'REQUIRED_FIELD_MISSING',
      message: 'Required fields are missing: [Name]',
      fields: ['Name'],
    })
    expect(parseBulkError('DUPLICATE_VALUE:duplicate value found: <unknown>:-- ')).toEqual({
      statusCode: 'DUPLICATE_VALUE',
      message: 'duplicate value found: <unknown>',
      fields: [],
    })
    expect(parseBulkError('something odd')).toEqual({
      statusCode: 'UNKNOWN_EXCEPTION',
      message: 'something odd',
      fields: [],
    })
  })
})

describe('rejected', () => {
  it('names the record by its Id, else by its row, and keeps the code, message and fields', () => {
    const error = {
      statusCode: 'INVALID_EMAIL_ADDRESS',
      message: 'Email: invalid email address',
      fields: ['Email'],
    }
    expect(rejected('toSalesforce Contact', { Id: '003A', Email: 'x' }, 4, error).message).toBe(
      'toSalesforce Contact record 003A: Salesforce rejected the record: INVALID_EMAIL_ADDRESS: Email: invalid email address (fields: Email)',
    )
    const byRow = rejected('toSalesforce Contact', { Email: 'x' }, 4, error)
    expect(byRow.location).toEqual({ row: 4 })
    expect(byRow.details).toEqual({
      errorCode: 'INVALID_EMAIL_ADDRESS',
      message: 'Email: invalid email address',
      fields: ['Email'],
    })
  })
})
