// Reading the internal poll protocol (src/stream/poll.ts) in tests, holding each reader to its contract: `wait` calls
// back later, never within the call, and once.
import { expect } from 'vitest'
import { isPollable, PENDING, type Pollable } from '../../src/stream/poll.js'

/** Lets queued microtasks and the current macrotask's follow-ups run. */
export const flush = () => new Promise<void>((resolve) => setImmediate(resolve))

/** Rejects when `promise` has not settled within `ms`, so a hang fails fast. */
export function within<T>(promise: Promise<T>, what: string, ms = 2_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms}ms: ${what}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Whether `promise` has settled once pending work has run. */
export async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false
  promise.then(
    () => (done = true),
    () => (done = true),
  )
  await flush()
  await flush()
  return done
}

/** The iterator of an iterable, which must speak the poll protocol. */
export function pollable<T>(iterable: AsyncIterable<T>): Pollable<T> {
  const it = iterable[Symbol.asyncIterator]()
  if (!isPollable(it)) throw new Error('expected a pollable iterator')
  return it
}

/** Waits once on a pollable: `ready` must not come within `wait`, and must come once. */
export async function waitOnce(it: Pollable<unknown>): Promise<void> {
  let calls = 0
  let inside = true
  let early = false
  await within(
    new Promise<void>((resolve) => {
      it.wait(() => {
        calls++
        if (inside) early = true
        resolve()
      })
      inside = false
    }),
    'wait() to call back',
  )
  expect(early, 'ready called within wait').toBe(false)
  await flush()
  expect(calls, 'ready called more than once').toBe(1)
}

/** Everything polling gives (waiting as told), and what `poll()` throws. */
export async function byPolling<T>(it: Pollable<T>): Promise<{ got: T[]; error?: unknown }> {
  const got: T[] = []
  for (let steps = 0; steps < 10_000; steps++) {
    let result: IteratorResult<T> | typeof PENDING
    try {
      result = it.poll()
    } catch (error) {
      return { got, error }
    }
    if (result === PENDING) await waitOnce(it)
    else if (result.done) return { got }
    else got.push(result.value)
  }
  throw new Error('poll never ended')
}

/** A source the test feeds by hand; it calls a waiting reader back when fed, ended or failed. */
export function handFed<T = string>() {
  const queue: T[] = []
  let ended = false
  let failure: Error | undefined
  let ready: (() => void) | undefined
  let returned = 0
  const wake = () => {
    const r = ready
    ready = undefined
    if (r) queueMicrotask(r)
  }
  const source: Pollable<T> = {
    // What was fed comes first, then the failure or the end.
    poll: () => {
      if (queue.length) return { done: false, value: queue.shift() as T }
      if (failure) throw failure
      return ended ? { done: true, value: undefined } : PENDING
    },
    wait: (r) => {
      ready = r
    },
    next: () => Promise.reject(new Error('polled only')),
    return: async () => {
      returned += 1
      return { done: true, value: undefined }
    },
  }
  return {
    source,
    feed: (value: T) => {
      queue.push(value)
      wake()
    },
    end: () => {
      ended = true
      wake()
    },
    fail: (error: Error) => {
      failure = error
      wake()
    },
    returned: () => returned,
  }
}
