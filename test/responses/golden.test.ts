import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { startBridge } from '../helpers/bridge.js'
import { specValidator } from '../helpers/contract.js'
import { fixtures, play } from '../helpers/golden.js'

const spec = specValidator('responses')

describe('Responses golden transcripts of the demo scenarios', () => {
  let bridge: RunningBridge
  beforeAll(async () => {
    bridge = await startBridge()
  })
  afterAll(() => bridge.close())

  it.each(fixtures)('%s', async (_name, fixture) => {
    const transcripts = await play(bridge.url, fixture)
    transcripts.forEach((got, i) => expect(got).toEqual(fixture.turns[i]?.stream))
  })

  it.each(fixtures)('%s: every event validates against specs/responses.yaml', async (_name, fixture) => {
    for (const transcript of await play(bridge.url, fixture)) {
      for (const event of transcript) {
        if (event === '[DONE]') continue
        expect(spec.errors('ResponseStreamEvent', event)).toBe('')
      }
    }
  })
})
