import { readdirSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { startBridge } from '../helpers/bridge.js'
import { specValidator } from '../helpers/contract.js'
import { IdNormaliser } from '../helpers/normalise.js'
import { payloads, postJson, readAll } from '../helpers/sse.js'

export interface Fixture {
  description: string
  turns: { request: Record<string, unknown>; stream: unknown[] }[]
}

const dir = new URL('../fixtures/responses/', import.meta.url)
export const fixtures: [string, Fixture][] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Fixture])

const spec = specValidator('responses')

/** Plays a fixture's turns against a bridge and returns the normalised transcript of each turn. */
export async function play(baseUrl: string, fixture: Fixture): Promise<unknown[][]> {
  const ids = new IdNormaliser()
  const transcripts: unknown[][] = []
  for (const turn of fixture.turns) {
    const res = await postJson(`${baseUrl}/v1/responses`, ids.restore(turn.request))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const events = await readAll(res)
    for (const e of events) {
      if (e.data === '[DONE]') continue
      // The SSE event name always equals the JSON type (digest §6.1).
      expect(e.event).toBe(JSON.parse(e.data).type)
    }
    transcripts.push(ids.normalise(payloads(events)))
  }
  return transcripts
}

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
