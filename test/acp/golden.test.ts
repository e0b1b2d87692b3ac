import { afterAll, beforeAll, describe, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { acpFixtures, expectAcpGolden } from '../helpers/acp.js'
import { startBridge } from '../helpers/bridge.js'

const cases = (['stateless', 'thread'] as const).flatMap((kind) =>
  acpFixtures.map(([name, fixture]) => [kind, name, fixture] as const),
)

// Each scenario, streamed and waited for, stateless and on a thread, equals its hand-checked fixture, and every
// payload validates against specs/acp.yaml. The fixtures hold a `values` snapshot per change
// (`faces.acp.valuesIntervalMs: 0`); at the default cadence a stream is a subsequence of them.
describe('ACP golden transcripts of the demo scenarios', () => {
  let bridge: RunningBridge
  let paced: RunningBridge
  beforeAll(async () => {
    bridge = await startBridge({ faces: { acp: { valuesIntervalMs: 0 } } })
    paced = await startBridge()
  })
  afterAll(async () => {
    await bridge.close()
    await paced.close()
  })

  it.each(cases)('%s, streamed: %s', (kind, _name, fixture) =>
    expectAcpGolden(bridge.url, fixture, 'stream', kind === 'thread', 'per-change'),
  )
  it.each(cases)('%s, streamed at the default values cadence: %s', (kind, _name, fixture) =>
    expectAcpGolden(paced.url, fixture, 'stream', kind === 'thread'),
  )
  it.each(cases)('%s, waited for: %s', (kind, _name, fixture) =>
    expectAcpGolden(bridge.url, fixture, 'wait', kind === 'thread'),
  )
})
