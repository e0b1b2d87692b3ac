// Cache-write tokens and cost are canonical (`usage.cacheWriteTokens`, `usage.costUsd`): TrueFoundry and Orq report
// them, and each dialect with a place for them carries them there.
import { describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/core/index.js'
import { addUsage, emptyUsage } from '../../src/core/index.js'
import { createDecoder, decode } from '../../src/dialects/orq/decode.js'
import { createEncoder, encode } from '../../src/dialects/orq/encode.js'
import { encodeTurn } from '../../src/dialects/truefoundry/sessions-encode.js'
import { specValidator } from '../helpers/contract.js'
import { tfTurnEncoder } from '../helpers/encoders.js'

let seq = 0
const stamp = <E extends object>(e: E) => ({ ...e, runId: 'run_1', seq: ++seq, time: 0 }) as unknown as RunEvent
const usage = stamp({
  type: 'usage',
  inputTokens: 100,
  outputTokens: 20,
  cachedTokens: 60,
  cacheWriteTokens: 40,
  costUsd: 0.0125,
})
const done = stamp({ type: 'run.completed' })

describe('cache writes and cost', () => {
  it('add up across usage events, and stay absent when nobody reported them', () => {
    const total = emptyUsage()
    addUsage(total, { type: 'usage', inputTokens: 1, outputTokens: 1 })
    expect(total).not.toHaveProperty('cacheWriteTokens')
    expect(total).not.toHaveProperty('costUsd')
    addUsage(total, { type: 'usage', inputTokens: 1, outputTokens: 1, cacheWriteTokens: 5, costUsd: 0.5 })
    addUsage(total, { type: 'usage', inputTokens: 1, outputTokens: 1, cacheWriteTokens: 2, costUsd: 0.25 })
    expect(total).toMatchObject({ inputTokens: 3, outputTokens: 3, cacheWriteTokens: 7, costUsd: 0.75 })
  })

  it('TrueFoundry face: turn.done metrics carry total_cache_write_tokens and total_cost_in_usd', () => {
    const turn = tfTurnEncoder()
    const events = [usage, done].flatMap((e) => encodeTurn(turn, e))
    const spec = specValidator('truefoundry-sessions')
    for (const e of events) expect(spec.errors('TurnStreamingEvent', e)).toBe('')
    expect((events.at(-1) as { state: { metrics: unknown } }).state.metrics).toEqual({
      total_input_tokens: 100,
      total_output_tokens: 20,
      total_tokens: 120,
      total_cache_read_tokens: 60,
      total_cache_write_tokens: 40,
      total_cost_in_usd: 0.0125,
    })
  })

  it('Orq face: inactive usage carries cache_creation_tokens beside cached_tokens', () => {
    const encoder = createEncoder({
      taskId: 'task1',
      workflowRunId: 'wf1',
      agentId: 'demo',
      input: { role: 'user', parts: [{ kind: 'text', text: 'hi' }] },
      continuation: false,
      firstIndex: 1,
      startedAt: 0,
    })
    const events = [usage, done].flatMap((e) => encode(encoder, e))
    const inactive = events.find((e) => e.type === 'event.agents.inactive')
    expect(inactive?.data).toMatchObject({
      usage: {
        prompt_tokens: 100,
        completion_tokens: 20,
        prompt_tokens_details: { cached_tokens: 60, cache_creation_tokens: 40 },
      },
    })
    expect(specValidator('orq').errors('AgentStreamEvent', inactive)).toBe('')
  })

  it('Orq upstream: cache_creation_tokens and billing.total_cost come in as cacheWriteTokens and costUsd', () => {
    const decoder = createDecoder()
    const out = decode(decoder, {
      type: 'event.agents.inactive',
      timestamp: '2026-01-01T00:00:00Z',
      data: {
        last_message: 'hi',
        finish_reason: 'stop',
        usage: {
          prompt_tokens: 10,
          completion_tokens: 2,
          prompt_tokens_details: { cached_tokens: 4, cache_creation_tokens: 6 },
        },
        billing: { total_cost: 0.002, input_cost: 0.001, output_cost: 0.001, billable: true, integration_id: null },
        workflowRunId: 'wf',
      },
    })
    expect(out.find((e) => e.type === 'usage')).toEqual({
      type: 'usage',
      inputTokens: 10,
      outputTokens: 2,
      cachedTokens: 4,
      cacheWriteTokens: 6,
      costUsd: 0.002,
    })
  })
})
