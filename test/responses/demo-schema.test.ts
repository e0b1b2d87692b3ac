import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { demoAgent, startBridge } from '../helpers/bridge.js'
import { specValidator } from '../helpers/contract.js'
import { payloads, postJson, readAll } from '../helpers/sse.js'
import type { Captured } from './demo-capture.js'
import { capture, captureBackground, scenarios, VARIANTS } from './demo-capture.js'

const spec = specValidator('responses')

/** Every event and Response of a capture that breaks the spec, with why; empty when all validate. */
function problems(run: Captured): string[] {
  const out: string[] = []
  for (const event of run.events) {
    const errors = spec.errors('ResponseStreamEvent', event)
    if (errors) out.push(`${run.label} ${(event as { type: string }).type}: ${errors}`)
  }
  for (const response of run.responses) {
    const errors = spec.errors('Response', response)
    if (errors) out.push(`${run.label} Response: ${errors}`)
  }
  return out
}

// specs/responses.yaml requires every field OpenAI's schema requires on what the face emits, so this holds the face
// to OpenAI's Response and ResponseStreamEvent for every demo scenario, streamed and not, bare and fully configured.
describe('Responses face: every demo scenario validates against specs/responses.yaml', () => {
  let bridge: RunningBridge
  beforeAll(async () => {
    bridge = await startBridge({ agents: [demoAgent(0), demoAgent(5, 'slow')] })
  })
  afterAll(() => bridge.close())

  it('the spec refuses what OpenAI requires and we could leave out (so the checks below can fail)', () => {
    const response = {
      id: 'resp_1',
      object: 'response',
      created_at: 0,
      status: 'completed',
      error: null,
      incomplete_details: null,
      instructions: null,
      model: 'demo',
      output: [],
      parallel_tool_calls: true,
      tool_choice: 'auto',
      tools: [{ type: 'function', name: 'f', parameters: null, strict: true }],
      metadata: {},
      temperature: null,
      top_p: null,
    }
    expect(spec.errors('Response', response)).toBe('')
    const { temperature: _t, ...noTemperature } = response
    expect(spec.errors('Response', noTemperature)).toMatch(/temperature/)
    const { top_p: _p, ...noTopP } = response
    expect(spec.errors('Response', noTopP)).toMatch(/top_p/)
    expect(
      spec.errors('Response', { ...response, tools: [{ type: 'function', name: 'f', parameters: null }] }),
    ).toMatch(/strict/)
    expect(spec.errors('Response', { ...response, usage: null })).not.toBe('')
    const part = { type: 'output_text', text: '', annotations: [] }
    const delta = { type: 'response.output_text.delta', item_id: 'm', output_index: 0, content_index: 0, delta: 'a' }
    expect(spec.errors('ResponseStreamEvent', { ...delta, sequence_number: 3 })).not.toBe('')
    expect(
      spec.errors('ResponseStreamEvent', {
        type: 'response.content_part.added',
        item_id: 'm',
        output_index: 0,
        content_index: 0,
        part,
        sequence_number: 2,
      }),
    ).not.toBe('')
  })

  it.each(scenarios.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    for (const variant of Object.keys(VARIANTS) as (keyof typeof VARIANTS)[]) {
      const run = await capture(bridge.url, scenario, variant)
      expect(run.responses.length, run.label).toBeGreaterThan(0)
      if (VARIANTS[variant].stream) expect(run.events.length, run.label).toBeGreaterThan(0)
      expect(problems(run)).toEqual([])
    }
  })

  it('background responses (queued, re-streamed, cancelled)', async () => {
    const run = await captureBackground(bridge.url, 'slow')
    expect(run.events.map((e) => (e as { type: string }).type)).toContain('response.queued')
    expect(problems(run)).toEqual([])
  })

  it('echoes temperature, top_p and tools as OpenAI does: nulls and strict by default, usage only at the end', async () => {
    const tools = [
      { type: 'function', name: 'a' },
      { type: 'function', name: 'b', parameters: { type: 'object' }, strict: false },
    ]
    const events = payloads(
      await readAll(
        await postJson(`${bridge.url}/v1/responses`, { model: 'demo', input: 'hello', stream: true, tools }),
      ),
    ) as { type: string; response?: Record<string, unknown> }[]
    const created = events[0]?.response
    expect(created).toMatchObject({
      temperature: null,
      top_p: null,
      tools: [
        { type: 'function', name: 'a', parameters: null, strict: true },
        { type: 'function', name: 'b', parameters: { type: 'object' }, strict: false },
      ],
    })
    expect(created).not.toHaveProperty('usage')
    expect(events.find((e) => e.type === 'response.completed')?.response?.usage).toHaveProperty('total_tokens')

    const set = await postJson(`${bridge.url}/v1/responses`, { model: 'demo', input: 'hi', temperature: 0, top_p: 1 })
    expect(await set.json()).toMatchObject({ temperature: 0, top_p: 1 })
  })

  it('refuses a temperature or top_p the Response could not echo, as OpenAI does', async () => {
    for (const [param, value] of [
      ['temperature', 2.5],
      ['top_p', -0.1],
    ] as const) {
      const res = await postJson(`${bridge.url}/v1/responses`, { model: 'demo', input: 'hi', [param]: value })
      expect(res.status).toBe(400)
      const body = (await res.json()) as { error: { param: string } }
      expect(spec.errors('ErrorResponse', body)).toBe('')
      expect(body.error.param).toBe(param)
    }
  })
})
