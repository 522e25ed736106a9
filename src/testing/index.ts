/**
 * `powerflow-etl/testing`: helpers for users who test their own operators — law checkers, arbitraries,
 * a marble-test helper and a never-rejecting runner. fast-check and vitest are optional peer
 * dependencies of this entry point only; the main entry point never loads them.
 *
 * @packageDocumentation
 * @module powerflow-etl/testing
 */
export { runToArray, type RunResult } from './runToArray.js'
export { expectOperatorLaws, type OperatorLawsOptions } from './expectOperatorLaws.js'
export { codecArbitrary, type CodecArbitraryOptions } from './codecArbitrary.js'
export { csvHostileString, type CsvHostileStringOptions } from './csvHostileString.js'
export { flowArbitrary, type FlowArbitraryOptions } from './flowArbitrary.js'
export { fromEithers, type FromEithersOptions } from './fromEithers.js'
export { testScheduler, rightValues, leftValues } from './testScheduler.js'
