// A run that fails (or stops short) before it ever said "working" still goes created → in_progress → failed, and the
// in_progress snapshot shows the run as it was then: no error, no incomplete_details yet.
import { describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/core/index.js'
import { createEncoder, encode, openResponse } from '../../src/dialects/responses/encode.js'
import type { ResponseStreamEvent } from '../../src/dialects/responses/wire.js'
import { specValidator } from '../helpers/contract.js'

const stamp = <E extends object>(e: E, seq: number) => ({ ...e, runId: 'run_1', seq, time: 0 }) as unknown as RunEvent
type WithResponse = Extract<ResponseStreamEvent, { type: 'response.in_progress' }>

function run(last: RunEvent) {
  const spec = specValidator('responses')
  const encoder = createEncoder({ responseId: 'resp_1', model: 'demo', createdAt: 0 })
  const events = [...openResponse(encoder), ...encode(encoder, last)]
  for (const e of events) expect(spec.errors('ResponseStreamEvent', e)).toBe('')
  return events
}

describe('Responses face: the outcome of a run that never started working', () => {
  it('run.failed: in_progress carries no error; response.failed does', () => {
    const events = run(stamp({ type: 'run.failed', error: { code: 'upstream_error', message: 'boom' } }, 1))
    expect(events.map((e) => e.type)).toEqual(['response.created', 'response.in_progress', 'response.failed'])
    const progress = events[1] as WithResponse
    expect(progress.response.status).toBe('in_progress')
    expect(progress.response.error).toBeNull()
    const failed = events[2] as WithResponse
    expect(failed.response.status).toBe('failed')
    expect(failed.response.error).toEqual({ code: 'server_error', message: 'boom' })
  })

  it('run.completed incomplete: in_progress carries no incomplete_details', () => {
    const events = run(stamp({ type: 'run.completed', incomplete: { reason: 'max_output_tokens' } }, 1))
    expect(events.map((e) => e.type)).toEqual(['response.created', 'response.in_progress', 'response.incomplete'])
    expect((events[1] as WithResponse).response.incomplete_details).toBeNull()
    expect((events[2] as WithResponse).response.incomplete_details).toEqual({ reason: 'max_output_tokens' })
  })
})
