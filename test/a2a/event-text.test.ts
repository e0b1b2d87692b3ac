// The template the A2A face writes answer chunks with gives the very text JSON.stringify would.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createEncoder, encode, eventText } from '../../src/dialects/a2a/encode.js'
import { streamedAnswer } from '../helpers/events.js'

describe('eventText', () => {
  it('writes what the encoder makes of a streamed answer as JSON.stringify does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme' }), { minLength: 1, maxLength: 8 }),
        fc.string(),
        (deltas, id) => {
          const encoder = createEncoder({ taskId: `task-${id}`, contextId: `ctx "${id}"` })
          const events = streamedAnswer(deltas, `m${id}`)
          const out = events.flatMap((e) => encode(encoder, e))
          expect(out.length).toBeGreaterThan(1)
          for (const e of out) expect(eventText(e)).toBe(JSON.stringify(e))
        },
      ),
    )
  })

  it('writes chunks of tasks, contexts and artifacts taking turns as JSON.stringify does', () => {
    const chunk = (taskId: string, contextId: string, artifactId: string, n: number) => ({
      artifactUpdate: { taskId, contextId, artifact: { artifactId, parts: [{ text: `x${n}` }] }, append: true },
    })
    // Each next chunk differs from the one before in one id only (or none).
    const ids = [
      ['t1', 'c1', 'a1'],
      ['t1', 'c1', 'a1'],
      ['t2', 'c1', 'a1'],
      ['t2', 'c"2"', 'a1'],
      ['t2', 'c"2"', 'a2'],
      ['t1', 'c"2"', 'a2'],
      ['t1', 'c1', 'a2'],
      ['t1', 'c1', 'a1'],
    ] as const
    const events = [...ids, ...ids].map(([t, c, a], n) => chunk(t, c, a, n))
    for (const e of events) expect(eventText(e)).toBe(JSON.stringify(e))
  })

  it('leaves other shapes to JSON.stringify', () => {
    for (const e of [
      { artifactUpdate: { taskId: 't', contextId: 'c', artifact: { artifactId: 'a', parts: [{ text: 'x' }] } } },
      {
        artifactUpdate: {
          taskId: 't',
          contextId: 'c',
          artifact: { artifactId: 'a', parts: [{ data: {} }] },
          append: true,
        },
      },
      { statusUpdate: { taskId: 't', contextId: 'c', status: { state: 'TASK_STATE_WORKING' } } },
      { kind: 'artifact-update', taskId: 't', contextId: 'c', artifact: { artifactId: 'a', parts: [] }, append: true },
    ])
      expect(eventText(e)).toBe(JSON.stringify(e))
  })
})
