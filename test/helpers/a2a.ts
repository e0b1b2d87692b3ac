import { readdirSync, readFileSync } from 'node:fs'
import { expect } from 'vitest'
import { specValidator } from './contract.js'
import { IdNormaliser } from './normalise.js'
import { readAll } from './sse.js'

export interface A2AFixture {
  description: string
  turns: { request: unknown; request03: unknown; stream: unknown[]; stream03: unknown[] }[]
}

const dir = new URL('../fixtures/a2a/', import.meta.url)
export const a2aFixtures: [string, A2AFixture][] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as A2AFixture])

export type Binding = 'jsonrpc-v1' | 'rest-v1' | 'jsonrpc-v03'
export const BINDINGS: Binding[] = ['jsonrpc-v1', 'rest-v1', 'jsonrpc-v03']

/** Streams one request in a binding; returns the events (JSON-RPC envelopes checked and removed). */
export async function streamA2A(agentUrl: string, binding: Binding, params: unknown): Promise<unknown[]> {
  const res =
    binding === 'rest-v1'
      ? await fetch(`${agentUrl}/message:stream`, {
          method: 'POST',
          headers: { 'content-type': 'application/a2a+json', 'a2a-version': '1.0' },
          body: JSON.stringify(params),
        })
      : await fetch(agentUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(binding === 'jsonrpc-v1' ? { 'a2a-version': '1.0' } : {}),
          },
          body: JSON.stringify({
            jsonrpc: '2.0',
            id: 7,
            method: binding === 'jsonrpc-v1' ? 'SendStreamingMessage' : 'message/stream',
            params,
          }),
        })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
  const events = await readAll(res)
  return events.map((e) => {
    expect(e.event).toBeUndefined()
    const data = JSON.parse(e.data) as { jsonrpc?: string; id?: unknown; result?: unknown }
    if (binding === 'rest-v1') return data
    expect(data.jsonrpc).toBe('2.0')
    expect(data.id).toBe(7)
    return data.result
  })
}

/** Plays a fixture's turns in one binding; returns each turn's transcript, raw and normalised. */
export async function playA2A(
  agentUrl: string,
  fixture: A2AFixture,
  binding: Binding,
): Promise<{ raw: unknown[][]; normalised: unknown[][] }> {
  const ids = new IdNormaliser()
  const raw: unknown[][] = []
  const normalised: unknown[][] = []
  for (const turn of fixture.turns) {
    const params = ids.restore(binding === 'jsonrpc-v03' ? turn.request03 : turn.request)
    const events = await streamA2A(agentUrl, binding, params)
    raw.push(events)
    normalised.push(ids.normalise(events))
  }
  return { raw, normalised }
}

export const expected = (fixture: A2AFixture, binding: Binding) =>
  fixture.turns.map((t) => (binding === 'jsonrpc-v03' ? t.stream03 : t.stream))

/** The fixture over one binding equals its transcripts; every event validates against the spec (v0.3 shapes for v0.3). */
export async function expectA2AGolden(agentUrl: string, fixture: A2AFixture, binding: Binding): Promise<void> {
  const spec = specValidator('a2a')
  const { normalised, raw } = await playA2A(agentUrl, fixture, binding)
  expect(normalised).toEqual(expected(fixture, binding))
  const schema = binding === 'jsonrpc-v03' ? 'V03StreamEvent' : 'StreamResponse'
  for (const event of raw.flat()) expect(spec.errors(schema, event)).toBe('')
}
