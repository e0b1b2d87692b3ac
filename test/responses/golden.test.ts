import { afterAll, beforeAll, describe, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { startBridge } from '../helpers/bridge.js'
import { expectResponsesGolden, fixtures } from '../helpers/golden.js'

// Each scenario's transcript equals its hand-checked fixture, and every event validates against specs/responses.yaml.
describe('Responses golden transcripts of the demo scenarios', () => {
  let bridge: RunningBridge
  beforeAll(async () => {
    bridge = await startBridge()
  })
  afterAll(() => bridge.close())

  it.each(fixtures)('%s', (_name, fixture) => expectResponsesGolden(bridge.url, fixture))
})
