import { DONE } from './done.js'
import { isPollable, Outcome, PENDING, type Pollable } from './poll.js'
/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** An AbortSignal that fires when any of the given signals does. */
export function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal {
  return AbortSignal.any(signals.filter((s): s is AbortSignal => s !== undefined))
}

/**
 * A queue per key: tasks given the same key run one after another (each starts once the one before it settled,
 * whatever its outcome); tasks of other keys do not wait.
 */
export function serialByKey(): <T>(key: string, task: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>()
  return async (key, task) => {
    const mine = (tails.get(key) ?? Promise.resolve()).then(
      () => task(),
      () => task(),
    )
    tails.set(key, mine)
    try {
      return await mine
    } finally {
      if (tails.get(key) === mine) tails.delete(key)
    }
  }
}

/**
 * The iterable `open()` gives (opened at the first `next()`), its results handed on as they are, and `end` told once
 * when an opened source is done, fails, or is returned. In place of an async generator that only wraps another
 * (`yield*` inside `try … finally`), which costs a generator step per item (a few promises and ~300 bytes each): this
 * passes the source's own promise on, or, with `end`, that promise with one `then`.
 */
export function passThrough<T>(
  open: () => AsyncIterable<T> | Promise<AsyncIterable<T>>,
  end?: () => void,
): AsyncIterable<T> {
  return { [Symbol.asyncIterator]: () => new Through<T, T>(open, end ? { end } : {}) }
}

/**
 * One reading of `passThrough(open)` as a `Pollable`, for a reader that polls its source itself (the ACP and Orq
 * cadence readings): the source is polled through when it can be, read with `next()` otherwise.
 */
export function pollThrough<T>(open: () => AsyncIterable<T> | Promise<AsyncIterable<T>>): Pollable<T> {
  return new Through<T, T>(open, {})
}

/** What `mapThrough` does around a source's items: an async generator's shape, as a table. */
export interface MapHooks<T, U> {
  /** Goes out before anything of the source (which opens only after it was taken). */
  first?: () => U
  /** One item of the source as what goes out. */
  map: (item: T) => U
  /** Asked after each item: the reader wants nothing more of the source (it is returned; `last` follows). */
  stop?: () => boolean
  /** The source's failure as one more item (`last` follows it), or undefined to end there; throw to fail. */
  failed?: (error: unknown) => U | undefined
  /** Goes out once the source is over (ended, stopped or failed into an item); undefined for nothing. */
  last?: () => U | undefined
  /** Told once when an opened source is done, fails, or is returned. */
  end?: () => void
}

/**
 * The items of the iterable `open()` gives, each mapped as it comes, with a first and a last item and a failure turned
 * into an item: what an async generator around `for await … yield map(item)` does, with one `then` per item instead of
 * its several promises (a stream passes through a few of these for every event).
 */
export function mapThrough<T, U>(
  open: () => AsyncIterable<T> | Promise<AsyncIterable<T>>,
  hooks: MapHooks<T, U>,
): AsyncIterable<U> {
  return { [Symbol.asyncIterator]: () => new Through(open, hooks) }
}

/** Returns a source no one reads any more, whatever its `return` does (rejects, throws, gives no promise). */
function letGo(source: AsyncIterator<unknown> | undefined) {
  try {
    const returned = source?.return?.()
    if (returned && typeof returned.then === 'function') returned.then(undefined, () => {})
  } catch {
    // Let go all the same.
  }
}

/**
 * One reading of a `passThrough` or a `mapThrough`: a class, so an open stream holds one small object and the handlers
 * its promises are given, not a closure per step and their shared context (a reader is held for as long as its stream
 * is open). Read with `next()`, a promise per step; polled (see `Pollable`) over a source that can be polled too, a
 * step is a plain call, its hooks run as they would in `next()`.
 */
class Through<T, U> implements Pollable<U> {
  #source: AsyncIterator<T> | undefined
  #opening: Promise<AsyncIterator<T>> | undefined
  /** Where the reading is: the first item, the source's, the last item, or over. */
  #at: 'first' | 'source' | 'last' | 'done'
  /** `end` was told (only an opened source is). */
  #ended = false
  /** Each step needs a `then` (to map, to stop, or to tell `end`); else the source's promise goes on as it is. */
  readonly #wrapped: boolean
  /** A polling reader's wait on a source still opening, or on a step of one that only has `next()`. */
  #opened: Outcome<unknown> | undefined
  #stepped: Outcome<IteratorResult<T>> | undefined
  #ready: (() => void) | undefined

  constructor(
    private readonly open: () => AsyncIterable<T> | Promise<AsyncIterable<T>>,
    private readonly hooks: Partial<MapHooks<T, U>>,
  ) {
    this.#at = hooks.first ? 'first' : 'source'
    this.#wrapped = hooks.map !== undefined || hooks.end !== undefined || hooks.failed !== undefined
  }

  next(): Promise<IteratorResult<U>> {
    try {
      switch (this.#at) {
        case 'first':
          this.#at = 'source'
          return Promise.resolve({ done: false, value: (this.hooks.first as () => U)() })
        case 'source':
          return this.#source ? this.#step(this.#source) : this.#start().then(this.#step, this.#fail)
        case 'last':
          return Promise.resolve(this.#last())
        default:
          return Promise.resolve(DONE)
      }
    } catch (error) {
      // A hook that throws fails this step (as a throw in a generator's body would), never the caller at once.
      this.#at = 'done'
      return Promise.reject(error)
    }
  }

  poll(): IteratorResult<U> | typeof PENDING {
    try {
      switch (this.#at) {
        case 'first':
          this.#at = 'source'
          return { done: false, value: (this.hooks.first as () => U)() }
        case 'source': {
          const opened = this.#opened
          if (opened) {
            if (!opened.settled) return PENDING
            this.#opened = undefined
            if (opened.failure) return this.#fail(opened.failure.error)
          }
          const stepped = this.#stepped
          if (stepped) {
            if (!stepped.settled) return PENDING
            this.#stepped = undefined
            return stepped.failure ? this.#fail(stepped.failure.error) : this.#settle(stepped.take())
          }
          const source = this.#source
          if (!source || !isPollable(source)) return PENDING
          let result: IteratorResult<T> | typeof PENDING
          try {
            result = source.poll()
          } catch (error) {
            return this.#fail(error)
          }
          return result === PENDING ? PENDING : this.#settle(result)
        }
        case 'last':
          return this.#last()
        default:
          return DONE
      }
    } catch (error) {
      this.#at = 'done'
      throw error
    }
  }

  wait(ready: () => void): void {
    if (this.#at !== 'source') return void queueMicrotask(ready)
    const pending = this.#opened ?? this.#stepped
    if (pending?.settled) return void queueMicrotask(ready)
    const source = this.#source
    if (!pending && source && isPollable(source)) return void source.wait(ready)
    this.#ready = ready
    if (pending) return
    // Opened at the first wait (a failure to open is the next poll's); a source that only has `next()` is stepped.
    if (!source) this.#opened = new Outcome(() => this.#start(), this.#wake)
    else this.#stepped = new Outcome(() => source.next(), this.#wake)
  }

  #wake = () => {
    const ready = this.#ready
    this.#ready = undefined
    ready?.()
  }

  async return(value?: unknown): Promise<IteratorResult<U>> {
    this.#at = 'done'
    // A poller waiting on the source's step hears of it now, not once that step settles.
    this.#wake()
    try {
      // A source that failed to open is over, as a generator that threw is: nothing to return.
      const it = this.#opening && (await this.#opening.catch(() => undefined))
      return ((await it?.return?.(value)) as IteratorResult<U> | undefined) ?? { done: true, value: value as U }
    } finally {
      this.#finish()
    }
  }

  #start(): Promise<AsyncIterator<T>> {
    this.#opening ??= (async () => {
      this.#source = (await this.open())[Symbol.asyncIterator]()
      return this.#source
    })()
    return this.#opening
  }

  #step = (it: AsyncIterator<T>): Promise<IteratorResult<U>> => {
    if (!this.#wrapped) return it.next() as unknown as Promise<IteratorResult<U>>
    let next: Promise<IteratorResult<T>>
    try {
      next = it.next()
    } catch (error) {
      // A source that throws instead of rejecting fails the same way.
      return Promise.resolve().then(() => this.#fail(error))
    }
    return next.then(this.#settle, this.#fail)
  }

  #settle = (result: IteratorResult<T>): IteratorResult<U> => {
    // A reading stopped or returned while this step was on its way: what is left of it comes in order.
    if (this.#at !== 'source') return this.#at === 'last' ? this.#last() : DONE
    if (result.done) {
      this.#finish()
      this.#at = 'last'
      return this.#last()
    }
    const { map, stop } = this.hooks
    let value: U
    try {
      value = map ? map(result.value) : (result.value as unknown as U)
      if (stop?.()) {
        this.#at = 'last'
        letGo(this.#source)
        this.#finish()
      }
    } catch (error) {
      // A throw while mapping ends the reading as the source's own failure would: the source is let go.
      letGo(this.#source)
      return this.#fail(error)
    }
    return { done: false, value }
  }

  #fail = (error: unknown): IteratorResult<U> => {
    if (this.#at !== 'source') return this.#at === 'last' ? this.#last() : DONE
    this.#finish()
    this.#at = 'done'
    const failed = this.hooks.failed
    if (!failed) throw error
    const value = failed(error)
    if (value === undefined) return DONE
    this.#at = 'last'
    return { done: false, value }
  }

  #last(): IteratorResult<U> {
    this.#at = 'done'
    const value = this.hooks.last?.()
    return value === undefined ? DONE : { done: false, value }
  }

  #finish() {
    if (this.#ended || !this.#source) return
    this.#ended = true
    this.hooks.end?.()
  }
}
