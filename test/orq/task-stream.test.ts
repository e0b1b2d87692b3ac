// Orq's task stream (TaskStream) as the SSE pump reads it, by polling: the same events as `next()`, a thought owed sent
// on its own once its time is up (a timer wakes the poller, no event needed), and `agents.timeout` once the stream
// outlives its timeout with nothing more read (the reading's own machinery: test/unit/timed.test.ts).
import { describe, expect, it } from 'vitest'
import type { AgentEvent } from '../../src/core/index.js'
import { createEncoder } from '../../src/dialects/orq/encode.js'
import type { TaskStreamOptions } from '../../src/dialects/orq/task-stream.js'
import { TaskStream } from '../../src/dialects/orq/task-stream.js'
import type { AgentStreamEvent } from '../../src/dialects/orq/wire.js'
import { MemoryRunStore } from '../../src/store/index.js'
import { PENDING } from '../../src/stream/poll.js'
import { runRecord } from '../helpers/events.js'
import { byPolling, pollable, waitOnce, within } from '../helpers/poll.js'

const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i} `)
const answer = (n: number): AgentEvent[] => [
  { type: 'run.status', status: 'working' },
  { type: 'message.started', messageId: 'm', role: 'assistant' },
  ...words(n).map((delta): AgentEvent => ({ type: 'message.delta', messageId: 'm', delta, channel: 'output' })),
  {
    type: 'message.completed',
    message: { id: 'm', role: 'assistant', parts: [{ type: 'text', text: words(n).join('') }] },
  },
  { type: 'run.completed' },
]

const encoder = (thoughts: 'change' | 'boundary' = 'boundary') =>
  createEncoder({
    taskId: 'task_1',
    workflowRunId: 'wf_1',
    agentId: 'agent',
    input: { role: 'user', parts: [{ kind: 'text', text: 'go' }] },
    continuation: false,
    firstIndex: 1,
    startedAt: 0,
    thoughts,
  })

const options = (over: Partial<TaskStreamOptions> = {}): TaskStreamOptions => ({
  interval: 0,
  stretch: () => 1,
  timeoutSeconds: 60,
  ...over,
})

async function store(events: AgentEvent[]) {
  const s = new MemoryRunStore()
  await s.createRun(runRecord('run_1'))
  for (const e of events) await s.append('run_1', e)
  return s
}

const types = (batches: AgentStreamEvent[][]) => batches.flat().map((e) => e.type)

describe('TaskStream', () => {
  it('gives the same events polled as read with next(), and ends with the turn', async () => {
    for (const [thoughts, interval] of [
      ['change', 0],
      ['boundary', 40],
    ] as const) {
      const s = await store(answer(4))
      const read = () => pollable(s.read('run_1', 0, { follow: true }))
      const polled = await byPolling(new TaskStream(encoder(thoughts), read(), options({ interval })))
      expect(polled.error).toBeUndefined()
      const got: AgentStreamEvent[][] = []
      for await (const batch of new TaskStream(encoder(thoughts), read(), options({ interval }))) got.push(batch)
      expect(polled.got).toEqual(got)
      expect(types(got)[0]).toBe('agents.execution_started')
      expect(types(got).at(-1)).toBe('event.agents.inactive')
    }
  })

  it('sends a thought owed on its own once its time is up: the wait ends without any new event', async () => {
    const s = await store(answer(3).slice(0, 3)) // working, started, w0
    const stream = new TaskStream(encoder(), pollable(s.read('run_1', 0, { follow: true })), options({ interval: 60 }))
    // The opening, then the first batch: its thought not yet due (the interval counts from the stream's start).
    while (stream.poll() !== PENDING) {
      // what is there already
    }
    const started = performance.now()
    await waitOnce(stream)
    expect(performance.now() - started).toBeGreaterThanOrEqual(20)
    const next = stream.poll()
    if (next === PENDING || next.done) throw new Error('expected a thought')
    expect(next.value.map((e) => e.type)).toEqual(['event.agents.thought'])
    expect(JSON.stringify(next.value)).toContain('w0 ')
    await stream.return()
  })

  it('times out with agents.timeout when nothing more comes, and lets the log go', async () => {
    const s = await store(answer(3).slice(0, 2))
    const events = pollable(s.read('run_1', 0, { follow: true }))
    const stream = new TaskStream(encoder(), events, options({ timeoutSeconds: 0.05 }))
    const { got, error } = await within(byPolling(stream), 'the stream to time out')
    expect(error).toBeUndefined()
    expect(types(got).at(-1)).toBe('agents.timeout')
    expect(events.poll()).toEqual({ done: true, value: undefined })
  })
})
