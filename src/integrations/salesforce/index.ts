/**
 * `powerflow-etl/salesforce`: read and write Salesforce with the REST, sObject Collections and
 * Bulk API 2.0 APIs over jsforce 3.10 (an optional peer dependency, loaded only from here).
 *
 * @packageDocumentation
 */
export { salesforce, type SalesforceOptions } from './salesforce.js'
export { SalesforceConnection } from './SalesforceConnection.js'
export {
  fromSalesforce,
  type FromSalesforceOptions,
  type SalesforceQuery,
  type SalesforceRecord,
} from './fromSalesforce.js'
export { toSalesforce, type ToSalesforceOptions } from './toSalesforce.js'
export type { SalesforceReport } from './SalesforceReport.js'
