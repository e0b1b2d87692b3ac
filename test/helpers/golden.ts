import { readdirSync, readFileSync } from 'node:fs'
import { expect } from 'vitest'
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

