/**
 * A reading that can go on without a promise per step. An async iterator's `next()` costs a promise, and a layer
 * over it one more each (`then`); a live stream's usual batch is one event, so every layer between the run's log and
 * the client's socket cost a few promises and microtask turns for each event. A reader that can poll takes what is
 * ready at once, through every layer in one call, and is called back once when more may be ready.
 *
 * Internal: the run log's readers (`MemoryRunStore`), `passThrough`/`mapThrough` and the SSE pump speak it; any other
 * iterator is read with `next()` as before. A reading uses one or the other, never both at once.
 */

/** What `poll()` gives when nothing is ready yet: call `wait()`, then poll again. */
export const PENDING: unique symbol = Symbol('pending')

export interface Pollable<T> extends AsyncIterator<T> {
  /** The next result if it is ready now, else PENDING. Throws what `next()` would reject with. */
  poll(): IteratorResult<T> | typeof PENDING
  /**
   * Calls `ready` once, later (never within this call), when `poll()` may give something: a result, the end, or a
   * failure. Also once the reading is returned or aborted, so a waiting reader is never left hanging.
   */
  wait(ready: () => void): void
}

export function isPollable<T>(iterator: AsyncIterator<T>): iterator is Pollable<T> {
  return typeof (iterator as Partial<Pollable<T>>).poll === 'function'
}

/** Where `pollNext` keeps a reading's `next()` under way, so calls that overlap are served one at a time. */
export interface NextQueue<T> {
  pending?: Promise<IteratorResult<T>> | undefined
}

/**
 * `next()` of a Pollable: its poll, or one promise for the wait. With a queue, a call made while another waits is
 * served after it (callers that overlap are served one at a time, not in a generator's strict call order; `for await`
 * never overlaps).
 */
export function pollNext<T>(source: Pollable<T>, queue?: NextQueue<T>): Promise<IteratorResult<T>> {
  const before = queue?.pending
  if (before) {
    const after = () => pollNext(source, queue)
    return before.then(after, after)
  }
  let result: IteratorResult<T> | typeof PENDING
  try {
    result = source.poll()
  } catch (error) {
    return Promise.reject(error)
  }
  if (result !== PENDING) return Promise.resolve(result)
  let pending: Promise<IteratorResult<T>> | undefined
  const settled = () => {
    if (queue && queue.pending === pending) queue.pending = undefined
  }
  pending = new Promise((resolve, reject) => {
    const again = () => {
      try {
        const next = source.poll()
        if (next === PENDING) return void source.wait(again)
        settled()
        resolve(next)
      } catch (error) {
        settled()
        reject(error)
      }
    }
    source.wait(again)
  })
  if (queue) queue.pending = pending
  return pending
}

/**
 * A promise a polled reader waits on (a step of a source read with `next()`, an opening, a hook): its outcome kept for
 * the poll after, `wake` told once it settles. A call that throws instead of returning a promise is an outcome failed
 * at once (`wake` told later all the same, never within the call).
 */
export class Outcome<T> {
  #settled = false
  #value: T | undefined
  #failure: { error: unknown } | undefined

  constructor(call: () => PromiseLike<T>, wake: () => void) {
    let promise: PromiseLike<T>
    try {
      promise = call()
    } catch (error) {
      this.#fail(error)
      queueMicrotask(wake)
      return
    }
    promise.then(
      (value) => {
        this.#settled = true
        this.#value = value
        wake()
      },
      (error) => {
        this.#fail(error)
        wake()
      },
    )
  }

  get settled(): boolean {
    return this.#settled
  }

  /** What it failed with, once settled that way. */
  get failure(): { error: unknown } | undefined {
    return this.#failure
  }

  /** The value it settled to; throws what it failed with. */
  take(): T {
    if (this.#failure) throw this.#failure.error
    return this.#value as T
  }

  #fail(error: unknown) {
    this.#settled = true
    this.#failure = { error }
  }
}

/**
 * `for await (const value of source) { if (step(value)) break }`, without a promise per value when the source can be
 * polled: what is ready is stepped through at once, then one callback to wait. `step` may return a promise (the loop
 * goes on once it settles). As `for await` does, a stop (`step` says true) or a throw in `step` returns the source (a
 * throw is rethrown once it is returned), and a source that fails is not returned.
 */
export function pollEach<T>(source: AsyncIterable<T>, step: (value: T) => boolean | Promise<boolean>): Promise<void> {
  const it = source[Symbol.asyncIterator]()
  if (!isPollable(it)) {
    return (async () => {
      for await (const value of { [Symbol.asyncIterator]: () => it }) {
        const stepped = step(value)
        if (stepped === true || (stepped !== false && (await stepped))) break
      }
    })()
  }
  return new Promise((resolve, reject) => {
    const close = (error?: { error: unknown }) => {
      let returned: Promise<unknown> | undefined
      try {
        returned = Promise.resolve(it.return?.())
      } catch (e) {
        returned = Promise.reject(e)
      }
      returned.then(
        () => (error ? reject(error.error) : resolve()),
        (e: unknown) => reject(error ? error.error : e),
      )
    }
    const pump = (): void => {
      for (;;) {
        let result: IteratorResult<T> | typeof PENDING
        try {
          result = it.poll()
        } catch (error) {
          return void reject(error)
        }
        if (result === PENDING) return void it.wait(pump)
        if (result.done) return void resolve()
        let stepped: boolean | Promise<boolean>
        try {
          stepped = step(result.value)
        } catch (error) {
          return void close({ error })
        }
        if (stepped === true) return void close()
        if (stepped !== false) {
          stepped.then(
            (stop) => (stop ? close() : pump()),
            (error: unknown) => close({ error }),
          )
          return
        }
      }
    }
    pump()
  })
}
