import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { startBridge } from '../helpers/bridge.js'
import { fixtures, play } from '../helpers/golden.js'

// The Responses client and the Responses face are each other's inverse: a bridge whose agent is an upstream
// Responses endpoint (another bridge's demo face) must produce the very transcripts the demo produces directly.
describe('chain: Responses client → Responses face', () => {
  let upstream: RunningBridge
  let bridge: RunningBridge
  beforeAll(async () => {
    upstream = await startBridge()
    bridge = await startBridge({ agents: [{ id: 'demo', dialect: 'responses', url: `${upstream.url}/v1` }] })
  })
  afterAll(async () => {
    await bridge.close()
    await upstream.close()
  })

  it.each(fixtures)('%s', async (_name, fixture) => {
    const transcripts = await play(bridge.url, fixture)
    transcripts.forEach((got, i) => expect(got).toEqual(fixture.turns[i]?.stream))
  })
})
