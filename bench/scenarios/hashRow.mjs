// Scenario 12's CPU-heavy map, shared by both sides: SHA-256 of the row, 50 times over.
import { createHash } from 'node:crypto'

export default function hashRow(row) {
  let digest = JSON.stringify(row)
  for (let round = 0; round < 50; round++) digest = createHash('sha256').update(digest).digest('hex')
  return { id: row.id, digest }
}
