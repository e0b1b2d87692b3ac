import { afterAll, beforeAll, describe, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { a2aFixtures, BINDINGS, expectA2AGolden } from '../helpers/a2a.js'
import { startBridge } from '../helpers/bridge.js'

const cases = BINDINGS.flatMap((binding) => a2aFixtures.map(([name, fixture]) => [binding, name, fixture] as const))

// Each scenario over each binding equals its hand-checked fixture, and every event validates against specs/a2a.yaml.
describe('A2A golden transcripts of the demo scenarios', () => {
  let bridge: RunningBridge
  beforeAll(async () => {
    bridge = await startBridge()
  })
  afterAll(() => bridge.close())

  it.each(cases)('%s: %s', (binding, _name, fixture) => expectA2AGolden(`${bridge.url}/a2a/demo`, fixture, binding))
})
