// TimedMapping, the polled reading behind the ACP `values` and Orq task streams: batches mapped as they come, what is
// owed on a timer given out on its own once its time comes (the timer wakes a waiting reader, no batch needed), empty
// batches skipped, a return or a failure that ends the reading and lets the source go.
import { describe, expect, it } from 'vitest'
import { PENDING, type Pollable } from '../../src/stream/poll.js'
import { TimedMapping } from '../../src/stream/timed.js'
import { byPolling, flush, handFed, waitOnce, within } from '../helpers/poll.js'

/** Upper-cases each item; owes a `tick` `owedInMs` after the last batch, while `owing`; stops after `stop`. */
class Shout extends TimedMapping<string[], string> {
  owing = false
  at = Date.now()
  constructor(
    source: Pollable<string[]>,
    private readonly owedInMs: number,
  ) {
    super(source)
  }
  protected override first() {
    return ['hello']
  }
  protected dueIn() {
    return this.owing ? this.at + this.owedInMs - Date.now() : Number.POSITIVE_INFINITY
  }
  protected onTime() {
    this.owing = false
    return ['tick']
  }
  protected map(batch: string[]) {
    this.at = Date.now()
    this.owing = true
    if (batch.includes('stop')) this.finish()
    return batch.filter((b) => b !== '').map((b) => b.toUpperCase())
  }
}

describe('TimedMapping', () => {
  it('gives the first batch, then each batch mapped, skipping empty ones, until the source ends', async () => {
    const fed = handFed<string[]>()
    const reading = new Shout(fed.source, 10_000)
    fed.feed(['a', 'b'])
    fed.feed([''])
    fed.feed(['c'])
    fed.end()
    const { got, error } = await byPolling(reading)
    expect(error).toBeUndefined()
    expect(got).toEqual([['hello'], ['A', 'B'], ['C']])
    expect(fed.returned()).toBe(1)
  })

  it('what is owed goes out on its own once its time comes: the timer wakes a waiting reader', async () => {
    const fed = handFed<string[]>()
    const reading = new Shout(fed.source, 40)
    expect(reading.poll()).toEqual({ done: false, value: ['hello'] })
    fed.feed(['a'])
    expect(reading.poll()).toEqual({ done: false, value: ['A'] })
    expect(reading.poll()).toBe(PENDING)
    const started = performance.now()
    await waitOnce(reading)
    expect(performance.now() - started).toBeGreaterThanOrEqual(30)
    expect(reading.poll()).toEqual({ done: false, value: ['tick'] })
    // Nothing owed now: the next wait is the source's alone.
    expect(reading.poll()).toBe(PENDING)
    const waiting = new Promise<void>((resolve) => reading.wait(resolve))
    fed.feed(['b'])
    await within(waiting, 'the source to wake the reader')
    expect(reading.poll()).toEqual({ done: false, value: ['B'] })
    await reading.return()
  })

  it('a mapping that finishes gives its last batch, then is done, the source let go', async () => {
    const fed = handFed<string[]>()
    const reading = new Shout(fed.source, 10_000)
    fed.feed(['a', 'stop'])
    fed.feed(['never'])
    const { got } = await byPolling(reading)
    expect(got).toEqual([['hello'], ['A', 'STOP']])
    expect(fed.returned()).toBe(1)
  })

  it('a return wakes a waiting reader even when the source never calls back, and lets the source go', async () => {
    const fed = handFed<string[]>()
    const reading = new Shout(fed.source, 10_000)
    reading.poll()
    expect(reading.poll()).toBe(PENDING)
    const woken = new Promise<void>((resolve) => reading.wait(resolve))
    await reading.return()
    await within(woken, 'the waiting reader to be called back')
    expect(reading.poll()).toEqual({ done: true, value: undefined })
    expect(fed.returned()).toBe(1)
  })

  it('fails as its source fails, then is done; next() rejects the same way', async () => {
    const boom = new Error('the source broke')
    const fed = handFed<string[]>()
    const reading = new Shout(fed.source, 10_000)
    reading.poll()
    fed.fail(boom)
    await flush()
    expect(() => reading.poll()).toThrow(boom)
    expect(reading.poll()).toEqual({ done: true, value: undefined })
    const other = handFed<string[]>()
    const read = new Shout(other.source, 10_000)
    await read.next()
    other.fail(boom)
    await expect(read.next()).rejects.toBe(boom)
  })
})
