import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { demoAgent, startBridge } from '../helpers/bridge.js'
import { specValidator } from '../helpers/contract.js'
import { fixtures } from '../helpers/golden.js'
import { IdNormaliser } from '../helpers/normalise.js'
import { payloads, postJson, readAll } from '../helpers/sse.js'

const spec = specValidator('responses')

// Every JSON body the face sends validates against our spec; the golden tests cover the stream events.
describe('contract: Responses objects the face emits', () => {
  let bridge: RunningBridge
  const url = (path: string) => `${bridge.url}/v1${path}`
  beforeAll(async () => {
    bridge = await startBridge({ agents: [demoAgent(0), demoAgent(5, 'slow')] })
  })
  afterAll(() => bridge.close())

  it('the validator rejects what breaks the spec (so the checks below can fail)', () => {
    expect(
      spec.errors('ResponseStreamEvent', {
        type: 'response.output_text.delta',
        item_id: 'x',
        output_index: 0,
        delta: 'a',
      }),
    ).not.toBe('')
    expect(spec.errors('Response', { id: 'x', object: 'response' })).not.toBe('')
    expect(spec.errors('ErrorResponse', { error: { message: 'x' } })).not.toBe('')
  })

  it.each(fixtures)('%s: non-streamed Responses, and the same objects retrieved', async (_name, fixture) => {
    const ids = new IdNormaliser()
    for (const turn of fixture.turns) {
      const res = await postJson(url('/responses'), ids.restore({ ...turn.request, stream: false }))
      expect(res.status).toBe(200)
      const body = (await res.json()) as { id: string }
      ids.normalise(body)
      expect(spec.errors('Response', body)).toBe('')
      const got = await (await fetch(url(`/responses/${body.id}`))).json()
      expect(spec.errors('Response', got)).toBe('')
      expect(got).toEqual(body)
    }
  })

  it('background create (queued), cancel (cancelled), delete and models', async () => {
    const created = (await (
      await postJson(url('/responses'), { model: 'slow', input: 'count to 300', background: true })
    ).json()) as { id: string; status: string }
    expect(created.status).toBe('queued')
    expect(spec.errors('Response', created)).toBe('')
    const cancelled = await (await fetch(url(`/responses/${created.id}/cancel`), { method: 'POST' })).json()
    expect(spec.errors('Response', cancelled)).toBe('')
    expect(cancelled).toMatchObject({ status: 'cancelled' })
    const deleted = await (await fetch(url(`/responses/${created.id}`), { method: 'DELETE' })).json()
    expect(spec.errors('DeleteResponseResult', deleted)).toBe('')
    expect(spec.errors('ListModelsResponse', await (await fetch(url('/models'))).json())).toBe('')
    expect(spec.errors('Model', await (await fetch(url('/models/demo'))).json())).toBe('')
  })

  it('a re-streamed background response validates event by event, queued first', async () => {
    const created = (await (
      await postJson(url('/responses'), { model: 'demo', input: 'hello', background: true })
    ).json()) as { id: string }
    const events = payloads(await readAll(await fetch(url(`/responses/${created.id}?stream=true`))))
    expect((events[1] as { type: string }).type).toBe('response.queued')
    for (const event of events) if (event !== '[DONE]') expect(spec.errors('ResponseStreamEvent', event)).toBe('')
  })

  it('an error event mid-stream validates and ends the stream', async () => {
    // A bridge whose log keeps 5 events: resuming from the start of a long run is too far behind.
    const small = await startBridge({
      agents: [demoAgent(0)],
      store: new (await import('../../src/store/index.js')).MemoryRunStore({ maxEventsPerRun: 5 }),
    })
    try {
      const created = (await (
        await postJson(`${small.url}/v1/responses`, { model: 'demo', input: 'count to 40', background: true })
      ).json()) as { id: string }
      await new Promise((r) => setTimeout(r, 100))
      const events = payloads(await readAll(await fetch(`${small.url}/v1/responses/${created.id}?stream=true`)))
      const error = events.find((e) => (e as { type?: string }).type === 'error')
      expect(error).toMatchObject({ type: 'error', code: 'too_far_behind' })
      expect(spec.errors('ResponseStreamEvent', error)).toBe('')
    } finally {
      await small.close()
    }
  })
})
