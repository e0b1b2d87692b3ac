// The poll protocol (src/stream/poll.ts): a reading that takes what is ready with `poll()` and is called back once by
// `wait(ready)` when more may be ready. Spoken by `passThrough`/`mapThrough` (Through), the memory store's log readers
// (LogReader) and the SSE pump. These tests hold the polled paths to what the `next()` paths give, and to the contract:
// `ready` is called once, later, never within `wait`; a returned or aborted reading calls back too.
import { describe, expect, it } from 'vitest'
import { runRecord } from '../helpers/events.js'
import { flush, pollable, settled, waitOnce, within } from '../helpers/poll.js'
import { BridgeError } from '../../src/core/index.js'
import type { AgentEvent, RunEvent } from '../../src/core/index.js'
import { MemoryRunStore } from '../../src/store/index.js'
import type { MapHooks, SSEChunk, SSEMessage } from '../../src/stream/index.js'
import { mapThrough, passThrough, sseResponse, sseStream } from '../../src/stream/index.js'
import { PENDING, type Pollable } from '../../src/stream/poll.js'

const decoder = new TextDecoder()
const DONE_RESULT: IteratorReturnResult<undefined> = { done: true, value: undefined }

const record = runRecord

const delta = (text: string): AgentEvent => ({ type: 'message.delta', messageId: 'm1', delta: text, channel: 'output' })
const working: AgentEvent = { type: 'run.status', status: 'working' }
const completed: AgentEvent = { type: 'run.completed' }

async function storeWithRun(options: ConstructorParameters<typeof MemoryRunStore>[0] = {}, runId = 'run_1') {
  const store = new MemoryRunStore({ now: () => 0, ...options })
  await store.createRun(record(runId))
  return store
}

const seqs = (batch: readonly RunEvent[]) => batch.map((e) => e.seq)

/** Reads a pollable to its end with poll() and wait() only. */
async function pollAll<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const it = pollable(iterable)
  const out: T[] = []
  for (let steps = 0; steps < 10_000; steps++) {
    const result = it.poll()
    if (result === PENDING) await waitOnce(it)
    else if (result.done) return out
    else out.push(result.value)
  }
  throw new Error('poll never ended')
}

/** The next result that is not PENDING, waiting as often as needed. */
async function pollNext<T>(it: Pollable<T>): Promise<IteratorResult<T>> {
  for (let steps = 0; steps < 100; steps++) {
    const result = it.poll()
    if (result !== PENDING) return result
    await waitOnce(it)
  }
  throw new Error('still pending')
}

/** Reads an iterable to its end with next() (for await). */
async function nextAll<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of iterable) out.push(x)
  return out
}

/** Reads to the end, the failure (if any) kept as an outcome rather than thrown. */
async function outcome<T>(read: Promise<T[]>): Promise<{ items: T[] } | { error: unknown }> {
  return read.then(
    (items) => ({ items }),
    (error: unknown) => ({ error }),
  )
}

/**
 * A hand-written pollable source: items pushed in are polled out one at a time; `end()` or `fail()` once they are
 * taken. Its `next()` is built on poll/wait, so the same source can be read either way. Counts how it was read.
 */
class Feed<T> implements Pollable<T> {
  readonly #items: T[] = []
  #ended = false
  #error: { error: unknown } | undefined
  #returned = false
  #ready: (() => void) | undefined
  nextCalls = 0
  pollCalls = 0
  returns = 0

  constructor(items: T[] = [], end?: 'end' | { error: unknown }) {
    this.#items.push(...items)
    if (end === 'end') this.#ended = true
    else if (end) this.#error = end
  }

  [Symbol.asyncIterator]() {
    return this
  }

  push(...items: T[]) {
    this.#items.push(...items)
    this.#wake()
  }

  end() {
    this.#ended = true
    this.#wake()
  }

  fail(error: unknown) {
    this.#error = { error }
    this.#wake()
  }

  poll(): IteratorResult<T> | typeof PENDING {
    this.pollCalls++
    if (this.#returned) return DONE_RESULT
    if (this.#items.length > 0) return { done: false, value: this.#items.shift() as T }
    const failure = this.#error
    if (failure) {
      this.#returned = true
      throw failure.error
    }
    return this.#ended ? DONE_RESULT : PENDING
  }

  wait(ready: () => void) {
    this.#ready = ready
    if (this.#returned || this.#items.length > 0 || this.#ended || this.#error) this.#wake()
  }

  async next(): Promise<IteratorResult<T>> {
    this.nextCalls++
    for (;;) {
      const result = this.poll()
      this.pollCalls-- // counted as a next(), not as a poll
      if (result !== PENDING) return result
      await new Promise<void>((resolve) => this.wait(resolve))
    }
  }

  async return(): Promise<IteratorResult<T>> {
    this.returns++
    this.#returned = true
    this.#wake()
    return DONE_RESULT
  }

  #wake() {
    const ready = this.#ready
    this.#ready = undefined
    if (ready) queueMicrotask(ready)
  }
}

async function* count(n: number, fail?: Error) {
  for (let i = 1; i <= n; i++) yield i
  if (fail) throw fail
}

/** Hooks that record their calls, for a reading of numbers. */
function recorded(extra: Partial<MapHooks<number, string>> = {}) {
  const calls: string[] = []
  const hooks: MapHooks<number, string> = {
    first: () => 'first',
    map: (n) => `item ${n}`,
    last: () => 'last',
    end: () => calls.push('end'),
    ...extra,
  }
  return { calls, hooks }
}

describe('mapThrough polled over a pollable source', () => {
  it('gives first, each item mapped, then last, and tells end once, reading the source with poll() only', async () => {
    const opened: string[] = []
    const feed = new Feed([1, 2, 3], 'end')
    const { calls, hooks } = recorded()
    const it = pollable(
      mapThrough(() => {
        opened.push('open')
        return feed
      }, hooks),
    )
    expect(it.poll()).toEqual({ done: false, value: 'first' })
    // `first` went out before the source was opened.
    expect(opened).toEqual([])
    const rest = await pollAll({ [Symbol.asyncIterator]: () => it })
    expect(rest).toEqual(['item 1', 'item 2', 'item 3', 'last'])
    expect(opened).toEqual(['open'])
    expect(calls).toEqual(['end'])
    expect(feed.nextCalls).toBe(0)
    expect(feed.pollCalls).toBeGreaterThan(0)
    expect(it.poll()).toEqual(DONE_RESULT)
    expect(calls).toEqual(['end'])
  })

  it('steps through items that are ready without waiting: several polls in one synchronous run', async () => {
    const feed = new Feed<number>()
    const it = pollable(mapThrough(() => feed, { map: (n) => n * 10 }))
    expect(it.poll()).toBe(PENDING)
    await waitOnce(it) // opens the source
    expect(it.poll()).toBe(PENDING)
    feed.push(1, 2, 3)
    // Pushed items are there for the taking, no wait needed in between.
    expect([it.poll(), it.poll(), it.poll(), it.poll()]).toEqual([
      { done: false, value: 10 },
      { done: false, value: 20 },
      { done: false, value: 30 },
      PENDING,
    ])
    feed.end()
    expect(it.poll()).toEqual(DONE_RESULT)
  })

  it('gives the same items as next() over the same input, a failure turned into an item included', async () => {
    const inputs: [number[], 'end' | { error: unknown }][] = [
      [[], 'end'],
      [[1, 2, 3], 'end'],
      [[1, 2], { error: new Error('broke') }],
    ]
    for (const [items, end] of inputs) {
      const run = (read: typeof pollAll) => {
        const { calls, hooks } = recorded({ failed: (e) => `failed: ${(e as Error).message}` })
        return read(mapThrough(() => new Feed([...items], end), hooks)).then((out) => ({ out, calls }))
      }
      const polled = await run(pollAll)
      expect(polled).toEqual(await run(nextAll))
      expect(polled.calls).toEqual(['end'])
    }
  })

  it('`stop` ends the reading: the source is returned, last follows, end is told once (return() after it too)', async () => {
    const feed = new Feed([1, 2, 3, 4, 5])
    let seen = 0
    const { calls, hooks } = recorded({ map: (n) => `item ${(seen = n)}`, stop: () => seen === 2 })
    const it = pollable(mapThrough(() => feed, hooks))
    const out: string[] = []
    for (;;) {
      const r = it.poll()
      if (r === PENDING) await waitOnce(it)
      else if (r.done) break
      else out.push(r.value)
    }
    expect(out).toEqual(['first', 'item 1', 'item 2', 'last'])
    expect(feed.returns).toBe(1)
    expect(calls).toEqual(['end'])
    await it.return?.()
    expect(calls).toEqual(['end'])
    // The same with next().
    seen = 0
    const again = recorded({ map: (n) => `item ${(seen = n)}`, stop: () => seen === 2 })
    expect(await nextAll(mapThrough(() => new Feed([1, 2, 3, 4, 5]), again.hooks))).toEqual(out)
  })

  it("a failing source without `failed`: the poll throws the source's error, after end was told", async () => {
    const boom = new Error('boom')
    const { calls, hooks } = recorded()
    const it = pollable(mapThrough(() => new Feed([1], { error: boom }), hooks))
    expect(it.poll()).toEqual({ done: false, value: 'first' })
    expect(it.poll()).toBe(PENDING)
    await waitOnce(it)
    expect(it.poll()).toEqual({ done: false, value: 'item 1' })
    expect(() => it.poll()).toThrow(boom)
    expect(calls).toEqual(['end'])
    expect(it.poll()).toEqual(DONE_RESULT)
  })

  it('a map that throws lets the source go, and the failure goes to `failed` as when polled', async () => {
    const feed = new Feed([1, 2, 3])
    const { calls, hooks } = recorded({
      map: (n) => {
        if (n === 2) throw new Error('bad item')
        return `item ${n}`
      },
      failed: (e) => `failed: ${(e as Error).message}`,
    })
    expect(await pollAll(mapThrough(() => feed, hooks))).toEqual(['first', 'item 1', 'failed: bad item', 'last'])
    expect(feed.returns).toBe(1)
    expect(calls).toEqual(['end'])
  })

  it('passThrough polled over a pollable source hands its items on as they are', async () => {
    let ends = 0
    const feed = new Feed(['a', 'b'], 'end')
    expect(
      await pollAll(
        passThrough(
          () => feed,
          () => ends++,
        ),
      ),
    ).toEqual(['a', 'b'])
    expect(ends).toBe(1)
    expect(feed.nextCalls).toBe(0)
  })
})

describe('mapThrough polled over a source that only has next()', () => {
  it('gives what next() gives over an async generator', async () => {
    for (const n of [0, 1, 4]) {
      const polled = recorded()
      const read = recorded()
      const p = await pollAll(mapThrough(() => count(n), polled.hooks))
      expect(p).toEqual(await nextAll(mapThrough(() => count(n), read.hooks)))
      expect(p).toEqual(['first', ...Array.from({ length: n }, (_, i) => `item ${i + 1}`), 'last'])
      expect(polled.calls).toEqual(['end'])
      expect(read.calls).toEqual(['end'])
    }
  })

  it("a generator that throws gives `failed`'s item then last, as with next()", async () => {
    const hooks = () => recorded({ failed: (e) => `failed: ${(e as Error).message}` })
    const polled = hooks()
    const p = await pollAll(mapThrough(() => count(2, new Error('broke')), polled.hooks))
    expect(p).toEqual(['first', 'item 1', 'item 2', 'failed: broke', 'last'])
    expect(p).toEqual(await nextAll(mapThrough(() => count(2, new Error('broke')), hooks().hooks)))
    expect(polled.calls).toEqual(['end'])
  })

  it("without `failed`, the poll throws the generator's error (what next() rejects with), and no last goes out", async () => {
    const boom = new Error('broke')
    const polled = recorded()
    const out: string[] = []
    const it = pollable(mapThrough(() => count(1, boom), polled.hooks))
    let thrown: unknown
    for (let i = 0; i < 100; i++) {
      let r: IteratorResult<string> | typeof PENDING
      try {
        r = it.poll()
      } catch (error) {
        thrown = error
        break
      }
      if (r === PENDING) await waitOnce(it)
      else if (r.done) break
      else out.push(r.value)
    }
    expect(thrown).toBe(boom)
    expect(out).toEqual(['first', 'item 1'])
    expect(polled.calls).toEqual(['end'])
    const byNext = await outcome(nextAll(mapThrough(() => count(1, boom), recorded().hooks)))
    expect(byNext).toEqual({ error: boom })
  })

  it('a source whose next() throws instead of rejecting fails the same way when polled', async () => {
    const boom = new Error('sync boom')
    const source: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          throw boom
        },
      }),
    }
    const hooks = recorded({ failed: (e) => `failed: ${(e as Error).message}` })
    expect(await pollAll(mapThrough(() => source, hooks.hooks))).toEqual(['first', 'failed: sync boom', 'last'])
  })

  it('takes one next() per wait: the source is not read ahead of the poller', async () => {
    let produced = 0
    async function* endless() {
      for (let i = 1; ; i++) {
        produced = i
        yield i
      }
    }
    const it = pollable(mapThrough(endless, { map: (n) => n }))
    const out: number[] = []
    while (out.length < 3) {
      const r = it.poll()
      if (r === PENDING) await waitOnce(it)
      else if (!r.done) out.push(r.value)
    }
    expect(out).toEqual([1, 2, 3])
    await flush()
    expect(produced).toBe(3)
    await it.return?.()
  })

  it('a return() while waiting on the source: the next poll is done, end is told once', async () => {
    let closed = false
    const release: (() => void)[] = []
    async function* slow() {
      try {
        yield 1
        await new Promise<void>((r) => release.push(r))
        yield 2
      } finally {
        closed = true
      }
    }
    const { calls, hooks } = recorded()
    const it = pollable(mapThrough(slow, hooks))
    expect(it.poll()).toEqual({ done: false, value: 'first' })
    expect(await pollNext(it)).toEqual({ done: false, value: 'item 1' })
    expect(it.poll()).toBe(PENDING)
    let woken = 0
    it.wait(() => woken++)
    await flush()
    expect(woken).toBe(0) // the source is still waiting
    const returned = it.return?.()
    release.shift()?.()
    await returned
    await flush()
    expect(woken).toBe(1)
    expect(it.poll()).toEqual(DONE_RESULT)
    expect(closed).toBe(true)
    expect(calls).toEqual(['end'])
  })
})

describe('mapThrough polled over an open() that fails', () => {
  it("a rejecting open(): the poll after the wait gives `failed`'s item, then last; end is not told", async () => {
    const { calls, hooks } = recorded({ first: undefined, failed: (e) => `failed: ${(e as Error).message}` })
    const it = pollable(
      mapThrough(async (): Promise<AsyncIterable<number>> => {
        throw new Error('not yours')
      }, hooks),
    )
    expect(it.poll()).toBe(PENDING)
    await waitOnce(it)
    expect(it.poll()).toEqual({ done: false, value: 'failed: not yours' })
    expect(it.poll()).toEqual({ done: false, value: 'last' })
    expect(it.poll()).toEqual(DONE_RESULT)
    // As next() gives it; an unopened source is not ended.
    expect(calls).toEqual([])
    const byNext = recorded({ first: undefined, failed: (e) => `failed: ${(e as Error).message}` })
    expect(
      await nextAll(
        mapThrough(async (): Promise<AsyncIterable<number>> => {
          throw new Error('not yours')
        }, byNext.hooks),
      ),
    ).toEqual(['failed: not yours', 'last'])
  })

  it('without `failed`, the poll after the wait throws the open error', async () => {
    const refused = new Error('refused')
    const { calls, hooks } = recorded()
    const it = pollable(
      mapThrough(async (): Promise<AsyncIterable<number>> => {
        throw refused
      }, hooks),
    )
    expect(it.poll()).toEqual({ done: false, value: 'first' })
    expect(it.poll()).toBe(PENDING)
    await waitOnce(it)
    expect(() => it.poll()).toThrow(refused)
    expect(it.poll()).toEqual(DONE_RESULT)
    expect(calls).toEqual([])
  })

  it('an open() that throws at once fails the same way, at the poll after the wait', async () => {
    const it = pollable(
      passThrough((): AsyncIterable<number> => {
        throw new Error('at once')
      }),
    )
    expect(it.poll()).toBe(PENDING)
    await waitOnce(it)
    expect(() => it.poll()).toThrow('at once')
  })

  it('an async open() of a pollable source is waited for, then polled', async () => {
    const feed = new Feed([1, 2], 'end')
    expect(await pollAll(mapThrough(async () => feed, { map: (n) => n + 100 }))).toEqual([101, 102])
    expect(feed.nextCalls).toBe(0)
  })
})

describe('wait never calls ready within the call', () => {
  it('in every state of a mapThrough: before first, unopened, with an outcome kept, at last, and over', async () => {
    const check = (it: Pollable<unknown>) => {
      let called = false
      it.wait(() => (called = true))
      expect(called).toBe(false)
    }
    const states: string[] = []
    const it = pollable(mapThrough(() => count(1), recorded().hooks))
    check(it) // before first
    await flush()
    expect(it.poll()).toEqual({ done: false, value: 'first' })
    check(it) // unopened: opens
    await flush()
    check(it) // an outcome already kept from the wait before
    await flush()
    for (;;) {
      const r = it.poll()
      if (r === PENDING) {
        check(it)
        await flush()
        continue
      }
      if (r.done) break
      states.push(r.value)
      check(it)
      await flush()
    }
    expect(states).toEqual(['item 1', 'last'])
    check(it) // over
    await flush()
  })

  it('over a source whose next() throws at once', async () => {
    const it = pollable(
      mapThrough(
        (): AsyncIterable<number> => ({
          [Symbol.asyncIterator]: () => ({
            next: () => {
              throw new Error('x')
            },
          }),
        }),
        { map: (n) => n, failed: () => -1 },
      ),
    )
    expect(it.poll()).toBe(PENDING)
    await waitOnce(it)
    expect(it.poll()).toBe(PENDING)
    await waitOnce(it) // next() throws inside this wait
    expect(it.poll()).toEqual({ done: false, value: -1 })
  })

  it('on a LogReader before it started, while following, and once it is over', async () => {
    const store = await storeWithRun()
    const reader = pollable(store.read('run_1', 0, { follow: true }))
    await waitOnce(reader) // not started
    expect(reader.poll()).toBe(PENDING)
    const waited = waitOnce(reader) // checks it is not called within wait
    store.append('run_1', working)
    await waited
    expect(seqs((reader.poll() as IteratorYieldResult<RunEvent[]>).value)).toEqual([1])
    await reader.return?.()
    await waitOnce(reader) // over
    expect(reader.poll()).toEqual(DONE_RESULT)
  })
})

describe('LogReader polled', () => {
  it('gives PENDING while a following reader has nothing new; appends of one step wake it once, as one batch', async () => {
    const store = await storeWithRun()
    const reader = pollable(store.read('run_1', 0, { follow: true }))
    expect(reader.poll()).toBe(PENDING)
    expect(reader.poll()).toBe(PENDING)
    let woken = 0
    reader.wait(() => woken++)
    await flush()
    expect(woken).toBe(0)
    // Three appends in one synchronous step: two appends and a batch of two.
    void store.append('run_1', working)
    void store.append('run_1', delta('a'))
    void store.appendMany?.('run_1', [delta('b'), delta('c')])
    expect(woken).toBe(0)
    await flush()
    expect(woken).toBe(1)
    const batch = reader.poll()
    expect(batch).not.toBe(PENDING)
    expect(seqs((batch as IteratorYieldResult<RunEvent[]>).value)).toEqual([1, 2, 3, 4])
    expect((batch as IteratorYieldResult<RunEvent[]>).value.map((e) => e.type)).toEqual([
      'run.status',
      'message.delta',
      'message.delta',
      'message.delta',
    ])
    expect(reader.poll()).toBe(PENDING)
    await flush()
    expect(woken).toBe(1)
  })

  it('takes the backlog at once, then each later step as its own batch, to the end of the run', async () => {
    const store = await storeWithRun()
    await store.append('run_1', working)
    await store.append('run_1', delta('a'))
    const reader = pollable(store.read('run_1', 0, { follow: true }))
    const first = reader.poll() as IteratorYieldResult<RunEvent[]>
    expect(seqs(first.value)).toEqual([1, 2])
    expect(reader.poll()).toBe(PENDING)
    const waited = waitOnce(reader)
    store.append('run_1', delta('b'))
    await waited
    expect(seqs((reader.poll() as IteratorYieldResult<RunEvent[]>).value)).toEqual([3])
    expect(reader.poll()).toBe(PENDING)
    const sealed = waitOnce(reader)
    store.appendMany?.('run_1', [delta('c'), completed])
    await sealed
    const last = reader.poll() as IteratorYieldResult<RunEvent[]>
    expect(seqs(last.value)).toEqual([4, 5])
    expect(last.value.at(-1)?.type).toBe('run.completed')
    expect(reader.poll()).toEqual(DONE_RESULT)
    expect(reader.poll()).toEqual(DONE_RESULT)
  })

  it('gives the same batches as next() on the same run, read after a cursor', async () => {
    const store = await storeWithRun()
    store.appendMany?.('run_1', [working, delta('a'), delta('b'), delta('c')])
    const polled = await pollAll(store.read('run_1', 1))
    const byNext = await nextAll(store.read('run_1', 1))
    expect(polled.map(seqs)).toEqual([[2, 3, 4]])
    expect(polled).toEqual(byNext)
  })

  it('a read that does not follow ends with done after its last batch, and at once when nothing is there', async () => {
    const store = await storeWithRun()
    const empty = pollable(store.read('run_1', 0))
    expect(empty.poll()).toEqual(DONE_RESULT)
    await store.append('run_1', working)
    await store.append('run_1', delta('a'))
    const reader = pollable(store.read('run_1', 0))
    expect(seqs((reader.poll() as IteratorYieldResult<RunEvent[]>).value)).toEqual([1, 2])
    expect(reader.poll()).toEqual(DONE_RESULT)
    // Later appends are not its business.
    await store.append('run_1', delta('b'))
    expect(reader.poll()).toEqual(DONE_RESULT)
  })

  // What ends a wait: the reader returned, or its signal aborted.
  const ENDINGS = {
    'return()': (reader: Pollable<RunEvent[]>) => reader.return?.(),
    'an abort': (_reader: Pollable<RunEvent[]>, abort: AbortController) => abort.abort(),
  }
  for (const [how, end] of Object.entries(ENDINGS)) {
    it(`${how} while waiting calls ready once, and the next poll is done`, async () => {
      const store = await storeWithRun()
      const abort = new AbortController()
      const reader = pollable(store.read('run_1', 0, { follow: true, signal: abort.signal }))
      expect(reader.poll()).toBe(PENDING)
      let woken = 0
      reader.wait(() => woken++)
      const ended = end(reader, abort)
      expect(woken).toBe(0)
      await ended
      await flush()
      expect(woken).toBe(1)
      expect(reader.poll()).toEqual(DONE_RESULT)
      // An append after it wakes nothing more.
      await store.append('run_1', working)
      await flush()
      expect(woken).toBe(1)
      expect(reader.poll()).toEqual(DONE_RESULT)
    })
  }

  it('throws from poll what next() rejects with: an unknown run, a cursor the bounded log no longer holds', async () => {
    const store = await storeWithRun({ maxEventsPerRun: 2 })
    const unknown = pollable(store.read('nope', 0, { follow: true }))
    expect(() => unknown.poll()).toThrow(BridgeError)
    await expect(nextAll(store.read('nope', 0))).rejects.toMatchObject({ code: 'not_found' })
    store.appendMany?.('run_1', [working, delta('a'), delta('b'), delta('c')])
    const behind = pollable(store.read('run_1', 0))
    let error: unknown
    try {
      behind.poll()
    } catch (e) {
      error = e
    }
    expect(error).toMatchObject({ code: 'too_far_behind' })
    expect(behind.poll()).toEqual(DONE_RESULT)
    await expect(nextAll(store.read('run_1', 0))).rejects.toMatchObject({ code: 'too_far_behind' })
  })

  it('holds the log for a polled reader (backpressure) until it takes more or is let go', async () => {
    const store = await storeWithRun({ maxEventsPerRun: 2 })
    const reader = pollable(store.read('run_1', 0, { follow: true }))
    expect(reader.poll()).toBe(PENDING)
    store.appendMany?.('run_1', [working, delta('a')])
    expect(seqs((reader.poll() as IteratorYieldResult<RunEvent[]>).value)).toEqual([1, 2])
    // The log is full and the reader has not asked past seq 1's batch yet: the producer waits.
    const third = store.append('run_1', delta('b'))
    expect(await settled(third)).toBe(false)
    expect(reader.poll()).toBe(PENDING) // asking for more moves the cursor on
    const waited = waitOnce(reader)
    expect(await settled(third)).toBe(true)
    await waited
    expect(seqs((reader.poll() as IteratorYieldResult<RunEvent[]>).value)).toEqual([3])
    // Seq 3 is still the reader's until it asks for more: seq 2 may go, seq 3 may not.
    expect(await settled(store.append('run_1', delta('c')))).toBe(true)
    const fifth = store.append('run_1', delta('d'))
    expect(await settled(fifth)).toBe(false)
    await reader.return?.()
    expect(await settled(fifth)).toBe(true)
  })
})

/** A run's batch as SSE messages, one per event. */
const toMessages = (batch: readonly RunEvent[]): SSEMessage[] =>
  batch.map((e) => ({ id: String(e.seq), event: e.type, data: JSON.stringify({ seq: e.seq }) }))

const sse = (e: { seq: number; type: string }) => `event: ${e.type}\nid: ${e.seq}\ndata: {"seq":${e.seq}}\n\n`

async function readChunk(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string | undefined> {
  const { done, value } = await within(reader.read(), 'a chunk', 1000)
  return done ? undefined : decoder.decode(value)
}

/** A run log read through mapThrough, spied on: how it is read, whether it was let go, whether `end` was told. */
function spiedRead(store: MemoryRunStore, runId: string) {
  const spy = { nextCalls: 0, returns: 0, ends: 0, signal: undefined as AbortSignal | undefined }
  const open = (signal: AbortSignal): AsyncIterable<SSEChunk> => {
    spy.signal = signal
    return mapThrough(
      () => {
        const reader = pollable(store.read(runId, 0, { follow: true }))
        const next = reader.next.bind(reader)
        const ret = reader.return?.bind(reader)
        reader.next = () => {
          spy.nextCalls++
          return next()
        }
        reader.return = (value?: unknown) => {
          spy.returns++
          return ret ? ret(value) : Promise.resolve(DONE_RESULT)
        }
        return { [Symbol.asyncIterator]: () => reader }
      },
      { map: toMessages, end: () => spy.ends++ },
    )
  }
  return { spy, open }
}

describe('SSE pump over a pollable source', () => {
  it('writes events appended later as SSE text in order, a step per chunk, and ends with the run', async () => {
    const store = await storeWithRun()
    const { spy, open } = spiedRead(store, 'run_1')
    const reader = sseStream(open, { keepAliveMs: 0 }).getReader()
    const firstRead = readChunk(reader)
    await flush()
    expect(await settled(firstRead)).toBe(false) // nothing logged yet
    store.append('run_1', working)
    expect(await firstRead).toBe(sse({ seq: 1, type: 'run.status' }))
    const secondRead = readChunk(reader)
    await flush()
    store.appendMany?.('run_1', [delta('a'), delta('b')])
    expect(await secondRead).toBe(sse({ seq: 2, type: 'message.delta' }) + sse({ seq: 3, type: 'message.delta' }))
    const thirdRead = readChunk(reader)
    await flush()
    store.append('run_1', delta('c'))
    store.append('run_1', completed)
    expect(await thirdRead).toBe(sse({ seq: 4, type: 'message.delta' }) + sse({ seq: 5, type: 'run.completed' }))
    expect(await readChunk(reader)).toBeUndefined()
    expect(spy.nextCalls).toBe(0) // driven by poll, not a promise per batch
    expect(spy.ends).toBe(1)
  })

  it('gives the same text as the next() loop over the same events', async () => {
    const events = [working, delta('a'), delta('b'), completed]
    const read = async (asGenerator: boolean) => {
      const store = await storeWithRun()
      store.appendMany?.('run_1', events.map((e) => ({ ...e })) as AgentEvent[])
      const source = () =>
        mapThrough<RunEvent[], SSEChunk>(() => store.read('run_1', 0), {
          map: toMessages,
          last: () => ({ data: 'end' }),
        })
      const open = asGenerator
        ? async function* () {
            yield* source()
          }
        : source
      return new Response(sseStream(open, { keepAliveMs: 0 })).text()
    }
    const polled = await within(read(false), 'polled stream', 1000)
    expect(polled).toBe(await within(read(true), 'next() stream', 1000))
    expect(polled).toBe(
      sse({ seq: 1, type: 'run.status' }) +
        sse({ seq: 2, type: 'message.delta' }) +
        sse({ seq: 3, type: 'message.delta' }) +
        sse({ seq: 4, type: 'run.completed' }) +
        'data: end\n\n',
    )
  })

  it('takes the next batch only once the reader wants it: what piled up meanwhile goes out as one chunk', async () => {
    const store = await storeWithRun()
    const { open } = spiedRead(store, 'run_1')
    const reader = sseStream(open, { keepAliveMs: 0 }).getReader()
    const firstRead = readChunk(reader)
    await flush()
    store.append('run_1', working)
    expect(await firstRead).toBe(sse({ seq: 1, type: 'run.status' }))
    store.append('run_1', delta('a'))
    await flush()
    store.append('run_1', delta('b'))
    await flush()
    expect(await readChunk(reader)).toBe(
      sse({ seq: 2, type: 'message.delta' }) + sse({ seq: 3, type: 'message.delta' }),
    )
    await reader.cancel()
  })

  it("a failing source: onError's message goes out last, then the stream ends", async () => {
    const boom = new Error('boom')
    const feed = new Feed<SSEChunk>([{ data: 'one' }])
    const seen: unknown[] = []
    const reader = sseStream(() => mapThrough(() => feed, { map: (m) => m }), {
      keepAliveMs: 0,
      onError: (e) => {
        seen.push(e)
        return { event: 'error', data: (e as Error).message }
      },
    }).getReader()
    expect(await readChunk(reader)).toBe('data: one\n\n')
    const pending = readChunk(reader)
    await flush()
    feed.fail(boom)
    expect(await pending).toBe('event: error\ndata: boom\n\n')
    expect(await readChunk(reader)).toBeUndefined()
    expect(seen).toEqual([boom])
    expect(feed.nextCalls).toBe(0)
  })

  it("a run log that cannot be read (unknown run): onError's message, then the end", async () => {
    const store = await storeWithRun()
    const res = sseResponse(() => mapThrough(() => store.read('nope', 0, { follow: true }), { map: toMessages }), {
      keepAliveMs: 0,
      onError: (e) => ({ event: 'error', data: (e as BridgeError).code }),
    })
    expect(await within(res.text(), 'stream end', 1000)).toBe('event: error\ndata: not_found\n\n')
  })

  it('cancelling a reader that stopped reading lets the log reader go: returned, end told, the log no longer held', async () => {
    const store = await storeWithRun({ maxEventsPerRun: 2 })
    const { spy, open } = spiedRead(store, 'run_1')
    const reader = sseStream(open, { keepAliveMs: 0 }).getReader()
    const firstRead = readChunk(reader)
    await flush()
    store.appendMany?.('run_1', [working, delta('a')])
    expect(await firstRead).toBe(sse({ seq: 1, type: 'run.status' }) + sse({ seq: 2, type: 'message.delta' }))
    // A client that reads no more holds the full log: the producer waits for it.
    const third = store.append('run_1', delta('b'))
    expect(await settled(third)).toBe(false)
    await within(reader.cancel('gone'), 'cancel', 1000)
    expect(spy.returns).toBe(1)
    expect(spy.ends).toBe(1)
    expect(spy.signal?.aborted).toBe(true)
    // Let go: its cursor no longer holds the producer back, and later appends reach no one.
    expect(await settled(third)).toBe(true)
    await store.append('run_1', completed)
    await flush()
    expect(spy.returns).toBe(1)
    expect(spy.nextCalls).toBe(0)
  })

  it('cancelling while the pump waits on the log (nothing appended) returns it at once', async () => {
    const store = await storeWithRun()
    const { spy, open } = spiedRead(store, 'run_1')
    const reader = sseStream(open, { keepAliveMs: 0 }).getReader()
    const pending = reader.read()
    await flush()
    await within(reader.cancel(), 'cancel', 1000)
    expect(await pending).toEqual(DONE_RESULT)
    expect(spy.returns).toBe(1)
    expect(spy.ends).toBe(1)
  })

  it('a keep-alive while the pump waits on the log loses no event: what was appended meanwhile goes out next', async () => {
    const store = await storeWithRun()
    const { open } = spiedRead(store, 'run_1')
    const reader = sseStream(open, { keepAliveMs: 5 }).getReader()
    expect(await readChunk(reader)).toBe(': keep-alive\n\n')
    // Logged while the receiver takes nothing: held until it reads.
    store.append('run_1', working)
    await flush()
    expect(await readChunk(reader)).toBe(sse({ seq: 1, type: 'run.status' }))
    store.append('run_1', completed)
    expect(await readChunk(reader)).toBe(sse({ seq: 2, type: 'run.completed' }))
    expect(await readChunk(reader)).toBeUndefined()
  })

  it('an outer abort while the pump waits on the log ends the stream and lets the log reader go', async () => {
    const store = await storeWithRun()
    const outer = new AbortController()
    const { spy, open } = spiedRead(store, 'run_1')
    const errors: unknown[] = []
    const reader = sseStream(open, {
      keepAliveMs: 0,
      signal: outer.signal,
      onError: (e) => {
        errors.push(e)
        return { data: 'no' }
      },
    }).getReader()
    const firstRead = readChunk(reader)
    await flush()
    store.append('run_1', working)
    expect(await firstRead).toBe(sse({ seq: 1, type: 'run.status' }))
    const pending = readChunk(reader)
    await flush()
    outer.abort()
    expect(await pending).toBeUndefined()
    await flush()
    expect(spy.returns).toBe(1)
    expect(spy.ends).toBe(1)
    expect(errors).toEqual([])
  })
})
