// The worker in workerd gives the same golden transcripts as the Node bridge, on every face.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { a2aFixtures, BINDINGS, expected, playA2A } from '../helpers/a2a.js'
import { acpFixtures, expectedWait, playAcp } from '../helpers/acp.js'
import { specValidator } from '../helpers/contract.js'
import { fixtures, play } from '../helpers/golden.js'
import type { RunningWorker } from '../helpers/worker.js'
import { FAST_DEMO, startWorker } from '../helpers/worker.js'

let worker: RunningWorker
beforeAll(async () => {
  worker = await startWorker({ BRIDGE_CONFIG: FAST_DEMO })
}, 60_000)
afterAll(() => worker?.close())

describe('worker: Responses golden transcripts', () => {
  const spec = specValidator('responses')
  it.each(fixtures)('%s', async (_name, fixture) => {
    const transcripts = await play(worker.url, fixture)
    transcripts.forEach((got, i) => expect(got).toEqual(fixture.turns[i]?.stream))
    for (const event of transcripts.flat()) if (event !== '[DONE]') expect(spec.errors('ResponseStreamEvent', event)).toBe('')
  })
})

describe('worker: A2A golden transcripts', () => {
  const spec = specValidator('a2a')
  const cases = BINDINGS.flatMap((binding) => a2aFixtures.map(([name, fixture]) => [binding, name, fixture] as const))
  it.each(cases)('%s: %s', async (binding, _name, fixture) => {
    const { normalised, raw } = await playA2A(`${worker.url}/a2a/demo`, fixture, binding)
    expect(normalised).toEqual(expected(fixture, binding))
    const schema = binding === 'jsonrpc-v03' ? 'V03StreamEvent' : 'StreamResponse'
    for (const event of raw.flat()) expect(spec.errors(schema, event)).toBe('')
  })
})

describe('worker: ACP golden transcripts', () => {
  const spec = specValidator('acp')
  const cases = (['stateless', 'thread'] as const).flatMap((kind) => acpFixtures.map(([name, fixture]) => [kind, name, fixture] as const))
  it.each(cases)('%s, streamed: %s', async (kind, _name, fixture) => {
    const { raw, normalised } = await playAcp(worker.url, fixture, 'stream', kind === 'thread')
    expect(normalised).toEqual(fixture.turns.map((t) => t.stream))
    for (const events of raw as { data: unknown }[][]) for (const e of events) expect(spec.errors('RunOutputStreamData', e.data)).toBe('')
  })
  it.each(cases)('%s, waited for: %s', async (kind, _name, fixture) => {
    const { raw, normalised } = await playAcp(worker.url, fixture, 'wait', kind === 'thread')
    expect(normalised).toEqual(fixture.turns.map((_, i) => expectedWait(fixture, i, kind === 'thread')))
    const schema = kind === 'thread' ? 'RunWaitResponseStateful' : 'RunWaitResponseStateless'
    for (const body of raw) expect(spec.errors(schema, body)).toBe('')
  })
})
