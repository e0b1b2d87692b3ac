// The template the ACP face writes `custom` text deltas with gives the very text JSON.stringify would.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/core/index.js'
import { createEncoder, encode, frameText } from '../../src/dialects/acp/encode.js'
import type { RunOutputStreamData } from '../../src/dialects/acp/wire.js'
import { streamedAnswer } from '../helpers/events.js'

describe('frameText', () => {
  it('writes what the encoder makes of a streamed answer, in every mode, as JSON.stringify does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme' }), { minLength: 1, maxLength: 8 }),
        fc.string(),
        fc.boolean(),
        (deltas, id, values) => {
          const encoder = createEncoder({ runId: `run "${id}"`, modes: { values, custom: true } })
          const events: RunEvent[] = [
            ...streamedAnswer(deltas, `m${id}`, { channelOf: (i) => (i % 3 === 2 ? 'reasoning' : 'output') }),
            { type: 'run.completed', runId: 'r', seq: deltas.length + 3, time: 0 },
          ]
          const out = events.flatMap((e) => encode(encoder, e))
          expect(out.filter((d) => d.type === 'custom').length).toBe(events.length)
          for (const d of out) expect(frameText(d)).toBe(JSON.stringify(d))
        },
      ),
    )
  })

  it('writes deltas of runs, statuses, messages and channels taking turns as JSON.stringify does', () => {
    const frame = (run: string, status: string, messageId: string, channel: string, n: number) =>
      ({
        type: 'custom',
        run_id: run,
        status,
        update: { event: { type: 'message.delta', messageId, delta: `x${n}"\n`, channel } },
      }) as RunOutputStreamData
    // Each next frame differs from the one before in one of them only (or none).
    const rows = [
      ['r1', 'pending', 'm1', 'output'],
      ['r1', 'pending', 'm1', 'output'],
      ['r2', 'pending', 'm1', 'output'],
      ['r2', 'interrupted', 'm1', 'output'],
      ['r2', 'interrupted', 'm"2"', 'output'],
      ['r2', 'interrupted', 'm"2"', 'reasoning'],
      ['r1', 'interrupted', 'm"2"', 'reasoning'],
      ['r1', 'pending', 'm"2"', 'reasoning'],
      ['r1', 'pending', 'm1', 'reasoning'],
      ['r1', 'pending', 'm1', 'output'],
    ] as const
    const frames = [...rows, ...rows].map(([r, s, m, c], n) => frame(r, s, m, c, n))
    for (const d of frames) expect(frameText(d)).toBe(JSON.stringify(d))
  })

  it('leaves other shapes to JSON.stringify', () => {
    const delta = { type: 'message.delta', messageId: 'm', delta: 'x', channel: 'output' }
    const custom = (update: Record<string, unknown>, more: Record<string, unknown> = {}) =>
      ({ type: 'custom', run_id: 'r', status: 'pending', update, ...more }) as RunOutputStreamData
    for (const d of [
      custom({ event: { ...delta, executionId: 'e' } }),
      custom({ event: { type: 'message.delta', messageId: 'm', delta: 'x' } }),
      custom({ event: delta, more: 1 }),
      custom({ event: delta }, { extra: true }),
      custom({ event: { ...delta, delta: undefined } }),
      custom({ event: { ...delta, channel: undefined } }),
      custom({ event: delta }, { status: undefined }),
      custom({ event: { ...delta, type: 'message.started' } }),
      { type: 'values', run_id: 'r', status: 'pending', values: { messages: [], text: 'x' } } as RunOutputStreamData,
    ])
      expect(frameText(d)).toBe(JSON.stringify(d))
  })
})
