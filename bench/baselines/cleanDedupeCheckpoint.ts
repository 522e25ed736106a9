/** Scenario 16's baseline: scenario 2 with PowerFlow, without checkpoints. */
export { run } from '../scenarios/cleanDedupe.js'
