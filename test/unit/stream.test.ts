import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  formatSSE,
  MAX_WRITE_CHARS,
  mapThrough,
  readSSE,
  SSE_HEADERS,
  sseResponse,
  sseStream,
} from '../../src/stream/index.js'
import type { SSEEvent, SSEMessage } from '../../src/stream/index.js'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** Rejects when `promise` has not settled within `ms`, so a hang fails fast instead of timing out the suite. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms}ms: ${what}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

const tick = (ms = 0) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** A promise with its resolve exposed. */
function deferred<T = void>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

/** Resolves never, or rejects with the signal's reason once it aborts. */
const untilAborted = (signal: AbortSignal) =>
  new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason)
    signal.addEventListener('abort', () => reject(signal.reason), { once: true })
  })

async function readText(stream: ReadableStream<Uint8Array>): Promise<string> {
  let out = ''
  for await (const chunk of stream) out += decoder.decode(chunk, { stream: true })
  return out + decoder.decode()
}

async function readChunk(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string | undefined> {
  const { done, value } = await reader.read()
  return done ? undefined : decoder.decode(value)
}

async function* fromArray(messages: SSEMessage[]): AsyncGenerator<SSEMessage> {
  for (const m of messages) yield m
}

/** A fetch-like body that delivers `chunks` (strings or bytes) one per pull, then ends. */
function bodyOf(chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  let i = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[i++]
      if (chunk === undefined) controller.close()
      else controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk)
    },
  })
}

async function collect(events: AsyncIterable<SSEEvent>): Promise<SSEEvent[]> {
  const out: SSEEvent[] = []
  for await (const e of events) out.push(e)
  return out
}

describe('formatSSE', () => {
  it('writes event, id, retry and data fields, ending with a blank line', () => {
    expect(formatSSE({ event: 'response.created', id: '7', retry: 3000, data: '{"a":1}' })).toBe(
      'event: response.created\nid: 7\nretry: 3000\ndata: {"a":1}\n\n',
    )
  })

  it('writes only a data field when nothing else is given', () => {
    expect(formatSSE({ data: 'hello' })).toBe('data: hello\n\n')
  })

  it('writes an empty data field for empty data', () => {
    expect(formatSSE({ data: '' })).toBe('data: \n\n')
  })

  it('splits multi-line data into one data field per line, whatever the line ending', () => {
    expect(formatSSE({ data: 'a\nb\r\nc\rd' })).toBe('data: a\ndata: b\ndata: c\ndata: d\n\n')
    expect(formatSSE({ data: 'x\n\ny' })).toBe('data: x\ndata: \ndata: y\n\n')
  })

  it('rejects line breaks in event and id, which would inject fields', () => {
    expect(() => formatSSE({ event: 'a\ndata: injected', data: 'x' })).toThrow(TypeError)
    expect(() => formatSSE({ event: 'a\rb', data: 'x' })).toThrow(TypeError)
    expect(() => formatSSE({ id: '1\n', data: 'x' })).toThrow(TypeError)
    expect(() => formatSSE({ id: '1\r\n2', data: 'x' })).toThrow(TypeError)
  })

  it('writes JSON data (json: true) unsearched, as the search would have: JSON.stringify leaves no raw line break', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), (value, text) => {
        for (const data of [JSON.stringify(value), JSON.stringify(text)])
          expect(formatSSE({ event: 'e', data, json: true })).toBe(formatSSE({ event: 'e', data }))
      }),
    )
    // The flag covers the data only: event and id are still checked.
    expect(() => formatSSE({ event: 'a\ndata: injected', data: '{}', json: true })).toThrow(TypeError)
  })

  it('writes events with ids (as ACP streams do) field by field, whatever the id, event or order of them', () => {
    const fields = (m: SSEMessage) =>
      `${m.event === undefined ? '' : `event: ${m.event}\n`}${m.id === undefined ? '' : `id: ${m.id}\n`}data: ${m.data}\n\n`
    const event = fc.option(fc.constantFrom('agent_event', 'delta', 'e'), { nil: undefined })
    const id = fc.oneof(
      fc.nat().map(String),
      fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => `${a}.${b}`),
      fc.string(),
    )
    fc.assert(
      fc.property(fc.array(fc.record({ event, id, data: fc.jsonValue().map((v) => JSON.stringify(v)) })), (ms) => {
        for (const m of ms) {
          const message = { ...m, json: true }
          if (/[\r\n]/.test(m.id)) expect(() => formatSSE(message)).toThrow(TypeError)
          else expect(formatSSE(message)).toBe(fields(message))
        }
      }),
    )
    // Digits and dots pass unsearched; anything else is still checked for line breaks.
    expect(formatSSE({ event: 'e', id: '12.3', data: '{}', json: true })).toBe('event: e\nid: 12.3\ndata: {}\n\n')
    expect(() => formatSSE({ event: 'e', id: '12\n3', data: '{}', json: true })).toThrow(TypeError)
    expect(() => formatSSE({ event: 'e', id: '1.\r', data: '{}', json: true })).toThrow(TypeError)
  })

  it('round-trips through readSSE', async () => {
    const messages: SSEMessage[] = [
      { event: 'delta', id: '1', data: 'first' },
      { data: 'multi\nline\n\ndata' },
      { event: 'done', data: '[DONE]' },
    ]
    const events = await collect(readSSE(bodyOf(messages.map(formatSSE))))
    expect(events).toEqual([
      { event: 'delta', id: '1', data: 'first' },
      { event: undefined, id: undefined, data: 'multi\nline\n\ndata' },
      { event: 'done', id: undefined, data: '[DONE]' },
    ])
  })
})

describe('sseResponse', () => {
  it('sets the event-stream headers and a 200 status', async () => {
    const res = sseResponse(() => fromArray([{ data: 'x' }]))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream\b/)
    expect(res.headers.get('cache-control')).toBe('no-cache')
    expect(res.headers.get('x-accel-buffering')).toBe('no')
    expect(await res.text()).toBe('data: x\n\n')
  })

  it('takes a custom status and extra headers without losing the SSE ones', async () => {
    const res = sseResponse(() => fromArray([]), { status: 202, headers: { 'x-request-id': 'r1' } })
    expect(res.status).toBe(202)
    expect(res.headers.get('x-request-id')).toBe('r1')
    expect(res.headers.get('content-type')).toBe(SSE_HEADERS['content-type'])
    expect(await res.text()).toBe('')
  })
})

describe('sseStream', () => {
  it('writes each message of the source in order and closes when the source ends', async () => {
    const stream = sseStream(() => fromArray([{ event: 'a', data: '1' }, { data: '2\n3' }, { id: 'z', data: '4' }]))
    expect(await readText(stream)).toBe('event: a\ndata: 1\n\ndata: 2\ndata: 3\n\nid: z\ndata: 4\n\n')
  })

  it('writes a batch of messages as one chunk, in order', async () => {
    const stream = sseStream(async function* () {
      yield [
        { event: 'a', data: '1' },
        { event: 'b', data: '2' },
      ]
      yield { data: 'single' }
    })
    const reader = stream.getReader()
    expect(await readChunk(reader)).toBe('event: a\ndata: 1\n\nevent: b\ndata: 2\n\n')
    expect(await readChunk(reader)).toBe('data: single\n\n')
    expect(await readChunk(reader)).toBeUndefined()
  })

  it('writes nothing for an empty batch and goes on with the source', async () => {
    const stream = sseStream(
      async function* () {
        yield []
        yield [{ data: 'after empty' }]
      },
      { keepAliveMs: 0 },
    )
    expect(await within(readText(stream), 300, 'stream after an empty batch')).toBe('data: after empty\n\n')
  })

  it('writes a keep-alive comment while the source is idle longer than keepAliveMs', async () => {
    const release = deferred()
    const stream = sseStream(
      async function* () {
        yield { data: 'before' }
        await release.promise
        yield { data: 'after' }
      },
      { keepAliveMs: 20 },
    )
    const reader = stream.getReader()
    expect(await readChunk(reader)).toBe('data: before\n\n')
    // The source is stuck until released, so the next chunk can only be a keep-alive.
    expect(await within(readChunk(reader), 1000, 'keep-alive')).toBe(': keep-alive\n\n')
    expect(await within(readChunk(reader), 1000, 'second keep-alive')).toBe(': keep-alive\n\n')
    release.resolve()
    // The pending event is not lost or duplicated by the keep-alives.
    expect(await readChunk(reader)).toBe('data: after\n\n')
    expect(await readChunk(reader)).toBeUndefined()
  })

  it('writes no keep-alive when the source is quicker than keepAliveMs', async () => {
    const stream = sseStream(
      async function* () {
        yield { data: 'a' }
        await tick(5)
        yield { data: 'b' }
      },
      { keepAliveMs: 1000 },
    )
    expect(await readText(stream)).toBe('data: a\n\ndata: b\n\n')
  })

  it('writes no keep-alive when keepAliveMs is 0', async () => {
    const stream = sseStream(
      async function* () {
        await tick(40)
        yield { data: 'late' }
      },
      { keepAliveMs: 0 },
    )
    expect(await readText(stream)).toBe('data: late\n\n')
  })

  it('aborts the source signal and runs its finally when the consumer cancels while the source waits', async () => {
    let sourceSignal: AbortSignal | undefined
    let finallyRan = false
    const waiting = deferred()
    const stream = sseStream(
      async function* (signal) {
        sourceSignal = signal
        try {
          yield { data: 'first' }
          waiting.resolve()
          await untilAborted(signal) // only the abort can get the source past this point
          yield { data: 'never' }
        } finally {
          finallyRan = true
        }
      },
      { keepAliveMs: 0 },
    )
    const reader = stream.getReader()
    expect(await readChunk(reader)).toBe('data: first\n\n')
    const pending = reader.read()
    await within(waiting.promise, 1000, 'source waiting for its next event')
    expect(sourceSignal?.aborted).toBe(false)

    await within(reader.cancel('client went away'), 1000, 'cancel')
    expect(sourceSignal?.aborted).toBe(true)
    expect(sourceSignal?.reason).toBe('client went away')
    expect(finallyRan).toBe(true)
    expect(await within(pending, 1000, 'pending read')).toEqual({ done: true, value: undefined })
  })

  it('aborts the source signal when the body of a Response is canceled', async () => {
    let sourceSignal: AbortSignal | undefined
    const waiting = deferred()
    const res = sseResponse(
      // biome-ignore lint/correctness/useYield: a source that never yields, waiting to be aborted, is the point.
      async function* (signal) {
        sourceSignal = signal
        waiting.resolve()
        await untilAborted(signal)
      },
      { keepAliveMs: 10 },
    )
    const reader = res.body!.getReader()
    const pending = reader.read() // keeps the stream pulling (keep-alives) while the source waits
    await within(waiting.promise, 1000, 'source started')
    await pending
    await within(reader.cancel(), 1000, 'cancel')
    expect(sourceSignal?.aborted).toBe(true)
  })

  it('aborts the source signal when the consumer cancels before the first read', async () => {
    let sourceSignal: AbortSignal | undefined
    const stream = sseStream((signal) => {
      sourceSignal = signal
      return fromArray([{ data: 'x' }])
    })
    await within(stream.cancel('early'), 1000, 'cancel')
    expect(sourceSignal?.aborted).toBe(true)
    expect(sourceSignal?.reason).toBe('early')
  })

  it('ends the stream without an error event when the outer signal aborts (source honouring its signal)', async () => {
    const outer = new AbortController()
    let sourceSignal: AbortSignal | undefined
    let finallyRan = false
    const errors: unknown[] = []
    const stream = sseStream(
      async function* (signal) {
        sourceSignal = signal
        try {
          yield { data: 'first' }
          await untilAborted(signal)
        } finally {
          finallyRan = true
        }
      },
      {
        signal: outer.signal,
        keepAliveMs: 0,
        onError: (e) => {
          errors.push(e)
          return { event: 'error', data: 'should not be written' }
        },
      },
    )
    const reader = stream.getReader()
    expect(await readChunk(reader)).toBe('data: first\n\n')
    const pending = reader.read()
    await tick()
    outer.abort(new Error('shutdown'))
    expect(await within(pending, 1000, 'stream end after outer abort')).toEqual({ done: true, value: undefined })
    expect(sourceSignal?.aborted).toBe(true)
    expect(finallyRan).toBe(true)
    expect(errors).toEqual([])
  })

  it('ends at once when the outer signal is already aborted', async () => {
    let sourceSignal: AbortSignal | undefined
    const stream = sseStream(
      (signal) => {
        sourceSignal = signal
        return (async function* () {
          await untilAborted(signal)
          yield { data: 'never' }
        })()
      },
      { signal: AbortSignal.abort(), keepAliveMs: 0 },
    )
    expect(await within(readText(stream), 1000, 'stream end')).toBe('')
    expect(sourceSignal?.aborted).toBe(true)
  })

  it('ends the stream when the outer signal aborts even if the source ignores its signal', async () => {
    // SSEStreamOptions.signal: "Aborting it (the request's signal, a shutdown) ends the stream and the source."
    const outer = new AbortController()
    const stream = sseStream(
      async function* () {
        yield { data: 'first' }
        await new Promise(() => {}) // a source stuck on something that knows nothing of the signal
      },
      { signal: outer.signal, keepAliveMs: 10 },
    )
    const reader = stream.getReader()
    expect(await readChunk(reader)).toBe('data: first\n\n')
    outer.abort()
    const rest: string[] = []
    const drain = async () => {
      for (;;) {
        const chunk = await readChunk(reader)
        if (chunk === undefined) return
        rest.push(chunk)
      }
    }
    await expect(within(drain(), 200, 'stream end after outer abort')).resolves.toBeUndefined()
    expect(rest.length).toBeLessThanOrEqual(1) // at most a keep-alive already in flight
    await reader.cancel().catch(() => {})
  })

  it("writes onError's message last and closes when the source throws", async () => {
    const seen: unknown[] = []
    const boom = new Error('boom')
    const stream = sseStream(
      async function* () {
        yield { event: 'delta', data: 'partial' }
        throw boom
      },
      {
        keepAliveMs: 0,
        onError: (e) => {
          seen.push(e)
          return { event: 'error', data: JSON.stringify({ message: (e as Error).message }) }
        },
      },
    )
    expect(await within(readText(stream), 1000, 'stream close')).toBe(
      'event: delta\ndata: partial\n\nevent: error\ndata: {"message":"boom"}\n\n',
    )
    expect(seen).toEqual([boom])
  })

  it('closes cleanly, without an error event, when the source throws and there is no onError (or it returns nothing)', async () => {
    const failing = async function* () {
      yield { data: 'ok' }
      throw new Error('boom')
    }
    expect(await within(readText(sseStream(failing, { keepAliveMs: 0 })), 1000, 'close')).toBe('data: ok\n\n')
    expect(
      await within(readText(sseStream(failing, { keepAliveMs: 0, onError: () => undefined })), 1000, 'close'),
    ).toBe('data: ok\n\n')
  })

  it('does not pull the source ahead of the reader (backpressure)', async () => {
    let produced = 0
    let finallyRan = false
    const stream = sseStream(
      async function* () {
        try {
          for (let i = 0; ; i++) {
            produced += 1
            yield { data: String(i) }
          }
        } finally {
          finallyRan = true
        }
      },
      { keepAliveMs: 0 },
    )
    const reader = stream.getReader()
    await tick(10)
    expect(produced).toBeLessThanOrEqual(2) // nothing read yet
    for (let i = 0; i < 3; i++) expect(await readChunk(reader)).toBe(`data: ${i}\n\n`)
    await tick(20) // plenty of time for an eager stream to run away with the source
    expect(produced).toBeGreaterThanOrEqual(3)
    expect(produced).toBeLessThanOrEqual(3 + 2)
    await reader.cancel()
    expect(finallyRan).toBe(true)
  })

  // A backlog (a replay, large ACP values snapshots) must not become one string that grows with the batch.
  describe('a batch past MAX_WRITE_CHARS', () => {
    const big = (i: number, chars: number): SSEMessage => ({
      id: String(i),
      event: 'e',
      data: `${i}`.padEnd(chars, 'x'),
    })
    // Five messages of 0.4 Mi characters, one of 1.5 Mi (alone past the limit), one small.
    const batch = [0, 1, 2, 3, 4].map((i) => big(i, 400_000)).concat([big(5, 1_500_000), big(6, 10)])
    const whole = batch.map(formatSSE).join('')
    const sources = {
      'an async generator': () =>
        async function* () {
          pulls += 1
          yield batch
          pulls += 1
        },
      'a polled mapping': () => () =>
        mapThrough(
          async function* () {
            pulls += 1
            yield batch
            pulls += 1
          },
          { map: (b: SSEMessage[]) => b },
        ),
    }
    let pulls = 0

    for (const [name, source] of Object.entries(sources)) {
      it(`goes out in parts of at most MAX_WRITE_CHARS, whole messages, in order, one per read (${name})`, async () => {
        pulls = 0
        const reader = sseStream(source(), { keepAliveMs: 0 }).getReader()
        const parts: string[] = []
        for (;;) {
          const part = await within(readChunk(reader), 2_000, 'the next part')
          if (part === undefined) break
          parts.push(part)
          // The source is asked for nothing more while the batch's parts wait for the reader.
          if (parts.join('').length < whole.length) expect(pulls).toBe(1)
        }
        expect(parts.join('')).toBe(whole)
        expect(parts.length).toBeGreaterThanOrEqual(4)
        for (const part of parts) {
          // Each part is whole messages; only a message longer than the limit makes a longer part, alone.
          expect(part.endsWith('\n\n')).toBe(true)
          if (part.length > MAX_WRITE_CHARS) expect(part).toBe(formatSSE(batch[5] as SSEMessage))
        }
      })
    }
  })
})

describe('readSSE', () => {
  const wire =
    '\uFEFF' +
    ': a comment, ignored\n' +
    'event: greeting\n' +
    'id: 42\n' +
    'data: héllo ✓ 🎉\n' +
    '\n' +
    'data: line one\n' +
    'data:line two, no space\n' +
    'data:  two spaces keep one\n' +
    '\n' +
    ': another comment\n' +
    '\n' +
    'event: crlf\r\n' +
    'data: windows\r\n' +
    '\r\n' +
    'event: cr\r' +
    'data: old mac\r' +
    '\r' +
    'data: {"last":true}\n' +
    '\n'

  const expected: SSEEvent[] = [
    { event: 'greeting', id: '42', data: 'héllo ✓ 🎉' },
    { event: undefined, id: undefined, data: 'line one\nline two, no space\n two spaces keep one' },
    { event: 'crlf', id: undefined, data: 'windows' },
    { event: 'cr', id: undefined, data: 'old mac' },
    { event: undefined, id: undefined, data: '{"last":true}' },
  ]
  const bytes = encoder.encode(wire)

  const splitAt = (cuts: number[]): Uint8Array[] => {
    const points = [0, ...[...new Set(cuts)].sort((a, b) => a - b), bytes.length]
    const out: Uint8Array[] = []
    for (let i = 1; i < points.length; i++) out.push(bytes.slice(points[i - 1], points[i]))
    return out
  }

  it('parses events, multi-line data and comments from a single chunk', async () => {
    expect(await collect(readSSE(bodyOf([bytes])))).toEqual(expected)
  })

  it('parses the same events when every byte arrives in its own chunk', async () => {
    const chunks = Array.from(bytes, (b) => Uint8Array.of(b))
    expect(await collect(readSSE(bodyOf(chunks)))).toEqual(expected)
  })

  it('parses the same events whatever single chunk boundary splits the stream', async () => {
    for (let cut = 1; cut < bytes.length; cut++) {
      const events = await collect(readSSE(bodyOf(splitAt([cut]))))
      expect(events, `split at byte ${cut}`).toEqual(expected)
    }
  })

  it('parses the same events over pseudo-random multi-way splits', async () => {
    let seed = 12345
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed / 2 ** 31
    }
    for (let round = 0; round < 100; round++) {
      const cuts = Array.from(
        { length: 1 + Math.floor(random() * 12) },
        () => 1 + Math.floor(random() * (bytes.length - 1)),
      )
      const events = await collect(readSSE(bodyOf(splitAt(cuts))))
      expect(events, `cuts ${cuts.join(',')}`).toEqual(expected)
    }
  })

  it('yields each event as soon as it is complete, before the body ends', async () => {
    const more = deferred()
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('data: one\n\ndata: tw'))
      },
      async pull(controller) {
        await more.promise
        controller.enqueue(encoder.encode('o\n\n'))
        controller.close()
      },
    })
    const events = readSSE(body)
    expect((await within(events.next(), 1000, 'first event')).value).toEqual({
      event: undefined,
      id: undefined,
      data: 'one',
    })
    more.resolve()
    expect((await events.next()).value).toEqual({ event: undefined, id: undefined, data: 'two' })
    expect((await events.next()).done).toBe(true)
  })

  it('stops and cancels the body when its signal aborts while waiting for data', async () => {
    let canceled = false
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('data: one\n\n'))
      },
      pull: () => new Promise<void>(() => {}), // the upstream goes quiet
      cancel() {
        canceled = true
      },
    })
    const ac = new AbortController()
    const seen: SSEEvent[] = []
    const done = (async () => {
      for await (const e of readSSE(body, ac.signal)) {
        seen.push(e)
        setTimeout(() => ac.abort(new Error('consumer gone')), 5)
      }
    })()
    await within(done, 1000, 'readSSE to stop after abort')
    expect(seen.map((e) => e.data)).toEqual(['one'])
    expect(canceled).toBe(true)
  })

  it('reads nothing and cancels the body when the signal is already aborted', async () => {
    let canceled = false
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('data: one\n\n'))
      },
      pull: () => new Promise<void>(() => {}),
      cancel() {
        canceled = true
      },
    })
    const events = await within(collect(readSSE(body, AbortSignal.abort())), 1000, 'readSSE')
    expect(events).toEqual([])
    await tick()
    expect(canceled).toBe(true)
  })

  it('cancels the body when the consumer stops iterating early', async () => {
    let canceled = false
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('data: one\n\ndata: two\n\n'))
      },
      pull: () => new Promise<void>(() => {}),
      cancel() {
        canceled = true
      },
    })
    for await (const e of readSSE(body)) {
      expect(e.data).toBe('one')
      break
    }
    await tick()
    expect(canceled).toBe(true)
  })
})
