import { afterAll, beforeAll, describe, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { startBridge } from '../helpers/bridge.js'
import { expectFixtureValid, expectTfyGolden, tfyFixtures } from '../helpers/truefoundry-golden.js'

// Each demo scenario on the TrueFoundry face equals its fixture, written by hand from the wire digest
// (shared/dialects/truefoundry.md) and the demo script: Surface B, sessions and turns (a session, then turn streams
// framed `id: 1…N` + `data:`, a subscribe replay, a turn record, a turn's events), and Surface A, the agent responses
// stream (data-only frames, `sequence_id`, `previous_response_id` continuations). Every payload — the fixtures' own
// and the live ones — validates against specs/truefoundry-sessions.yaml or specs/truefoundry-responses.yaml.

describe('TrueFoundry golden transcripts of the demo scenarios', () => {
  let bridge: RunningBridge
  beforeAll(async () => {
    bridge = await startBridge()
  })
  afterAll(async () => {
    await bridge.close()
  })

  it.each(tfyFixtures)('fixture is valid for the spec: %s', (name, fixture) => expectFixtureValid(name, fixture))

  it.each(tfyFixtures)('%s', (_name, fixture) => expectTfyGolden(bridge.url, fixture))
})
