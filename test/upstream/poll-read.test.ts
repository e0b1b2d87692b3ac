// Reading an upstream's SSE answer by polling (src/stream/sse-read.ts, src/upstream/events.ts): `pollSSEBatches` and
// `decodeEvents` hand a chunk's events on in one call, and are held here to what a `for await` reader gets, to the
// poll protocol (`wait` calls back later, once), and to how a reading ends: the body is let go (canceled) once, and the
// end or the failure is told only after that; a deadline for the first byte, a bound on an event's size, and the
// caller's signal end it too.
import { describe, expect, it } from 'vitest'
import { byPolling, flush, settled, waitOnce, within } from '../helpers/poll.js'
import type { AgentEvent, MapperState } from '../../src/core/index.js'
import { BridgeError } from '../../src/core/index.js'
import type { ChunkSource, SSEEvent } from '../../src/stream/index.js'
import {
  readSSE,
  readSSEBatches,
  SSEEventTooLarge,
  SSEFirstByteTimeout,
  withChunkSource,
} from '../../src/stream/index.js'
import { PENDING, type Pollable } from '../../src/stream/poll.js'
import { pollSSEBatches } from '../../src/stream/sse-read.js'
import type { StreamDecoding, Upstream } from '../../src/upstream/index.js'
import { DEFAULT_LIMITS, decodeEvents } from '../../src/upstream/index.js'

const encoder = new TextEncoder()
const DONE_RESULT: IteratorReturnResult<undefined> = { done: true, value: undefined }

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Resolves once `condition` holds (checked every millisecond). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(1)
}

/** Everything a `for await` gives, and what it throws. */
async function byAwait<T>(iterable: AsyncIterable<T>): Promise<{ got: T[]; error?: unknown }> {
  const got: T[] = []
  try {
    for await (const x of iterable) got.push(x)
  } catch (error) {
    return { got, error }
  }
  return { got }
}

/** Polls until `poll()` gives something other than PENDING (waiting as told), or throws. */
async function pollOne<T>(it: Pollable<T>): Promise<IteratorResult<T>> {
  for (;;) {
    const result = it.poll()
    if (result !== PENDING) return result
    await waitOnce(it)
  }
}

const datas = (batches: SSEEvent[][]) => batches.map((batch) => batch.map((e) => e.data))

/**
 * A web stream body fed by hand: what is pushed is one chunk each, its cancels are counted (with their reasons), and a
 * cancel can be held until `letCancelSettle()`.
 */
function controlledBody(options: { holdCancel?: boolean } = {}) {
  let controller!: ReadableStreamDefaultController<Uint8Array>
  const cancels: unknown[] = []
  let releaseCancel: () => void = () => {}
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c
    },
    cancel(reason) {
      cancels.push(reason)
      if (options.holdCancel) return new Promise<void>((resolve) => (releaseCancel = resolve))
    },
  })
  return {
    body,
    cancels,
    push: (chunk: string | Uint8Array) => controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk),
    close: () => controller.close(),
    error: (e: unknown) => controller.error(e),
    letCancelSettle: () => releaseCancel(),
  }
}

/**
 * A transport's chunk source that can be polled (as node-fetch gives one): chunks pushed are taken by `poll`, `wait`
 * calls back when one is pushed (or the source is canceled), `read()` counts as a fault, and a cancel may be held.
 */
function pollableSource(options: { holdCancel?: boolean } = {}) {
  type Chunk = { done: boolean; value?: string | Uint8Array }
  const queue: Chunk[] = []
  const calls = { reads: 0, polls: 0, cancels: [] as unknown[] }
  let canceled = false
  let waiter: (() => void) | undefined
  let releaseCancel: () => void = () => {}
  const wake = () => {
    const w = waiter
    waiter = undefined
    if (w) setTimeout(w, 0)
  }
  const source: ChunkSource = {
    read() {
      calls.reads++
      return Promise.reject(new Error('read() is not for a polling reader'))
    },
    poll() {
      calls.polls++
      const chunk = queue.shift()
      if (chunk) return chunk
      return canceled ? { done: true } : PENDING
    },
    wait(ready) {
      waiter = ready
      if (queue.length || canceled) wake()
    },
    cancel(reason) {
      calls.cancels.push(reason)
      canceled = true
      wake()
      return options.holdCancel ? new Promise<void>((resolve) => (releaseCancel = resolve)) : Promise.resolve()
    },
  }
  return {
    source,
    calls,
    push(chunk: Chunk) {
      queue.push(chunk)
      wake()
    },
    letCancelSettle: () => releaseCancel(),
  }
}

describe('readSSEBatches and pollSSEBatches over a web stream', () => {
  // Chunks cut through events and through multibyte characters (é is 2 bytes, 😀 is 4).
  const text = 'data: héllo\n\n' + 'data: wörld 😀\n\n' + 'event: note\nid: 7\ndata: a\ndata: b\n\n' + 'data: last\n\n'
  const bytes = encoder.encode(text)
  const cut = (from: number, char: string, within = 1) => {
    const at = Buffer.from(bytes).indexOf(Buffer.from(char), from)
    if (at < 0) throw new Error(`no ${char}`)
    return at + within
  }
  const cuts = [
    cut(0, 'é'), // inside é: completes nothing
    cut(0, '😀', 2), // inside 😀: completes the first event only
    cut(0, 'data: b') + 3, // completes the second event, not the third
    bytes.length - 4, // completes the third, the fourth lacks its end
    bytes.length,
  ]
  const chunks = cuts.map((end, i) => bytes.slice(i ? cuts[i - 1] : 0, end))
  const expected: SSEEvent[][] = [
    [{ data: 'héllo' }],
    [{ data: 'wörld 😀' }],
    [{ event: 'note', id: '7', data: 'a\nb' }],
    [{ data: 'last' }],
  ]
  const bodyOf = () => {
    const queue = [...chunks]
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        await sleep(1)
        const chunk = queue.shift()
        if (chunk) controller.enqueue(chunk)
        else controller.close()
      },
    })
  }

  it('for await over readSSEBatches gives the events a chunk completed as one batch, characters whole', async () => {
    expect(await within(byAwait(readSSEBatches(bodyOf())), 'the reading')).toEqual({ got: expected })
  })

  it('polling pollSSEBatches gives the same batches, and so does its next()', async () => {
    const polled = pollSSEBatches(bodyOf())
    expect(await within(byPolling(polled), 'the reading')).toEqual({ got: expected })
    expect(polled.poll()).toEqual(DONE_RESULT)
    const nexted = pollSSEBatches(bodyOf())
    const got: SSEEvent[][] = []
    for (let r = await nexted.next(); !r.done; r = await nexted.next()) got.push(r.value)
    expect(got).toEqual(expected)
  })

  it('a Response holding the body reads the same, and readSSE gives the events one by one', async () => {
    const response = () => new Response(bodyOf(), { headers: { 'content-type': 'text/event-stream' } })
    expect(await within(byPolling(pollSSEBatches(response())), 'the reading')).toEqual({ got: expected })
    expect(await within(byAwait(readSSE(response())), 'the reading')).toEqual({ got: expected.flat() })
  })

  it('a chunk that completes several events gives them in one batch', async () => {
    const { body, push, close } = controlledBody()
    push('data: 1\n\ndata: 2\n\ndata: 3')
    push('\n\n')
    close()
    const { got } = await within(byPolling(pollSSEBatches(body)), 'the reading')
    expect(datas(got)).toEqual([['1', '2'], ['3']])
  })

  it('a body that errors fails the reading with its error, after the events before it', async () => {
    const reset = new Error('connection reset')
    const { body, push, error } = controlledBody()
    push('data: a\n\n')
    const it = pollSSEBatches(body)
    expect(datas([(await pollOne(it)).value as SSEEvent[]])).toEqual([['a']])
    error(reset)
    const rest = await within(byPolling(it), 'the failure')
    expect(rest).toEqual({ got: [], error: reset })
    expect(it.poll()).toEqual(DONE_RESULT)
  })
})

describe('a chunk source that can be polled (withChunkSource)', () => {
  it('is read by poll alone, its chunks (text or bytes) at once; canceled once at the end, done once that settled', async () => {
    const fake = pollableSource({ holdCancel: true })
    const response = withChunkSource(new Response(new ReadableStream<Uint8Array>()), () => fake.source)
    fake.push({ done: false, value: 'data: a\n\ndata: b\n\n' })
    fake.push({ done: false, value: encoder.encode('data: c\n\n') })
    const it = pollSSEBatches(response)
    // Ready now: no wait, no read().
    expect(datas([(it.poll() as IteratorYieldResult<SSEEvent[]>).value])).toEqual([['a', 'b']])
    expect(datas([(it.poll() as IteratorYieldResult<SSEEvent[]>).value])).toEqual([['c']])
    expect(it.poll()).toBe(PENDING)
    // More later: the waiter is called back.
    const woken = waitOnce(it)
    fake.push({ done: false, value: 'data: d\n' })
    fake.push({ done: false, value: '\n' })
    await woken
    expect(datas([(it.poll() as IteratorYieldResult<SSEEvent[]>).value])).toEqual([['d']])
    // The end: the source is canceled, and the end told only once the cancel settled.
    fake.push({ done: true })
    let ready = 0
    expect(it.poll()).toBe(PENDING)
    expect(fake.calls.cancels).toHaveLength(1)
    expect(it.poll()).toBe(PENDING)
    it.wait(() => ready++)
    await flush()
    expect(ready).toBe(0)
    expect(it.poll()).toBe(PENDING)
    fake.letCancelSettle()
    await flush()
    expect(ready).toBe(1)
    expect(it.poll()).toEqual(DONE_RESULT)
    expect(it.poll()).toEqual(DONE_RESULT)
    expect(fake.calls.cancels).toHaveLength(1)
    expect(fake.calls.reads).toBe(0)
    expect(response.bodyUsed).toBe(false)
  })

  it('for await over readSSEBatches also takes the chunks by poll, and ends only once the cancel settled', async () => {
    const fake = pollableSource({ holdCancel: true })
    const response = withChunkSource(new Response(new ReadableStream<Uint8Array>()), () => fake.source)
    const reading = byAwait(readSSEBatches(response))
    fake.push({ done: false, value: 'data: a\n\n' })
    await sleep(2)
    fake.push({ done: false, value: 'data: b\n\ndata: c\n\n' })
    await sleep(2)
    fake.push({ done: true })
    await within(
      until(() => fake.calls.cancels.length > 0),
      'the cancel',
    )
    expect(fake.calls.cancels).toHaveLength(1)
    expect(await settled(reading)).toBe(false)
    fake.letCancelSettle()
    const { got, error } = await within(reading, 'the reading')
    expect(error).toBeUndefined()
    expect(datas(got)).toEqual([['a'], ['b', 'c']])
    expect(fake.calls.reads).toBe(0)
    expect(fake.calls.cancels).toHaveLength(1)
  })

  it('returned while waiting: canceled once, the waiter called back, and the reading is done', async () => {
    const fake = pollableSource()
    const it = pollSSEBatches(withChunkSource(new Response(new ReadableStream<Uint8Array>()), () => fake.source))
    expect(it.poll()).toBe(PENDING)
    let ready = 0
    it.wait(() => ready++)
    expect(await within(it.return?.() as Promise<unknown>, 'return()')).toEqual(DONE_RESULT)
    await sleep(2)
    expect(ready).toBe(1)
    expect(it.poll()).toEqual(DONE_RESULT)
    expect(fake.calls.cancels).toHaveLength(1)
  })
})

describe('a chunk source that cannot be polled', () => {
  it('a read() that throws at once fails the reading (the poll after the wait throws it), and the source is canceled', async () => {
    let canceled = 0
    const source: ChunkSource = {
      read: () => {
        throw new Error('no read')
      },
      cancel: async () => {
        canceled++
      },
    }
    const it = pollSSEBatches(withChunkSource(new Response(new ReadableStream<Uint8Array>()), () => source))
    const { got, error } = await byPolling(it)
    expect(got).toEqual([])
    expect((error as Error).message).toBe('no read')
    expect(canceled).toBe(1)
  })
})

describe('firstByteTimeoutMs', () => {
  it('no chunk in time: polling fails with SSEFirstByteTimeout, and the body is canceled', async () => {
    const { body, cancels } = controlledBody()
    const started = Date.now()
    const { got, error } = await within(byPolling(pollSSEBatches(body, undefined, { firstByteTimeoutMs: 30 })), 'fail')
    expect(got).toEqual([])
    expect(error).toBeInstanceOf(SSEFirstByteTimeout)
    expect((error as SSEFirstByteTimeout).ms).toBe(30)
    expect(Date.now() - started).toBeGreaterThanOrEqual(25)
    expect(cancels.length).toBeGreaterThanOrEqual(1)
  })

  it('no chunk in time: next() rejects with SSEFirstByteTimeout', async () => {
    const { body } = controlledBody()
    const it = readSSEBatches(new Response(body), undefined, { firstByteTimeoutMs: 30 })[Symbol.asyncIterator]()
    await expect(within(it.next(), 'the failure')).rejects.toBeInstanceOf(SSEFirstByteTimeout)
    expect(await it.next()).toEqual(DONE_RESULT)
  })

  it('no chunk in time from a pollable chunk source: the same failure', async () => {
    const fake = pollableSource()
    const it = pollSSEBatches(
      withChunkSource(new Response(null), () => fake.source),
      undefined,
      {
        firstByteTimeoutMs: 30,
      },
    )
    const { error } = await within(byPolling(it), 'the failure')
    expect(error).toBeInstanceOf(SSEFirstByteTimeout)
    expect(fake.calls.cancels.length).toBeGreaterThanOrEqual(1)
    expect(fake.calls.reads).toBe(0)
  })

  it('only the first byte is timed: a stream that started may pause longer', async () => {
    const { body, push, close } = controlledBody()
    push('data: a\n\n')
    setTimeout(() => {
      push('data: b\n\n')
      close()
    }, 60)
    const { got, error } = await within(byPolling(pollSSEBatches(body, undefined, { firstByteTimeoutMs: 20 })), 'end')
    expect(error).toBeUndefined()
    expect(datas(got)).toEqual([['a'], ['b']])
  })
})

describe('maxEventSize', () => {
  it('an event larger than the bound within one chunk: SSEEventTooLarge after the events before it, body canceled', async () => {
    const { body, push, cancels } = controlledBody()
    push(`data: ok\n\ndata: ${'x'.repeat(100)}\n\ndata: after\n\n`)
    const { got, error } = await within(byPolling(pollSSEBatches(body, undefined, { maxEventSize: 10 })), 'fail')
    expect(datas(got)).toEqual([['ok']])
    expect(error).toBeInstanceOf(SSEEventTooLarge)
    expect((error as SSEEventTooLarge).limit).toBe(10)
    expect(cancels).toHaveLength(1)
  })

  it('an event that grows past the bound over many chunks: SSEEventTooLarge by next(), body canceled', async () => {
    const { body, push, cancels } = controlledBody()
    push('data: ')
    for (let i = 0; i < 20; i++) push('yyyyyyyyyy')
    const it = readSSEBatches(body, undefined, { maxEventSize: 50 })[Symbol.asyncIterator]()
    await expect(within(it.next(), 'the failure')).rejects.toBeInstanceOf(SSEEventTooLarge)
    expect(cancels).toHaveLength(1)
    expect(await it.next()).toEqual(DONE_RESULT)
  })

  it('an event of exactly the bound is read', async () => {
    const { body, push, close } = controlledBody()
    push(`data: ${'z'.repeat(10)}\n\n`)
    close()
    const { got, error } = await within(byPolling(pollSSEBatches(body, undefined, { maxEventSize: 10 })), 'end')
    expect(error).toBeUndefined()
    expect(datas(got)).toEqual([['z'.repeat(10)]])
  })
})

describe("the caller's signal", () => {
  it('aborted while a poller waits: the waiter is called back, the reading is done, the body canceled', async () => {
    const { body, push, cancels } = controlledBody()
    const controller = new AbortController()
    push('data: a\n\n')
    const it = pollSSEBatches(body, controller.signal)
    expect(datas([(await pollOne(it)).value as SSEEvent[]])).toEqual([['a']])
    expect(it.poll()).toBe(PENDING)
    const woken = waitOnce(it)
    const reason = new Error('the run was canceled')
    controller.abort(reason)
    await woken
    expect(await within(pollOne(it), 'the end')).toEqual(DONE_RESULT)
    expect(cancels).toEqual([reason])
    expect(it.poll()).toEqual(DONE_RESULT)
  })

  it('aborted while next() waits: it resolves done', async () => {
    const { body, cancels } = controlledBody()
    const controller = new AbortController()
    const it = readSSEBatches(new Response(body), controller.signal)[Symbol.asyncIterator]()
    const waiting = it.next()
    await sleep(2)
    controller.abort()
    expect(await within(waiting, 'next() after the abort')).toEqual(DONE_RESULT)
    expect(cancels).toHaveLength(1)
  })

  it('already aborted: nothing is read, the body is canceled and the reading done', async () => {
    const { body, push, cancels } = controlledBody()
    push('data: a\n\n')
    const controller = new AbortController()
    controller.abort()
    expect(await within(byPolling(pollSSEBatches(body, controller.signal)), 'the end')).toEqual({ got: [] })
    expect(cancels).toHaveLength(1)
  })
})

describe('decodeEvents', () => {
  const upstream = {
    label: 'Test server',
    limits: { ...DEFAULT_LIMITS, firstByteTimeoutMs: 5_000 },
  } as unknown as Upstream
  const delta = (text: string): AgentEvent => ({
    type: 'message.delta',
    messageId: 'm1',
    delta: text,
    channel: 'output',
  })
  const completed: AgentEvent = { type: 'run.completed' }

  /** Each message's data is a text delta; `end` completes the turn; what was decoded is logged. */
  function decodingOf(
    log: string[],
    extra: Partial<StreamDecoding<MapperState, string>> = {},
  ): StreamDecoding<MapperState, string> {
    return {
      state: { done: false },
      read: (message) => message.data,
      decode: (state, text) => {
        log.push(`decode ${text}`)
        if (text !== 'end') return [delta(text)]
        state.done = true
        return [completed]
      },
      ...extra,
    }
  }
  const decoded = (body: ReadableStream<Uint8Array>, decoding: StreamDecoding<MapperState, string>) => {
    const it = decodeEvents(upstream, new Response(body), { url: 'http://upstream.test/s' }, decoding)[
      Symbol.asyncIterator
    ]()
    return it as Pollable<AgentEvent[]>
  }

  it("an `after` hook's promise holds its batch's events until it settles; PENDING meanwhile", async () => {
    const log: string[] = []
    let release!: () => void
    let hookCalled = false
    const after = (text: string) => {
      log.push(`after ${text}`)
      if (text !== 'a') return
      hookCalled = true
      return new Promise<void>((resolve) => (release = resolve))
    }
    const { body, push, close } = controlledBody()
    push('data: a\n\ndata: b\n\n')
    push('data: c\n\n')
    close()
    const it = decoded(body, decodingOf(log, { hooks: { after } }))
    let first = it.poll()
    while (first === PENDING && !hookCalled) {
      await waitOnce(it)
      first = it.poll()
    }
    expect(hookCalled).toBe(true)
    expect(first).toBe(PENDING)
    expect(log).toEqual(['decode a', 'after a'])
    let ready = 0
    it.wait(() => ready++)
    await flush()
    await flush()
    expect(ready).toBe(0)
    expect(it.poll()).toBe(PENDING)
    release()
    await flush()
    expect(ready).toBe(1)
    expect(it.poll()).toEqual({ done: false, value: [delta('a'), delta('b')] })
    expect(log).toEqual(['decode a', 'after a', 'decode b', 'after b'])
    const rest = await within(byPolling(it), 'the end')
    expect(rest).toEqual({ got: [[delta('c')]] })
  })

  it('a `before` hook that returns a promise holds the decode of its event too (read by next())', async () => {
    const log: string[] = []
    const { body, push, close } = controlledBody()
    push('data: a\n\ndata: b\n\n')
    close()
    const before = async (text: string) => {
      await sleep(5)
      log.push(`before ${text}`)
    }
    const { got } = await within(
      byAwait({ [Symbol.asyncIterator]: () => decoded(body, decodingOf(log, { hooks: { before } })) }),
      'end',
    )
    expect(got).toEqual([[delta('a'), delta('b')]])
    expect(log).toEqual(['before a', 'decode a', 'before b', 'decode b'])
  })

  it('a decode that throws ends the reading with that error, only once the body was let go', async () => {
    const log: string[] = []
    const broken = new Error('no row for this event')
    const { body, push, cancels, letCancelSettle } = controlledBody({ holdCancel: true })
    push('data: a\n\n')
    push('data: boom\n\n')
    const it = decoded(
      body,
      decodingOf(log, {
        decode: (_state, text) => {
          if (text === 'boom') throw broken
          return [delta(text)]
        },
      }),
    )
    expect(await within(pollOne(it), 'the first batch')).toEqual({ done: false, value: [delta('a')] })
    let result = it.poll()
    while (result === PENDING && cancels.length === 0) {
      await waitOnce(it)
      result = it.poll()
    }
    expect(result).toBe(PENDING)
    expect(cancels).toHaveLength(1)
    let ready = 0
    it.wait(() => ready++)
    await flush()
    expect(ready).toBe(0)
    expect(it.poll()).toBe(PENDING)
    letCancelSettle()
    await flush()
    expect(ready).toBe(1)
    expect(() => it.poll()).toThrow(broken)
    expect(it.poll()).toEqual(DONE_RESULT)
    expect(cancels).toHaveLength(1)
  })

  it('a decode that throws: next() rejects with that very error (not a stream failure) after the body was let go', async () => {
    const broken = new Error('no row for this event')
    const { body, push, cancels, letCancelSettle } = controlledBody({ holdCancel: true })
    push('data: boom\n\n')
    const it = decoded(body, {
      state: { done: false },
      read: (message) => message.data,
      decode: () => {
        throw broken
      },
    })
    const failing = it.next()
    await sleep(5)
    expect(cancels).toHaveLength(1)
    expect(await settled(failing)).toBe(false)
    letCancelSettle()
    await expect(within(failing, 'the failure')).rejects.toBe(broken)
  })

  it('a body that breaks off: a BridgeError naming the upstream, whose cause is the error', async () => {
    const reset = new Error('connection reset')
    const { body, push, error } = controlledBody()
    push('data: a\n\n')
    const it = decoded(body, decodingOf([]))
    expect(await within(pollOne(it), 'the first batch')).toEqual({ done: false, value: [delta('a')] })
    error(reset)
    const { got, error: failure } = await within(byPolling(it), 'the failure')
    expect(got).toEqual([])
    expect(failure).toBeInstanceOf(BridgeError)
    expect((failure as BridgeError).message).toContain('Test server')
    expect((failure as BridgeError).cause).toBe(reset)
  })

  it("no first byte within the upstream's deadline: an upstream_timeout naming the upstream", async () => {
    const { body, cancels } = controlledBody()
    const hurried = {
      label: 'Test server',
      limits: { ...DEFAULT_LIMITS, firstByteTimeoutMs: 30 },
    } as unknown as Upstream
    const it = decodeEvents(hurried, new Response(body), { url: 'http://upstream.test/s' }, decodingOf([]))
    const { got, error } = await within(byAwait(it), 'the failure')
    expect(got).toEqual([])
    expect(error).toBeInstanceOf(BridgeError)
    expect((error as BridgeError).code).toBe('upstream_timeout')
    expect((error as BridgeError).message).toContain('Test server')
    expect(cancels.length).toBeGreaterThanOrEqual(1)
  })

  it('once `state.done` is set the stream is let go and the reading is done; what follows is not decoded', async () => {
    const log: string[] = []
    const { body, push, cancels } = controlledBody()
    push('data: a\n\ndata: end\n\ndata: after\n\n')
    push('data: later\n\n')
    const decoding = decodingOf(log)
    const it = decoded(body, decoding)
    const { got, error } = await within(byPolling(it), 'the end')
    expect(error).toBeUndefined()
    expect(got).toEqual([[delta('a'), completed]])
    expect(decoding.state.done).toBe(true)
    expect(log).toEqual(['decode a', 'decode end'])
    await flush()
    expect(cancels).toHaveLength(1)
    expect(it.poll()).toEqual(DONE_RESULT)
  })

  it('`state.done` set by a hook-held event: the held batch comes out, then done, the stream let go', async () => {
    const log: string[] = []
    const { body, push, cancels } = controlledBody()
    push('data: a\n\ndata: end\n\ndata: after\n\n')
    const decoding = decodingOf(log, { hooks: { after: () => sleep(2) } })
    const { got, error } = await within(byAwait({ [Symbol.asyncIterator]: () => decoded(body, decoding) }), 'end')
    expect(error).toBeUndefined()
    expect(got).toEqual([[delta('a'), completed]])
    expect(log).toEqual(['decode a', 'decode end'])
    await flush()
    expect(cancels).toHaveLength(1)
  })
})
