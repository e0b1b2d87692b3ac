import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { a2aFixtures, BINDINGS, expected, playA2A } from '../helpers/a2a.js'
import { startBridge } from '../helpers/bridge.js'
import { specValidator } from '../helpers/contract.js'

const spec = specValidator('a2a')
const cases = BINDINGS.flatMap((binding) => a2aFixtures.map(([name, fixture]) => [binding, name, fixture] as const))

describe('A2A golden transcripts of the demo scenarios', () => {
  let bridge: RunningBridge
  beforeAll(async () => {
    bridge = await startBridge()
  })
  afterAll(() => bridge.close())

  it.each(cases)('%s: %s', async (binding, _name, fixture) => {
    const { normalised } = await playA2A(`${bridge.url}/a2a/demo`, fixture, binding)
    expect(normalised).toEqual(expected(fixture, binding))
  })

  it.each(cases)('%s: %s — every event validates against specs/a2a.yaml', async (binding, _name, fixture) => {
    const schema = binding === 'jsonrpc-v03' ? 'V03StreamEvent' : 'StreamResponse'
    for (const transcript of (await playA2A(`${bridge.url}/a2a/demo`, fixture, binding)).raw) {
      for (const event of transcript) expect(spec.errors(schema, event)).toBe('')
    }
  })
})
