// What an upstream client's run may `yield delegate(batches)` in place of `yield* batches` (src/upstream/delegate.ts):
// the reader of `upstreamBackend(...).run()` reads the delegated batches itself (polled when they can be), and the run
// behaves as with `yield*`: the generator goes on once they end, their failure is thrown in where they were yielded (a
// try/catch/finally around the yield sees it), a failure that escapes names the upstream (unless the run was aborted),
// and a reader that leaves lets go of the delegated stream before the generator's own `finally`.
import { describe, expect, it } from 'vitest'
import { byPolling, flush, waitOnce, within } from '../helpers/poll.js'
import type { AgentEvent, AgentInfo, AgentYield, MapperState, RunRequest } from '../../src/core/index.js'
import { BridgeError } from '../../src/core/index.js'
import { isPollable, PENDING, type Pollable, pollNext } from '../../src/stream/poll.js'
import type { StreamDecoding, Upstream, UpstreamYield } from '../../src/upstream/index.js'
import { DEFAULT_LIMITS, decodeEvents, delegate, StreamDropped, upstreamBackend } from '../../src/upstream/index.js'

const encoder = new TextEncoder()
const DONE_RESULT: IteratorReturnResult<undefined> = { done: true, value: undefined }

const request = {
  runId: 'run_1',
  agentId: 'agent',
  contextId: 'ctx_1',
  input: [],
  history: [],
} as unknown as RunRequest

const delta = (text: string): AgentEvent => ({ type: 'message.delta', messageId: 'm1', delta: text, channel: 'output' })
const started: AgentEvent = { type: 'run.status', status: 'working' }
const completed: AgentEvent = { type: 'run.completed' }

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 1))

/** A backend over a client whose run is `run`. */
const backendOf = (run: (request: RunRequest, signal: AbortSignal) => AsyncIterable<UpstreamYield>) =>
  upstreamBackend('Test server', { info: () => ({ id: 'agent', name: 'Agent' }) as AgentInfo, run })

/** The reading of a run, which must be pollable. */
function reading(
  run: (request: RunRequest, signal: AbortSignal) => AsyncIterable<UpstreamYield>,
  signal = new AbortController().signal,
): Pollable<AgentYield> {
  const it = backendOf(run).run(request, signal)[Symbol.asyncIterator]()
  if (!isPollable(it)) throw new Error('expected the run to be pollable')
  return it
}

/** Everything a `for await` over the run gives; what it throws too. */
async function forAwait(
  run: (request: RunRequest, signal: AbortSignal) => AsyncIterable<UpstreamYield>,
  signal = new AbortController().signal,
): Promise<{ got: AgentYield[]; error?: unknown }> {
  const got: AgentYield[] = []
  try {
    for await (const y of backendOf(run).run(request, signal)) got.push(y)
  } catch (error) {
    return { got, error }
  }
  return { got }
}

/** The next value polling gives (waiting as told). */
async function pollNextValue<T>(it: Pollable<T>): Promise<T | undefined> {
  for (;;) {
    const result = it.poll()
    if (result === PENDING) await waitOnce(it)
    else return result.done ? undefined : result.value
  }
}

interface Batches extends AsyncIterable<AgentEvent[]> {
  /** How the delegated stream was read and let go. */
  readonly calls: { polls: number; nexts: number; returns: number }
}

/**
 * A hand-written pollable stream of batches: every other batch is ready only after a wait (so both paths are taken),
 * then it ends, or fails with `failure`. A waiter is called back when it is returned, as the contract says.
 */
function pollableBatches(batches: AgentEvent[][], failure?: unknown, onReturn?: () => Promise<void>): Batches {
  const calls = { polls: 0, nexts: 0, returns: 0 }
  return {
    calls,
    [Symbol.asyncIterator]() {
      let i = 0
      let ready = false
      let over = false
      let waiter: (() => void) | undefined
      const it: Pollable<AgentEvent[]> = {
        poll() {
          calls.polls++
          if (over) return DONE_RESULT
          if (i % 2 === 0 && !ready) return PENDING
          ready = false
          if (i < batches.length) return { done: false, value: batches[i++] as AgentEvent[] }
          over = true
          if (failure !== undefined) throw failure
          return DONE_RESULT
        },
        wait(callback) {
          waiter = callback
          setTimeout(() => {
            ready = true
            const w = waiter
            waiter = undefined
            w?.()
          }, 0)
        },
        next() {
          calls.nexts++
          return pollNext(it)
        },
        async return() {
          calls.returns++
          over = true
          await onReturn?.()
          const w = waiter
          waiter = undefined
          if (w) setTimeout(w, 0)
          return DONE_RESULT
        },
      }
      return it
    },
  }
}

/** The same as a plain async generator (no poll): read with `next()`. */
function generatorBatches(
  batches: AgentEvent[][],
  failure?: unknown,
  onFinally?: () => void,
): AsyncIterable<AgentEvent[]> {
  return (async function* () {
    try {
      for (const batch of batches) {
        await tick()
        yield batch
      }
      if (failure !== undefined) throw failure
    } finally {
      onFinally?.()
    }
  })()
}

/** SSE text as a Response whose body gives `chunks` one read each, then ends or (with `error`) breaks off. */
function sseResponse(chunks: string[], end: { error?: unknown; open?: boolean } = {}, onCancel?: () => void) {
  const queue = [...chunks]
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      await tick()
      const chunk = queue.shift()
      if (chunk !== undefined) controller.enqueue(encoder.encode(chunk))
      else if (end.error !== undefined) controller.error(end.error)
      else if (!end.open) controller.close()
      else await new Promise(() => {}) // stays open: nothing more until canceled
    },
    cancel() {
      onCancel?.()
    },
  })
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } })
}

const upstream = {
  label: 'Test server',
  limits: { ...DEFAULT_LIMITS, firstByteTimeoutMs: 5_000 },
} as unknown as Upstream

/** A trivial decoding: each message's data is a text delta; `end` completes the turn. */
const decoding = (): StreamDecoding<MapperState, string> => ({
  state: { done: false },
  read: (message) => message.data,
  decode: (state, text) => {
    if (text !== 'end') return [delta(text)]
    state.done = true
    return [completed]
  },
})

/** SSE chunks decoded (see `decodeEvents`): each chunk comes as one batch of canonical events. */
const decodedBatches = (response: Response, signal?: AbortSignal) =>
  decodeEvents(upstream, response, { url: 'http://upstream.test/stream', signal }, decoding())

const frames = (...texts: string[]) => texts.map((t) => `data: ${t}\n\n`).join('')

/** Every way a stream of batches can be delegated: the same batches each way. */
const KINDS = {
  'a decoded SSE answer (pollable)': (batches: string[][]) =>
    decodedBatches(sseResponse(batches.map((texts) => frames(...texts)))),
  'a hand-written pollable': (batches: string[][]) => pollableBatches(batches.map((texts) => texts.map(delta))),
  'a plain async generator': (batches: string[][]) => generatorBatches(batches.map((texts) => texts.map(delta))),
}

describe('yield delegate(batches) in an upstream run', () => {
  for (const [kind, make] of Object.entries(KINDS)) {
    describe(`delegating ${kind}`, () => {
      const run = async function* (): AsyncGenerator<UpstreamYield> {
        yield started
        yield delegate(make([['a', 'b'], ['c'], ['d', 'e', 'f']]))
        yield completed
      }
      const expected: AgentYield[] = [
        started,
        [delta('a'), delta('b')],
        [delta('c')],
        [delta('d'), delta('e'), delta('f')],
        completed,
      ]

      it('a for-await reader gets the event before, every batch in order, then the event after', async () => {
        const { got, error } = await within(forAwait(run), 'the run to end')
        expect(error).toBeUndefined()
        expect(got).toEqual(expected)
      })

      it('a polling reader gets the same, called back later and once per wait', async () => {
        const it = reading(run)
        const { got, error } = await within(byPolling(it), 'the run to end')
        expect(error).toBeUndefined()
        expect(got).toEqual(expected)
        expect(it.poll()).toEqual(DONE_RESULT)
        expect(await it.next()).toEqual(DONE_RESULT)
      })
    })
  }

  it('a pollable delegate is polled, never read with next()', async () => {
    const batches = pollableBatches([[delta('a')], [delta('b')]])
    const { got } = await forAwait(async function* () {
      yield delegate(batches)
    })
    expect(got).toEqual([[delta('a')], [delta('b')]])
    expect(batches.calls.nexts).toBe(0)
    expect(batches.calls.polls).toBeGreaterThan(0)
  })

  it('wait() before the first poll, and after the reading was returned, calls back later and once', async () => {
    const it = reading(async function* () {
      yield delegate(pollableBatches([[delta('a')]]))
    })
    await waitOnce(it)
    expect(await within(pollNextValue(it), 'the first batch')).toEqual([delta('a')])
    await it.return?.()
    await waitOnce(it)
    expect(it.poll()).toEqual(DONE_RESULT)
  })

  it('the client gets the request and the signal; two delegates in a row are read one after the other', async () => {
    const signal = new AbortController().signal
    const seen: unknown[] = []
    const { got } = await forAwait(async function* (req, sig) {
      seen.push(req, sig)
      yield delegate(pollableBatches([[delta('a')]]))
      yield delegate(generatorBatches([[delta('b')]]))
      yield delegate(decodedBatches(sseResponse([frames('c')])))
    }, signal)
    expect(seen).toEqual([request, signal])
    expect(got).toEqual([[delta('a')], [delta('b')], [delta('c')]])
  })
})

describe('a delegated stream that fails', () => {
  const reset = new Error('connection reset')
  const FAILING = {
    'a hand-written pollable': () => pollableBatches([[delta('a')]], reset),
    'a plain async generator': () => generatorBatches([[delta('a')]], reset),
    'a decoded SSE answer whose body breaks off': () => decodedBatches(sseResponse([frames('a')], { error: reset })),
  }
  /** What the generator catches where it yielded: the error itself, or for an SSE body the StreamDropped naming it. */
  const expectTheFailure = (caught: unknown) => {
    if (caught instanceof StreamDropped) {
      expect(caught.cause).toBe(reset)
      expect(caught.message).toContain('Test server')
    } else expect(caught).toBe(reset)
  }

  for (const [kind, failing] of Object.entries(FAILING)) {
    describe(kind, () => {
      /** Like the Responses client: a stream that breaks off is caught where it was yielded, and picked up again. */
      const resuming = (log: string[]) =>
        async function* (): AsyncGenerator<UpstreamYield> {
          yield started
          try {
            yield delegate(failing())
            log.push('not reached')
          } catch (error) {
            log.push('caught')
            expectTheFailure(error)
          } finally {
            log.push('finally')
          }
          yield delegate(pollableBatches([[delta('b')], [delta('c')]]))
          log.push('resumed')
          yield completed
        }
      const expected: AgentYield[] = [started, [delta('a')], [delta('b')], [delta('c')], completed]

      it('caught around the yield: the generator goes on, the reader gets everything, finally runs once', async () => {
        const log: string[] = []
        const { got, error } = await within(forAwait(resuming(log)), 'the run to end')
        expect(error).toBeUndefined()
        expect(got).toEqual(expected)
        expect(log).toEqual(['caught', 'finally', 'resumed'])
      })

      it('caught around the yield, read by polling: the same', async () => {
        const log: string[] = []
        const { got, error } = await within(byPolling(reading(resuming(log))), 'the run to end')
        expect(error).toBeUndefined()
        expect(got).toEqual(expected)
        expect(log).toEqual(['caught', 'finally', 'resumed'])
      })

      it('not caught: next() rejects with a BridgeError naming the upstream, and the reading is over', async () => {
        let finals = 0
        const it = reading(async function* () {
          try {
            yield started
            yield delegate(failing())
            yield completed
          } finally {
            finals++
          }
        })
        expect(await it.next()).toEqual({ done: false, value: started })
        expect(await it.next()).toEqual({ done: false, value: [delta('a')] })
        const error = await within(
          it.next().then(
            () => undefined,
            (e: unknown) => e,
          ),
          'the failure',
        )
        expect(error).toBeInstanceOf(BridgeError)
        expect((error as BridgeError).code).toBe('upstream_failed')
        expect((error as BridgeError).message).toContain('Test server')
        if (!(error instanceof StreamDropped)) expect((error as BridgeError).cause).toBe(reset)
        expect(finals).toBe(1)
        expect(await it.next()).toEqual(DONE_RESULT)
      })
    })
  }

  it('not caught, read by polling: poll() throws the BridgeError naming the upstream', async () => {
    const { got, error } = await within(
      byPolling(
        reading(async function* () {
          yield delegate(pollableBatches([[delta('a')]], reset))
        }),
      ),
      'the failure',
    )
    expect(got).toEqual([[delta('a')]])
    expect(error).toBeInstanceOf(BridgeError)
    expect((error as BridgeError).message).toContain('Test server')
    expect((error as BridgeError).message).toContain('connection reset')
    expect((error as BridgeError).cause).toBe(reset)
  })

  it('a BridgeError the delegate fails with reaches the reader as it is', async () => {
    const refused = new BridgeError('rate_limited', 'slow down')
    const { got, error } = await forAwait(async function* () {
      yield delegate(generatorBatches([[delta('a')]], refused))
    })
    expect(got).toEqual([[delta('a')]])
    expect(error).toBe(refused)
  })

  it('with the signal already aborted, the raw failure is thrown (for await and polling)', async () => {
    const aborted = new AbortController()
    aborted.abort(new Error('the run was canceled'))
    const run = async function* (): AsyncGenerator<UpstreamYield> {
      yield delegate(generatorBatches([[delta('a')]], reset))
    }
    const awaited = await within(forAwait(run, aborted.signal), 'the failure')
    expect(awaited.got).toEqual([[delta('a')]])
    expect(awaited.error).toBe(reset)
    const polled = await within(byPolling(reading(run, aborted.signal)), 'the failure')
    expect(polled.got).toEqual([[delta('a')]])
    expect(polled.error).toBe(reset)
  })

  it('a failure the generator rethrows from its catch is mapped like one it never caught', async () => {
    const { error } = await forAwait(async function* () {
      try {
        yield delegate(pollableBatches([], reset))
      } catch (e) {
        throw new Error(`gave up: ${(e as Error).message}`)
      }
    })
    expect(error).toBeInstanceOf(BridgeError)
    expect((error as BridgeError).message).toContain('Test server')
    expect((error as BridgeError).message).toContain('gave up: connection reset')
  })
})

describe('a reader that leaves while a delegate is read', () => {
  /** Each kind of delegate, telling `log` when it is let go (its return, its finally, its body's cancel). */
  const LEAVING = {
    'a hand-written pollable': (log: string[]) =>
      pollableBatches([[delta('a')], [delta('b')]], undefined, async () => {
        log.push('delegate.return')
        await tick()
        log.push('delegate.returned')
      }),
    'a plain async generator': (log: string[]) =>
      generatorBatches([[delta('a')], [delta('b')]], undefined, () => log.push('delegate.finally')),
    'a decoded SSE answer': (log: string[]) =>
      decodedBatches(sseResponse([frames('a'), frames('b')], { open: true }, () => log.push('body.cancel'))),
  }
  const LET_GO = {
    'a hand-written pollable': ['delegate.return', 'delegate.returned'],
    'a plain async generator': ['delegate.finally'],
    'a decoded SSE answer': ['body.cancel'],
  }

  for (const [kind, make] of Object.entries(LEAVING)) {
    const letGo = LET_GO[kind as keyof typeof LET_GO]
    const run = (log: string[]) =>
      async function* (): AsyncGenerator<UpstreamYield> {
        try {
          yield started
          yield delegate(make(log))
          log.push('not reached')
        } finally {
          log.push('generator.finally')
        }
      }

    it(`return() after a batch of ${kind}: the delegate is let go, then the generator's finally runs`, async () => {
      const log: string[] = []
      const it = reading(run(log))
      expect(await it.next()).toEqual({ done: false, value: started })
      expect(await it.next()).toEqual({ done: false, value: [delta('a')] })
      expect(await within(it.return?.() as Promise<IteratorResult<AgentYield>>, 'return()')).toEqual(DONE_RESULT)
      expect(log).toEqual([...letGo, 'generator.finally'])
      expect(await it.next()).toEqual(DONE_RESULT)
      expect(it.poll()).toEqual(DONE_RESULT)
      await flush()
      expect(log).toEqual([...letGo, 'generator.finally'])
    })

    it(`break out of for await over ${kind}: the same order`, async () => {
      const log: string[] = []
      const got: AgentYield[] = []
      for await (const y of backendOf(run(log)).run(request, new AbortController().signal)) {
        got.push(y)
        if (Array.isArray(y)) break
      }
      expect(got).toEqual([started, [delta('a')]])
      expect(log).toEqual([...letGo, 'generator.finally'])
    })
  }

  /** A run that delegates an SSE answer that stays open, telling `log` when the body is canceled and when it ends. */
  const onOpenBody = (log: string[]) =>
    reading(async function* () {
      try {
        yield delegate(decodedBatches(sseResponse([], { open: true }, () => log.push('body.cancel'))))
      } finally {
        log.push('generator.finally')
      }
    })

  it('return() while a next() waits on a delegated SSE body: the waiting next() is done, the body canceled', async () => {
    const log: string[] = []
    const it = onOpenBody(log)
    const waiting = it.next()
    await tick()
    await tick()
    const returned = it.return?.()
    expect(await within(waiting, 'the waiting next()')).toEqual(DONE_RESULT)
    expect(await within(returned as Promise<unknown>, 'return()')).toEqual(DONE_RESULT)
    expect(log).toEqual(['body.cancel', 'generator.finally'])
  })

  it('return() while a poller waits on a delegate: the poller is called back and the reading is done', async () => {
    const log: string[] = []
    const it = onOpenBody(log)
    let result: IteratorResult<AgentYield> | typeof PENDING = it.poll()
    for (let i = 0; result === PENDING && i < 5; i++) {
      await tick()
      result = it.poll()
    }
    expect(result).toBe(PENDING)
    let called = 0
    it.wait(() => called++)
    await it.return?.()
    await flush()
    expect(called).toBe(1)
    expect(it.poll()).toEqual(DONE_RESULT)
    expect(log).toEqual(['body.cancel', 'generator.finally'])
  })
})

describe('nested generators (yield* of a generator that delegates, as the ACP client does)', () => {
  it('the inner delegate is read in place, and the outer generator goes on after it', async () => {
    const log: string[] = []
    async function* pump(texts: string[]): AsyncGenerator<UpstreamYield> {
      try {
        yield delegate(decodedBatches(sseResponse(texts.map((t) => frames(t)))))
      } finally {
        await tick()
        log.push('pump.finally')
      }
    }
    const run = async function* (): AsyncGenerator<UpstreamYield> {
      yield started
      yield* pump(['a', 'b'])
      log.push('after pump')
      yield completed
    }
    const expected: AgentYield[] = [started, [delta('a')], [delta('b')], completed]
    const awaited = await within(forAwait(run), 'the run to end')
    expect(awaited).toEqual({ got: expected })
    expect(log).toEqual(['pump.finally', 'after pump'])
    const polled = await within(byPolling(reading(run)), 'the run to end')
    expect(polled).toEqual({ got: expected })
  })

  it("a delegate's failure is thrown into the outer generator and reaches the inner try/catch", async () => {
    const reset = new Error('connection reset')
    const log: string[] = []
    async function* inner(): AsyncGenerator<UpstreamYield> {
      try {
        yield delegate(pollableBatches([[delta('a')]], reset))
      } catch (error) {
        log.push(`inner caught ${(error as Error).message}`)
        yield delta('recovered')
      } finally {
        log.push('inner.finally')
      }
    }
    const run = async function* (): AsyncGenerator<UpstreamYield> {
      try {
        yield* inner()
        yield completed
      } catch {
        log.push('outer caught')
      }
    }
    const expected: AgentYield[] = [[delta('a')], delta('recovered'), completed]
    expect(await within(forAwait(run), 'the run to end')).toEqual({ got: expected })
    expect(log).toEqual(['inner caught connection reset', 'inner.finally'])
    log.length = 0
    expect(await within(byPolling(reading(run)), 'the run to end')).toEqual({ got: expected })
    expect(log).toEqual(['inner caught connection reset', 'inner.finally'])
  })

  it('a failure the inner generator lets through reaches the outer catch, which joins again (ACP `follow`)', async () => {
    const log: string[] = []
    const sources = [
      () => decodedBatches(sseResponse([frames('a')], { error: new Error('socket hang up') })),
      () => decodedBatches(sseResponse([frames('b', 'end')])),
    ]
    async function* pump(attempt: number): AsyncGenerator<UpstreamYield> {
      try {
        yield delegate((sources[attempt] as () => AsyncIterable<AgentEvent[]>)())
      } finally {
        log.push(`pump ${attempt} finally`)
      }
    }
    const run = async function* (): AsyncGenerator<UpstreamYield> {
      for (let attempt = 0; ; attempt++) {
        try {
          return yield* pump(attempt)
        } catch (error) {
          if (!(error instanceof StreamDropped)) throw error
          log.push(`joining again after: ${error.message}`)
        }
      }
    }
    const { got, error } = await within(forAwait(run), 'the run to end')
    expect(error).toBeUndefined()
    expect(got).toEqual([[delta('a')], [delta('b'), completed]])
    expect(log).toEqual([
      'pump 0 finally',
      expect.stringMatching(/^joining again after: .*Test server.*socket hang up/),
      'pump 1 finally',
    ])
  })

  it('a failure neither generator catches is mapped once, naming the upstream', async () => {
    const reset = new Error('connection reset')
    const log: string[] = []
    async function* inner(): AsyncGenerator<UpstreamYield> {
      try {
        yield delegate(generatorBatches([], reset))
      } finally {
        log.push('inner.finally')
      }
    }
    const { got, error } = await forAwait(async function* () {
      try {
        yield started
        yield* inner()
      } finally {
        log.push('outer.finally')
      }
    })
    expect(got).toEqual([started])
    expect(error).toBeInstanceOf(BridgeError)
    expect((error as BridgeError).cause).toBe(reset)
    expect(log).toEqual(['inner.finally', 'outer.finally'])
  })
})

describe('a delegate the reader never gets to read', () => {
  it('an iterable that cannot be read fails the generator where it yielded it, as yield* would', async () => {
    const log: string[] = []
    const unreadable = {
      [Symbol.asyncIterator](): AsyncIterator<AgentEvent[]> {
        throw new Error('no iterator')
      },
    }
    const { got, error } = await forAwait(async function* () {
      try {
        yield delegate(unreadable)
        log.push('went on')
      } catch (e) {
        log.push(`caught ${(e as Error).message}`)
      } finally {
        log.push('finally')
      }
      yield completed
    })
    expect(error).toBeUndefined()
    expect(log).toEqual(['caught no iterator', 'finally'])
    expect(got).toEqual([completed])
  })

  it('returned while the generator was still on its way to a delegated SSE answer: that answer is canceled', async () => {
    let canceled = 0
    let arrive!: () => void
    const arrived = new Promise<void>((resolve) => {
      arrive = resolve
    })
    const it = reading(async function* () {
      // The fetch the generator waits for comes only after the reader left.
      await arrived
      yield delegate(decodedBatches(sseResponse([frames('a')], { open: true }, () => canceled++)))
    })
    const first = it.next()
    await flush()
    const returned = it.return?.()
    arrive()
    await within(first, 'the waiting next()')
    if (returned) await within(returned, 'return()')
    await flush()
    await tick()
    expect(canceled).toBe(1)
    expect(await it.next()).toEqual(DONE_RESULT)
  })
})
