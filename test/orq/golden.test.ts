import { afterAll, beforeAll, describe, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { startBridge } from '../helpers/bridge.js'
import { expectFixtureValid, expectOrqGolden, orqFixtures } from '../helpers/orq-golden.js'

// Each demo scenario on the Orq face (stream-task, a blocking task, /responses as JSON and as SSE) equals its
// hand-checked fixture, and every payload — the fixtures' own and the live ones — validates against specs/orq.yaml
// and against the official SDK's zod schemas (@orq-ai/node). The fixtures hold one thought per boundary: the exact
// transcripts come from a bridge whose thought cadence never fires (`faces.orq.valuesIntervalMs`), and the face's
// default cadence gives the same once any mid-message thought a stalled machine might take is left out.
describe('Orq golden transcripts of the demo scenarios', () => {
  let bridge: RunningBridge
  let paced: RunningBridge
  beforeAll(async () => {
    bridge = await startBridge({ faces: { orq: { valuesIntervalMs: 60_000 } } })
    paced = await startBridge()
  })
  afterAll(async () => {
    await bridge.close()
    await paced.close()
  })

  it.each(orqFixtures)('fixture is valid for the spec and the SDK: %s', (name, fixture) =>
    expectFixtureValid(name, fixture),
  )
  it.each(orqFixtures)('%s', (_name, fixture) => expectOrqGolden(bridge.url, fixture))
  it.each(orqFixtures)('at the default thought cadence: %s', (_name, fixture) =>
    expectOrqGolden(paced.url, fixture, 'default'),
  )
})
