import { readdirSync, readFileSync } from 'node:fs'
import { expect } from 'vitest'
import { specValidator } from './contract.js'
import { IdNormaliser } from './normalise.js'
import { payloads, postJson, readAll } from './sse.js'

export interface Fixture {
  description: string
  turns: { request: Record<string, unknown>; stream: unknown[] }[]
}

const dir = new URL('../fixtures/responses/', import.meta.url)
export const fixtures: [string, Fixture][] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Fixture])

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

/** The fixture's turns, played against `baseUrl`, equal its transcripts; every event validates against the spec. */
export async function expectResponsesGolden(baseUrl: string, fixture: Fixture): Promise<void> {
  const spec = specValidator('responses')
  const transcripts = await play(baseUrl, fixture)
  transcripts.forEach((got, i) => expect(got).toEqual(fixture.turns[i]?.stream))
  for (const event of transcripts.flat())
    if (event !== '[DONE]') expect(spec.errors('ResponseStreamEvent', event)).toBe('')
}
