// The template the ACP face writes `custom` text deltas with gives the very text JSON.stringify would, and the update
// carries the canonical event without the store's stamp, whichever way it was copied.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/core/index.js'
import { createEncoder, encode, frameText } from '../../src/dialects/acp/encode.js'
import type { RunOutputStreamData } from '../../src/dialects/acp/wire.js'

const stamp = (seq: number) => ({ runId: 'r', seq, time: 1_700_000_000_000 + seq })

describe('frameText', () => {
  it('writes what the encoder makes of a streamed answer, in custom and values mode, as JSON.stringify does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme' }), { minLength: 1, maxLength: 8 }),
        fc.string(),
        (deltas, id) => {
          const encoder = createEncoder({ runId: `run "${id}"`, modes: { values: true, custom: true } })
          const events: RunEvent[] = [
            { type: 'run.status', status: 'working', ...stamp(1) },
            { type: 'message.started', messageId: `m${id}`, role: 'assistant', ...stamp(2) },
            ...deltas.map(
              (delta, i): RunEvent => ({
                type: 'message.delta',
                messageId: `m\n${id}`,
                delta,
                channel: i % 2 ? 'output' : 'reasoning',
                ...stamp(i + 3),
              }),
            ),
          ]
          const out = events.flatMap((e) => encode(encoder, e))
          const customDeltas = out.filter(
            (d) => d.type === 'custom' && (d.update as { event: { type: string } }).event.type === 'message.delta',
          )
          expect(customDeltas).toHaveLength(deltas.length)
          for (const d of out) expect(frameText(d)).toBe(JSON.stringify(d))
        },
      ),
    )
  })

  it('a custom update carries the event without run id, seq and time, a plain delta as any other', () => {
    const encoder = createEncoder({ runId: 'run_1', modes: { values: false, custom: true } })
    const plain: RunEvent = { type: 'message.delta', messageId: 'm', delta: 'hi', channel: 'output', ...stamp(1) }
    const more: RunEvent = {
      type: 'message.delta',
      messageId: 'm',
      delta: '!',
      channel: 'output',
      executionId: 'x',
      ...stamp(2),
    }
    const update = (d: RunOutputStreamData | undefined) => (d?.type === 'custom' ? d.update : undefined)
    const [first] = encode(encoder, plain)
    const [second] = encode(encoder, more)
    expect(update(first)).toEqual({ event: { type: 'message.delta', messageId: 'm', delta: 'hi', channel: 'output' } })
    expect(update(second)).toEqual({
      event: { type: 'message.delta', messageId: 'm', delta: '!', channel: 'output', executionId: 'x' },
    })
    // The logged event itself keeps its stamp.
    expect(plain).toMatchObject({ runId: 'r', seq: 1 })
  })

  it('leaves other shapes to JSON.stringify', () => {
    const delta = { type: 'message.delta', messageId: 'm', delta: 'x', channel: 'output' }
    const frames = [
      { type: 'custom', run_id: 'r', status: 'running', update: { event: { ...delta, executionId: 'e' } } },
      { type: 'custom', run_id: 'r', status: 'running', update: { event: { ...delta, type: 'reasoning' } } },
      { type: 'custom', status: 'running', run_id: 'r', update: { event: delta } },
      { type: 'custom', run_id: 'r', status: 'running', update: { event: delta, more: 1 } },
      {
        type: 'custom',
        run_id: 'r',
        status: 'running',
        update: { event: { channel: 'output', type: 'message.delta', messageId: 'm', delta: 'x' } },
      },
      { type: 'values', run_id: 'r', status: 'running', values: { text: 'x' } },
    ] as unknown as RunOutputStreamData[]
    for (const d of frames) expect(frameText(d)).toBe(JSON.stringify(d))
  })
})
