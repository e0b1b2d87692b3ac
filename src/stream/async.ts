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

/** What `raceTimer` resolves to when the time ran out first. */
export const TIMER: unique symbol = Symbol('timer')

/** The promise's result, or TIMER once `ms` have passed first (at once when `ms` ≤ 0). */
export async function raceTimer<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMER> {
  if (ms <= 0) return TIMER
  let timer: ReturnType<typeof setTimeout> | undefined
  const elapsed = new Promise<typeof TIMER>((resolve) => {
    timer = setTimeout(() => resolve(TIMER), ms)
  })
  try {
    return await Promise.race([promise, elapsed])
  } finally {
    clearTimeout(timer)
  }
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
  return { [Symbol.asyncIterator]: () => new PassThrough(open, end) }
}

/**
 * One reading of a `passThrough`: a class, so an open stream holds one small object and the three handlers its
 * promises are given, not a closure per step and their shared context (a reader is held for as long as its stream is
 * open).
 */
class PassThrough<T> implements AsyncIterator<T> {
  #source: AsyncIterator<T> | undefined
  #opening: Promise<AsyncIterator<T>> | undefined
  /** No more items. */
  #done = false
  /** `end` was told (only an opened source is). */
  #ended = false

  constructor(
    private readonly open: () => AsyncIterable<T> | Promise<AsyncIterable<T>>,
    private readonly end?: () => void,
  ) {}

  next(): Promise<IteratorResult<T>> {
    if (this.#done) return Promise.resolve({ done: true, value: undefined })
    return this.#source ? this.#step(this.#source) : this.#start().then(this.#step)
  }

  async return(value?: unknown): Promise<IteratorResult<T>> {
    try {
      // A source that failed to open is over, as a generator that threw is: nothing to return.
      const it = this.#opening && (await this.#opening.catch(() => undefined))
      return (await it?.return?.(value)) ?? { done: true, value }
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

  #step = (it: AsyncIterator<T>): Promise<IteratorResult<T>> =>
    this.end ? it.next().then(this.#settle, this.#fail) : it.next()

  #settle = (result: IteratorResult<T>): IteratorResult<T> => {
    if (result.done) this.#finish()
    return result
  }

  #fail = (error: unknown): never => {
    this.#finish()
    throw error
  }

  #finish() {
    this.#done = true
    if (this.#ended || !this.#source) return
    this.#ended = true
    this.end?.()
  }
}
