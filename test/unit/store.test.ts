import { describe, expect, it } from 'vitest'
import { runRecord } from '../helpers/events.js'
import { BridgeError } from '../../src/core/index.js'
import type { AgentEvent, ErrorCode, Message, RunEvent } from '../../src/core/index.js'
import { MemoryRunStore } from '../../src/store/index.js'
import type { RunRecord } from '../../src/store/index.js'

const record = runRecord

const delta = (text: string): AgentEvent => ({ type: 'message.delta', messageId: 'm1', delta: text, channel: 'output' })
const working: AgentEvent = { type: 'run.status', status: 'working' }
const completed: AgentEvent = { type: 'run.completed' }

const message = (id: string, text: string, role: Message['role'] = 'user'): Message => ({
  id,
  role,
  parts: [{ type: 'text', text }],
})

/** What `read` yields: one event at a time, or batches of whatever is available. */
type EventSource = AsyncIterable<RunEvent | readonly RunEvent[]>

/** One event at a time, whatever the batching of `read`. */
async function* flat(source: EventSource): AsyncGenerator<RunEvent> {
  for await (const item of source) {
    const events: readonly RunEvent[] = Array.isArray(item) ? item : [item as RunEvent]
    yield* events
  }
}

async function collect(source: EventSource): Promise<RunEvent[]> {
  const out: RunEvent[] = []
  for await (const e of flat(source)) out.push(e)
  return out
}

const seqs = (events: RunEvent[]) => events.map((e) => e.seq)

/** Rejects when `promise` has not settled within `ms`, so a hang fails fast. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms}ms: ${what}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Settles `promise` against a short timer: 'pending' when it is still waiting. */
async function settledSoon<T>(promise: Promise<T>, ms = 20): Promise<T | 'pending'> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const pending = new Promise<'pending'>((resolve) => {
    timer = setTimeout(() => resolve('pending'), ms)
  })
  return Promise.race([promise, pending]).finally(() => clearTimeout(timer))
}

async function expectBridgeError(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  const outcome = await promise.then(
    (value) => ({ resolved: true as const, value }),
    (error: unknown) => ({ resolved: false as const, error }),
  )
  if (outcome.resolved)
    expect.fail(`expected a ${code} BridgeError, but it resolved with ${JSON.stringify(outcome.value)}`)
  const error = outcome.error
  expect(error).toBeInstanceOf(BridgeError)
  expect((error as BridgeError).code).toBe(code)
}

async function storeWithRun(options: ConstructorParameters<typeof MemoryRunStore>[0] = {}, runId = 'run_1') {
  const store = new MemoryRunStore(options)
  await store.createRun(record(runId))
  return store
}

describe('MemoryRunStore runs', () => {
  it('creates and returns run records, refusing a duplicate id with conflict', async () => {
    const store = await storeWithRun()
    expect(await store.getRun('run_1')).toEqual(record('run_1'))
    expect(await store.getRun('other')).toBeUndefined()
    await expectBridgeError(store.createRun(record('run_1')), 'conflict')
  })

  it('hands out copies of run records', async () => {
    const store = await storeWithRun()
    const copy = await store.getRun('run_1')
    copy!.state.status = 'failed'
    copy!.agentId = 'changed'
    const again = await store.getRun('run_1')
    expect(again?.state.status).toBe('queued')
    expect(again?.agentId).toBe('agent')
  })

  it('lists runs newest first, filtered by agent and context, with offset and limit', async () => {
    const store = new MemoryRunStore()
    await store.createRun(record('a', { createdAt: 1, agentId: 'x', contextId: 'c1' }))
    await store.createRun(record('b', { createdAt: 3, agentId: 'x', contextId: 'c2' }))
    await store.createRun(record('c', { createdAt: 2, agentId: 'y', contextId: 'c1' }))
    const ids = (rs: RunRecord[]) => rs.map((r) => r.runId)
    expect(ids(await store.listRuns({}))).toEqual(['b', 'c', 'a'])
    expect(ids(await store.listRuns({ agentId: 'x' }))).toEqual(['b', 'a'])
    expect(ids(await store.listRuns({ contextId: 'c1' }))).toEqual(['c', 'a'])
    expect(ids(await store.listRuns({ offset: 1, limit: 1 }))).toEqual(['c'])
  })

  it('append stamps seq 1, 2, 3 with the run id and the store clock', async () => {
    let now = 1_000
    const store = await storeWithRun({ now: () => now })
    const first = await store.append('run_1', working)
    now = 1_005
    const second = await store.append('run_1', delta('a'))
    now = 1_010
    const third = await store.append('run_1', delta('b'))
    expect([first, second, third].map(({ runId, seq, time }) => ({ runId, seq, time }))).toEqual([
      { runId: 'run_1', seq: 1, time: 1_000 },
      { runId: 'run_1', seq: 2, time: 1_005 },
      { runId: 'run_1', seq: 3, time: 1_010 },
    ])
    expect(third).toMatchObject({ type: 'message.delta', delta: 'b' })
    const run = await store.getRun('run_1')
    expect(run?.state.lastSeq).toBe(3)
    expect(run?.updatedAt).toBe(1_010)
  })

  it('keeps seq per run', async () => {
    const store = await storeWithRun()
    await store.createRun(record('run_2'))
    await store.append('run_1', working)
    await store.append('run_1', delta('a'))
    expect((await store.append('run_2', working)).seq).toBe(1)
  })

  it('the same event object appended twice, to one run and to another, or a frozen or sealed one, is logged with a stamp of its own', async () => {
    const store = await storeWithRun()
    await store.createRun(record('run_2'))
    const same = delta('again')
    await store.appendMany?.('run_1', [same, same])
    await store.append('run_2', same)
    const frozen = Object.freeze(delta('frozen'))
    await store.append('run_1', frozen)
    await store.appendMany?.('run_1', [Object.seal(delta('sealed')), Object.preventExtensions(delta('closed'))])
    const stamps = (events: RunEvent[]) =>
      events.map((e) => ({ runId: e.runId, seq: e.seq, delta: 'delta' in e ? e.delta : undefined }))
    expect(stamps(await collect(store.read('run_1', 0)))).toEqual([
      { runId: 'run_1', seq: 1, delta: 'again' },
      { runId: 'run_1', seq: 2, delta: 'again' },
      { runId: 'run_1', seq: 3, delta: 'frozen' },
      { runId: 'run_1', seq: 4, delta: 'sealed' },
      { runId: 'run_1', seq: 5, delta: 'closed' },
    ])
    expect(stamps(await collect(store.read('run_2', 0)))).toEqual([{ runId: 'run_2', seq: 1, delta: 'again' }])
  })

  it('folds events into the run state: status, pending interrupt with its calls, usage', async () => {
    const store = await storeWithRun()
    const state = async () => (await store.getRun('run_1'))!.state

    expect((await state()).status).toBe('queued')
    await store.append('run_1', working)
    expect((await state()).status).toBe('working')

    await store.append('run_1', { type: 'tool.call.started', callId: 'c1', name: 'search' })
    await store.append('run_1', { type: 'tool.call.delta', callId: 'c1', delta: '{"q":' })
    await store.append('run_1', { type: 'tool.call.delta', callId: 'c1', delta: '"cats"}' })
    await store.append('run_1', {
      type: 'tool.call.completed',
      callId: 'c2',
      name: 'delete_file',
      arguments: '{"path":"/tmp/x"}',
      tool: { approvalRequired: true },
    })
    await store.append('run_1', { type: 'usage', inputTokens: 10, outputTokens: 5, reasoningTokens: 2 })
    await store.append('run_1', {
      type: 'interrupt',
      interruptId: 'i1',
      reason: 'approval',
      callIds: ['c1', 'c2'],
      payload: { note: 'please approve' },
    })
    await store.append('run_1', { type: 'run.status', status: 'input_required' })

    let s = await state()
    expect(s.status).toBe('input_required')
    expect(s.lastSeq).toBe(8)
    expect(s.pending).toEqual({
      interruptId: 'i1',
      reason: 'approval',
      callIds: ['c1', 'c2'],
      calls: [
        { callId: 'c1', name: 'search', arguments: '{"q":"cats"}', tool: undefined },
        { callId: 'c2', name: 'delete_file', arguments: '{"path":"/tmp/x"}', tool: { approvalRequired: true } },
      ],
      interruptType: undefined,
      payload: { note: 'please approve' },
    })

    await store.append('run_1', working) // resumed: the interrupt is answered
    s = await state()
    expect(s.status).toBe('working')
    expect(s.pending).toBeUndefined()

    await store.append('run_1', { type: 'usage', inputTokens: 3, outputTokens: 7, cachedTokens: 4 })
    await store.append('run_1', { type: 'run.completed', incomplete: { reason: 'max_output_tokens' } })
    s = await state()
    expect(s.status).toBe('completed')
    expect(s.usage).toEqual({ inputTokens: 13, outputTokens: 12, reasoningTokens: 2, cachedTokens: 4 })
    expect(s.incomplete).toEqual({ reason: 'max_output_tokens' })
    expect(s.lastSeq).toBe(11)
  })

  it('records the error of a failed run', async () => {
    const store = await storeWithRun()
    await store.append('run_1', working)
    await store.append('run_1', { type: 'run.failed', error: { code: 'upstream_failed', message: 'backend down' } })
    const s = (await store.getRun('run_1'))!.state
    expect(s.status).toBe('failed')
    expect(s.error).toEqual({ code: 'upstream_failed', message: 'backend down' })
  })

  it.each<[string, AgentEvent]>([
    ['run.completed', { type: 'run.completed' }],
    ['run.failed', { type: 'run.failed', error: { code: 'x', message: 'y' } }],
    ['run.canceled', { type: 'run.canceled' }],
  ])('refuses events after a terminal %s with a conflict BridgeError', async (_, terminal) => {
    const store = await storeWithRun()
    await store.append('run_1', working)
    await store.append('run_1', terminal)
    await expectBridgeError(store.append('run_1', delta('late')), 'conflict')
    await expectBridgeError(store.append('run_1', completed), 'conflict')
    expect((await store.getRun('run_1'))?.state.lastSeq).toBe(2)
    expect(seqs(await collect(store.read('run_1', 0)))).toEqual([1, 2])
  })

  it('does not seal on a paused (input_required) status', async () => {
    const store = await storeWithRun()
    await store.append('run_1', { type: 'run.status', status: 'input_required' })
    expect((await store.append('run_1', working)).seq).toBe(2)
  })

  it('answers not_found for an unknown run', async () => {
    const store = new MemoryRunStore()
    await expectBridgeError(store.append('nope', working), 'not_found')
    await expectBridgeError(collect(store.read('nope', 0)), 'not_found')
    await expectBridgeError(collect(store.read('nope', 0, { follow: true })), 'not_found')
  })

  it('deleteRun forgets the run', async () => {
    const store = await storeWithRun()
    await store.append('run_1', working)
    await store.deleteRun('run_1')
    expect(await store.getRun('run_1')).toBeUndefined()
    await expectBridgeError(store.append('run_1', delta('x')), 'not_found')
    await store.deleteRun('run_1') // deleting twice is harmless
  })
})

describe('MemoryRunStore event log reads', () => {
  async function storeWithEvents(count: number, options: ConstructorParameters<typeof MemoryRunStore>[0] = {}) {
    const store = await storeWithRun(options)
    for (let i = 1; i <= count; i++) await store.append('run_1', delta(String(i)))
    return store
  }

  it('read(0) replays the whole log in order, with the stamped events', async () => {
    const store = await storeWithEvents(3)
    const events = await collect(store.read('run_1', 0))
    expect(seqs(events)).toEqual([1, 2, 3])
    expect(events.map((e) => (e.type === 'message.delta' ? e.delta : undefined))).toEqual(['1', '2', '3'])
    expect(events.every((e) => e.runId === 'run_1')).toBe(true)
  })

  it('read(after) replays only later events', async () => {
    const store = await storeWithEvents(5)
    expect(seqs(await collect(store.read('run_1', 2)))).toEqual([3, 4, 5])
    expect(seqs(await collect(store.read('run_1', 4)))).toEqual([5])
    expect(seqs(await collect(store.read('run_1', 5)))).toEqual([])
    expect(seqs(await collect(store.read('run_1', 99)))).toEqual([])
    expect(seqs(await collect(store.read('run_1', -3)))).toEqual([1, 2, 3, 4, 5])
  })

  it('without follow, a read of a live run ends at the current end of the log', async () => {
    const store = await storeWithEvents(2)
    expect(seqs(await within(collect(store.read('run_1', 0)), 500, 'non-follow read'))).toEqual([1, 2])
  })

  it('follow tails new events live and ends when a terminal event seals the log', async () => {
    const store = await storeWithEvents(2)
    const reader = flat(store.read('run_1', 1, { follow: true }))
    expect((await reader.next()).value).toMatchObject({ seq: 2 })

    const waiting = reader.next()
    expect(await settledSoon(waiting)).toBe('pending') // nothing new yet: the reader waits
    await store.append('run_1', delta('3'))
    expect((await within(waiting, 500, 'live event')).value).toMatchObject({ seq: 3, delta: '3' })

    const next = reader.next()
    await store.append('run_1', delta('4'))
    await store.append('run_1', completed)
    expect((await within(next, 500, 'live event')).value).toMatchObject({ seq: 4 })
    expect((await within(reader.next(), 500, 'terminal event')).value).toMatchObject({ seq: 5, type: 'run.completed' })
    expect(await within(reader.next(), 500, 'end after terminal')).toEqual({ done: true, value: undefined })
  })

  it('several followers each get every event', async () => {
    const store = await storeWithRun()
    const a = collect(store.read('run_1', 0, { follow: true }))
    const b = collect(store.read('run_1', 0, { follow: true }))
    await store.append('run_1', working)
    await store.append('run_1', delta('x'))
    await store.append('run_1', completed)
    expect(seqs(await within(a, 500, 'follower a'))).toEqual([1, 2, 3])
    expect(seqs(await within(b, 500, 'follower b'))).toEqual([1, 2, 3])
  })

  it('follow on an already sealed run replays and ends at once', async () => {
    const store = await storeWithEvents(2)
    await store.append('run_1', completed)
    expect(seqs(await within(collect(store.read('run_1', 1, { follow: true })), 500, 'sealed follow'))).toEqual([2, 3])
  })

  it('a follower ends when the run is deleted', async () => {
    const store = await storeWithEvents(1)
    const all = collect(store.read('run_1', 0, { follow: true }))
    await new Promise((r) => setTimeout(r, 5))
    await store.deleteRun('run_1')
    expect(seqs(await within(all, 500, 'follower end on delete'))).toEqual([1])
  })

  it('a follower aborted via its signal stops promptly, while waiting and between events', async () => {
    const store = await storeWithEvents(2)
    const ac = new AbortController()
    const seen: number[] = []
    const done = (async () => {
      for await (const e of flat(store.read('run_1', 0, { follow: true, signal: ac.signal }))) seen.push(e.seq)
    })()
    await new Promise((r) => setTimeout(r, 5))
    expect(seen).toEqual([1, 2]) // caught up and now waiting
    ac.abort()
    await within(done, 100, 'aborted follower to stop')
    await store.append('run_1', delta('after abort'))
    expect(seen).toEqual([1, 2])
  })

  it('a follower whose signal aborts while it handles an event gets nothing more', async () => {
    const store = await storeWithEvents(2)
    const ac = new AbortController()
    const seen: number[] = []
    const done = (async () => {
      for await (const e of flat(store.read('run_1', 0, { follow: true, signal: ac.signal }))) {
        seen.push(e.seq)
        if (e.seq === 2) {
          ac.abort()
          await store.append('run_1', delta('3, appended after the abort'))
        }
      }
    })()
    await within(done, 100, 'aborted follower to stop')
    expect(seen).toEqual([1, 2])
  })

  it('a reader with an already aborted signal reads nothing', async () => {
    const store = await storeWithEvents(2)
    expect(
      await within(collect(store.read('run_1', 0, { follow: true, signal: AbortSignal.abort() })), 100, 'read'),
    ).toEqual([])
  })

  it('with a bounded log, reading from a dropped position throws too_far_behind while recent positions work', async () => {
    const store = await storeWithEvents(5, { maxEventsPerRun: 3 }) // keeps seq 3, 4, 5
    await expectBridgeError(collect(store.read('run_1', 0)), 'too_far_behind')
    await expectBridgeError(collect(store.read('run_1', 1)), 'too_far_behind')
    const error = await collect(store.read('run_1', 1)).catch((e: unknown) => e)
    expect((error as BridgeError).status).toBe(410)
    expect(seqs(await collect(store.read('run_1', 2)))).toEqual([3, 4, 5])
    expect(seqs(await collect(store.read('run_1', 4)))).toEqual([5])
    // The run's state is unaffected by the truncation.
    expect((await store.getRun('run_1'))?.state.lastSeq).toBe(5)
  })

  it('a caught-up follower gets every event, in order, when more arrive at once than the log holds', async () => {
    const store = await storeWithEvents(1, { maxEventsPerRun: 3 })
    const reader = flat(store.read('run_1', 0, { follow: true }))
    expect((await reader.next()).value).toMatchObject({ seq: 1 })
    const waiting = reader.next()
    // Six events land before the follower gets to run again; the log only holds three.
    const appends = [2, 3, 4, 5, 6, 7].map((i) => store.append('run_1', delta(String(i))))
    const seen: number[] = [(await within(waiting, 500, 'event 2')).value!.seq]
    while (seen.length < 6) seen.push((await within(reader.next(), 500, `event ${seen.length + 2}`)).value!.seq)
    expect(seen).toEqual([2, 3, 4, 5, 6, 7])
    expect(seqs(await within(Promise.all(appends), 500, 'appends'))).toEqual([2, 3, 4, 5, 6, 7])
    await reader.return(undefined)
  })

  it('append waits while the log is full and an attached reader still needs its oldest event', async () => {
    const store = await storeWithEvents(3, { maxEventsPerRun: 3 })
    const reader = flat(store.read('run_1', 0, { follow: true }))
    expect((await reader.next()).value).toMatchObject({ seq: 1 })
    const fourth = store.append('run_1', delta('4'))
    expect(await settledSoon(fourth)).toBe('pending')
    expect((await reader.next()).value).toMatchObject({ seq: 2 })
    expect((await reader.next()).value).toMatchObject({ seq: 3 })
    // Moving past the events it held lets the producer go on, and the reader sees what it appended.
    expect((await within(reader.next(), 500, 'event 4')).value).toMatchObject({ seq: 4, delta: '4' })
    expect((await within(fourth, 500, 'append')).seq).toBe(4)
    await reader.return(undefined)
  })

  it('a reader that lets go no longer holds the producer back', async () => {
    const store = await storeWithEvents(3, { maxEventsPerRun: 3 })
    const reader = flat(store.read('run_1', 0))
    expect((await reader.next()).value).toMatchObject({ seq: 1 })
    const fourth = store.append('run_1', delta('4'))
    expect(await settledSoon(fourth)).toBe('pending')
    await reader.return(undefined)
    expect((await within(fourth, 500, 'append after the reader let go')).seq).toBe(4)
    // Event 1 is gone now: a new reader from the start hears so.
    await expectBridgeError(collect(store.read('run_1', 0)), 'too_far_behind')
  })

  it('a reader that has not started yet does not hold the producer back', async () => {
    const store = await storeWithEvents(3, { maxEventsPerRun: 3 })
    const late = store.read('run_1', 0)
    expect((await within(store.append('run_1', delta('4')), 500, 'append')).seq).toBe(4)
    await expectBridgeError(collect(late), 'too_far_behind')
  })

  it('deleting a run releases an append held back by a reader', async () => {
    const store = await storeWithEvents(3, { maxEventsPerRun: 3 })
    const reader = flat(store.read('run_1', 0, { follow: true }))
    await reader.next()
    const fourth = store.append('run_1', delta('4'))
    expect(await settledSoon(fourth)).toBe('pending')
    await store.deleteRun('run_1')
    const error = await within(fourth, 500, 'held-back append').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BridgeError)
    expect(['conflict', 'not_found']).toContain((error as BridgeError).code)
    await reader.return(undefined)
  })

  it('appends held back by a full log keep their call order', async () => {
    const store = await storeWithEvents(2, { maxEventsPerRun: 2 })
    const reader = store.read('run_1', 0, { follow: true })[Symbol.asyncIterator]()
    await reader.next() // holds event 1 (and 2, if read batches)
    const first = store.append('run_1', delta('A'))
    expect(await settledSoon(first)).toBe('pending')
    const resumed = reader.next() // the reader moves on and frees the log...
    const second = store.append('run_1', delta('B')) // ...just as another append comes in
    const [a, b] = await within(Promise.all([first, second]), 500, 'appends')
    expect(a.seq).toBeLessThan(b.seq)
    await resumed
    await reader.return?.(undefined)
  })
})

describe('MemoryRunStore reader', () => {
  it('a step of appends reaches a waiting follower as one batch, once the step is done', async () => {
    const store = await storeWithRun()
    await store.append('run_1', working)
    const reader = store.read('run_1', 1, { follow: true })[Symbol.asyncIterator]()
    const next = reader.next()
    store.appendMany?.('run_1', [delta('a'), delta('b'), delta('c')])
    const batch = (await within(next, 500, 'the batch')).value as RunEvent[]
    expect(batch.map((e) => (e.type === 'message.delta' ? e.delta : e.type))).toEqual(['a', 'b', 'c'])
    await reader.return?.()
  })

  it('next() called again before the last one settled waits for it: each batch once, none skipped', async () => {
    const store = await storeWithRun()
    const reader = store.read('run_1', 0, { follow: true })[Symbol.asyncIterator]()
    const settled: string[] = []
    const noted = (name: string) => (r: IteratorResult<RunEvent[]>) => {
      settled.push(name)
      return r
    }
    const first = reader.next().then(noted('first'))
    const second = reader.next().then(noted('second'))
    await store.append('run_1', working)
    await store.append('run_1', delta('a'))
    await store.append('run_1', completed)
    const reads = [...(await within(Promise.all([first, second]), 500, 'two reads'))]
    for (let r = await reader.next(); !r.done; r = await reader.next()) reads.push(r)
    expect(settled).toEqual(['first', 'second'])
    expect(reads.flatMap((r) => (r.done ? [] : seqs(r.value)))).toEqual([1, 2, 3])
    expect(reads.slice(0, 2).every((r) => !r.done && r.value.length > 0)).toBe(true)
  })

  it('a follower returned while it waits ends at once, and no longer counts as a reader', async () => {
    const store = await storeWithRun({ maxEventsPerRun: 1 })
    await store.append('run_1', working)
    const reader = store.read('run_1', 0, { follow: true })[Symbol.asyncIterator]()
    expect(seqs((await reader.next()).value)).toEqual([1])
    const waiting = reader.next()
    expect(await settledSoon(waiting)).toBe('pending')
    await reader.return?.()
    expect(await within(waiting, 500, 'the wait')).toEqual({ done: true, value: undefined })
    // Nobody holds the full log back any more.
    await within(store.append('run_1', delta('a')), 500, 'an append')
  })
})

describe('MemoryRunStore history', () => {
  it('appends messages per conversation and returns them in order', async () => {
    const store = new MemoryRunStore()
    expect(await store.getHistory('c1')).toEqual([])
    await store.appendHistory('c1', [message('m1', 'hi'), message('m2', 'hello', 'assistant')])
    await store.appendHistory('c1', [message('m3', 'again')])
    await store.appendHistory('c2', [message('x', 'other conversation')])
    expect((await store.getHistory('c1')).map((m) => m.id)).toEqual(['m1', 'm2', 'm3'])
    expect((await store.getHistory('c2')).map((m) => m.id)).toEqual(['x'])
  })

  it('keeps only the last maxHistory messages', async () => {
    const store = new MemoryRunStore({ maxHistory: 3 })
    await store.appendHistory('c', [message('1', 'a'), message('2', 'b')])
    await store.appendHistory('c', [message('3', 'c'), message('4', 'd')])
    expect((await store.getHistory('c')).map((m) => m.id)).toEqual(['2', '3', '4'])
    await store.appendHistory('c', [message('5', 'e'), message('6', 'f'), message('7', 'g'), message('8', 'h')])
    expect((await store.getHistory('c')).map((m) => m.id)).toEqual(['6', '7', '8'])
  })

  it('stores and returns copies', async () => {
    const store = new MemoryRunStore()
    const input = [message('m1', 'original')]
    await store.appendHistory('c', input)
    input[0]!.parts[0] = { type: 'text', text: 'mutated input' }
    const out = await store.getHistory('c')
    expect(out[0]?.parts[0]).toEqual({ type: 'text', text: 'original' })
    out.push(message('m2', 'pushed'))
    out[0]!.id = 'changed'
    expect((await store.getHistory('c')).map((m) => m.id)).toEqual(['m1'])
  })
})

describe('MemoryRunStore docs', () => {
  it('puts, gets and deletes documents by namespace and key', async () => {
    const store = new MemoryRunStore()
    expect(await store.getDoc('ns', 'k')).toBeUndefined()
    await store.putDoc('ns', 'k', { a: 1 })
    await store.putDoc('other', 'k', { a: 2 })
    expect(await store.getDoc('ns', 'k')).toEqual({ a: 1 })
    expect(await store.getDoc('other', 'k')).toEqual({ a: 2 })
    await store.putDoc('ns', 'k', { a: 3 })
    expect(await store.getDoc('ns', 'k')).toEqual({ a: 3 })
    await store.deleteDoc('ns', 'k')
    expect(await store.getDoc('ns', 'k')).toBeUndefined()
    expect(await store.getDoc('other', 'k')).toEqual({ a: 2 })
    await store.deleteDoc('ns', 'missing') // harmless
  })

  it('does not confuse namespace/key pairs that concatenate alike', async () => {
    const store = new MemoryRunStore()
    await store.putDoc('a', 'bc', 1)
    await store.putDoc('ab', 'c', 2)
    expect(await store.getDoc('a', 'bc')).toBe(1)
    expect(await store.getDoc('ab', 'c')).toBe(2)
  })

  it('keeps independent copies: mutating the stored or returned value does not change the store', async () => {
    const store = new MemoryRunStore()
    const value = { list: [1, 2], nested: { x: 'y' } }
    await store.putDoc('ns', 'k', value)
    value.list.push(3)
    value.nested.x = 'mutated before get'
    const got = await store.getDoc<typeof value>('ns', 'k')
    expect(got).toEqual({ list: [1, 2], nested: { x: 'y' } })
    got!.list.push(99)
    got!.nested.x = 'mutated after get'
    expect(await store.getDoc('ns', 'k')).toEqual({ list: [1, 2], nested: { x: 'y' } })
  })
})

describe('MemoryRunStore TTL', () => {
  const ttlMs = 1_000

  it('forgets runs, docs and history a TTL after their last change', async () => {
    let now = 0
    const store = new MemoryRunStore({ ttlMs, now: () => now })
    await store.createRun(record('r', { createdAt: 0, updatedAt: 0 }))
    await store.putDoc('ns', 'k', 'doc')
    await store.appendHistory('c', [message('m1', 'hi')])

    now = 500
    expect(await store.getRun('r')).toBeDefined()
    expect(await store.getDoc('ns', 'k')).toBe('doc')
    expect(await store.getHistory('c')).toHaveLength(1)

    now = 2_500
    expect(await store.getRun('r')).toBeUndefined()
    expect(await store.listRuns({})).toEqual([])
    expect(await store.getDoc('ns', 'k')).toBeUndefined()
    expect(await store.getHistory('c')).toEqual([])
    await expectBridgeError(store.append('r', working), 'not_found')
    // The id is free again.
    await store.createRun(record('r', { createdAt: now, updatedAt: now }))
    expect(await store.getRun('r')).toBeDefined()
  })

  it('sweep() lets expired runs go without waiting for the next call, and keeps the live ones', async () => {
    let now = 0
    const store = new MemoryRunStore({ ttlMs, now: () => now })
    await store.createRun(record('old', { createdAt: 0, updatedAt: 0 }))
    now = 900
    await store.createRun(record('new', { createdAt: now, updatedAt: now }))
    now = 1_500
    store.sweep()
    expect(store.size).toBe(1)
    expect(await store.getRun('new')).toBeDefined()
    now = 2_000
    store.sweep()
    expect(store.size).toBe(0)
    expect(store.sweepIntervalMs).toBe(ttlMs)
  })

  it('a change restarts the TTL', async () => {
    let now = 0
    const store = new MemoryRunStore({ ttlMs, now: () => now })
    await store.createRun(record('r'))
    await store.putDoc('ns', 'k', 'v1')
    await store.appendHistory('c', [message('m1', 'hi')])

    now = 800
    await store.append('r', working)
    await store.putDoc('ns', 'k', 'v2')
    await store.appendHistory('c', [message('m2', 'again')])

    now = 1_500 // 1 500 after creation, 700 after the last change
    expect(await store.getRun('r')).toBeDefined()
    expect(await store.getDoc('ns', 'k')).toBe('v2')
    expect((await store.getHistory('c')).map((m) => m.id)).toEqual(['m1', 'm2'])

    now = 3_000
    expect(await store.getRun('r')).toBeUndefined()
    expect(await store.getDoc('ns', 'k')).toBeUndefined()
    expect(await store.getHistory('c')).toEqual([])
  })

  it('keeps a run that a follower is waiting on, and lets it expire once the follower aborts', async () => {
    let now = 0
    const store = new MemoryRunStore({ ttlMs, now: () => now })
    await store.createRun(record('r'))
    const ac = new AbortController()
    const follower = collect(store.read('r', 0, { follow: true, signal: ac.signal }))
    await new Promise((r) => setTimeout(r, 5))

    now = 5_000
    expect(await store.getRun('r')).toBeDefined()

    ac.abort()
    await within(follower, 100, 'follower')
    now = 10_000
    expect(await store.getRun('r')).toBeUndefined()
  })

  it('an expired conversation starts afresh when appended to', async () => {
    let now = 0
    const store = new MemoryRunStore({ ttlMs, now: () => now })
    await store.appendHistory('c', [message('old', 'from long ago')])
    now = 5_000 // long past the TTL
    await store.appendHistory('c', [message('new', 'hello again')])
    expect((await store.getHistory('c')).map((m) => m.id)).toEqual(['new'])
  })

  it('never returns a document past its TTL, however recently the last sweep ran', async () => {
    let now = 0
    const store = new MemoryRunStore({ ttlMs, now: () => now })
    await store.putDoc('ns', 'k', 'v') // expires at 1 000
    now = 900
    expect(await store.getDoc('ns', 'k')).toBe('v')
    now = 1_500
    expect(await store.getDoc('ns', 'k')).toBeUndefined()
  })
})
