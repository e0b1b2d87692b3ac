// The ACP face's reading of a run (RunOutputStream) as the SSE pump reads it, by polling: the same frames as `next()`,
// `values` owed sent on their own once their time is up (a timer wakes the poller, no event needed), a return that
// wakes a waiting poller, a failing source that fails the reading, and the run's log let go once the turn ends.
import { describe, expect, it } from 'vitest'
import type { AgentEvent, RunEvent } from '../../src/core/index.js'
import { createEncoder } from '../../src/dialects/acp/encode.js'
import type { Frame, OutputStreamOptions } from '../../src/dialects/acp/output-stream.js'
import { RunOutputStream } from '../../src/dialects/acp/output-stream.js'
import { MemoryRunStore } from '../../src/store/index.js'
import { PENDING, type Pollable } from '../../src/stream/poll.js'
import { runRecord } from '../helpers/events.js'
import { byPolling, flush, pollable, waitOnce, within } from '../helpers/poll.js'

const answer = (words: number): AgentEvent[] => [
  { type: 'run.status', status: 'working' },
  { type: 'message.started', messageId: 'm', role: 'assistant' },
  ...Array.from(
    { length: words },
    (_, i): AgentEvent => ({
      type: 'message.delta',
      messageId: 'm',
      delta: `w${i} `,
      channel: 'output',
    }),
  ),
  {
    type: 'message.completed',
    message: {
      id: 'm',
      role: 'assistant',
      parts: [{ type: 'text', text: Array.from({ length: words }, (_, i) => `w${i} `).join('') }],
    },
  },
  { type: 'run.completed' },
]

const options = (over: Partial<OutputStreamOptions> = {}): OutputStreamOptions => ({
  afterSeq: 0,
  afterFrame: Number.POSITIVE_INFINITY,
  snapshot: false,
  values: true,
  interval: 0,
  charsPerInterval: 65_536,
  announceAt: undefined,
  ...over,
})

async function runWith(events: AgentEvent[]) {
  const store = new MemoryRunStore()
  await store.createRun(runRecord('run_1'))
  for (const e of events) await store.append('run_1', e)
  return store
}

function outputStream(store: MemoryRunStore, over: Partial<OutputStreamOptions> = {}, custom = false) {
  const opts = options(over)
  const encoder = createEncoder({
    runId: 'run_1',
    modes: { values: opts.values, custom },
    values: opts.values && opts.interval > 0 ? 'boundary' : 'change',
  })
  const events = pollable(store.read('run_1', 0, { follow: true }))
  return { stream: new RunOutputStream(encoder, events, opts), events }
}

const ids = (batches: Frame[][]) => batches.flat().map((f) => f.id)
const valuesText = (f: Frame) => JSON.stringify(f.data)

describe('RunOutputStream', () => {
  it('gives the same frames polled as read with next(), values and custom, and ends with the turn', async () => {
    for (const [values, custom, interval] of [
      [true, false, 0],
      [false, true, 0],
      [true, true, 50],
    ] as const) {
      const store = await runWith(answer(5))
      const polled = await byPolling(outputStream(store, { values, interval }, custom).stream)
      expect(polled.error).toBeUndefined()
      const read: Frame[][] = []
      for await (const batch of outputStream(store, { values, interval }, custom).stream) read.push(batch)
      expect(polled.got).toEqual(read)
      expect(read.flat().length).toBeGreaterThan(0)
      // The last frame says the run succeeded.
      expect(JSON.stringify(read.flat().at(-1)?.data)).toContain('"status":"success"')
    }
  })

  it('sends values owed on their own once their time is up: the wait ends without any new event', async () => {
    const store = new MemoryRunStore()
    await store.createRun(runRecord('run_1'))
    for (const e of answer(3).slice(0, 3)) await store.append('run_1', e) // working, started, w0
    const { stream } = outputStream(store, { interval: 60 })
    const first = stream.poll()
    expect(first).not.toBe(PENDING)
    await store.append('run_1', answer(3)[3] as AgentEvent) // w1: owed, its time not yet come
    expect(stream.poll()).toBe(PENDING)
    const started = performance.now()
    await waitOnce(stream)
    const waited = performance.now() - started
    expect(waited).toBeGreaterThanOrEqual(40)
    const next = stream.poll()
    if (next === PENDING || next.done) throw new Error(`expected values, got ${String(next)}`)
    const [frame] = next.value
    expect(frame?.data.type).toBe('values')
    expect(valuesText(frame as Frame)).toContain('w0 w1 ')
    // Taken after event 4 (w1), whose own frames were none: the snapshot is its frame.
    expect(frame?.id).toBe('4')
    await stream.return()
  })

  it('a return while a poller waits calls it back; the reading is then over and its log reader let go', async () => {
    const store = await runWith(answer(2).slice(0, 2))
    const { stream, events } = outputStream(store)
    while (stream.poll() !== PENDING) {
      // what is there already
    }
    const woken = new Promise<void>((resolve) => stream.wait(resolve))
    await stream.return()
    await within(woken, 'the waiting poller to be called back')
    expect(stream.poll()).toEqual({ done: true, value: undefined })
    await flush()
    expect(events.poll()).toEqual({ done: true, value: undefined })
  })

  it('fails as its events fail, and is over after', async () => {
    const boom = new Error('the log broke')
    const failing: Pollable<RunEvent[]> = {
      poll: () => {
        throw boom
      },
      wait: (ready) => void queueMicrotask(ready),
      next: () => Promise.reject(boom),
    }
    const stream = new RunOutputStream(createEncoder({ runId: 'run_1' }), failing, options())
    expect(() => stream.poll()).toThrow(boom)
    expect(stream.poll()).toEqual({ done: true, value: undefined })
    await expect(new RunOutputStream(createEncoder({ runId: 'run_1' }), failing, options()).next()).rejects.toBe(boom)
  })

  it('resumes after Last-Event-ID N.k with the frames of event N after the k-th, then the rest', async () => {
    const store = await runWith(answer(2))
    const all: Frame[][] = []
    for await (const batch of outputStream(store, {}, true).stream) all.push(batch)
    const every = ids(all)
    // A completed message gives several frames (N, N.1, …): resume inside it.
    const split = every.find((id) => id.endsWith('.1'))
    if (!split) throw new Error(`no event with several frames in ${every.join(' ')}`)
    const seq = Number(split.split('.')[0])
    const resumed = await byPolling(outputStream(store, { afterSeq: seq, afterFrame: 0 }, true).stream)
    expect(ids(resumed.got)).toEqual(every.slice(every.indexOf(split)))
  })
})
