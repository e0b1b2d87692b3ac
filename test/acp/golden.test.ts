import { afterAll, beforeAll, describe, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { acpFixtures, expectAcpGolden } from '../helpers/acp.js'
import { startBridge } from '../helpers/bridge.js'

const cases = (['stateless', 'thread'] as const).flatMap((kind) =>
  acpFixtures.map(([name, fixture]) => [kind, name, fixture] as const),
)

// Each scenario, streamed and waited for, stateless and on a thread, equals its hand-checked fixture, and every
// payload validates against specs/acp.yaml.
describe('ACP golden transcripts of the demo scenarios', () => {
  let bridge: RunningBridge
  beforeAll(async () => {
    bridge = await startBridge()
  })
  afterAll(() => bridge.close())

  it.each(cases)('%s, streamed: %s', (kind, _name, fixture) =>
    expectAcpGolden(bridge.url, fixture, 'stream', kind === 'thread'),
  )
  it.each(cases)('%s, waited for: %s', (kind, _name, fixture) =>
    expectAcpGolden(bridge.url, fixture, 'wait', kind === 'thread'),
  )
})
