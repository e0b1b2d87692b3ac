// A `custom` update carries the canonical event without the store's stamp, whichever way it was copied (a plain text
// delta field by field, anything else by a rest copy).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/core/index.js'
import { createEncoder, encode } from '../../src/dialects/acp/encode.js'
import { streamedAnswer } from '../helpers/events.js'
import type { RunOutputStreamData } from '../../src/dialects/acp/wire.js'

const stamp = (seq: number) => ({ runId: 'r', seq, time: 1_700_000_000_000 + seq })

describe('custom updates', () => {
  it('carry each event of a streamed answer as it was, without run id, seq and time', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme' }), { minLength: 1, maxLength: 8 }),
        fc.string(),
        (deltas, id) => {
          const encoder = createEncoder({ runId: `run "${id}"`, modes: { values: true, custom: true } })
          const events = streamedAnswer(deltas, `m\n${id}`, {
            channelOf: (i) => (i % 2 ? 'output' : 'reasoning'),
            time: (seq) => 1_700_000_000_000 + seq,
          })
          const updates = events.flatMap((e) => encode(encoder, e)).flatMap((d) => (d.type === 'custom' ? [d] : []))
          expect(updates.map((d) => JSON.stringify(d.update))).toEqual(
            events.map(({ runId: _r, seq: _s, time: _t, ...event }) => JSON.stringify({ event })),
          )
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
})
