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
