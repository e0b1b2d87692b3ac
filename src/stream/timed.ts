// A polled mapping of a source of batches with something owed on a timer: the faces whose streams send snapshots on a
// cadence (ACP `values`, Orq thoughts and its stream timeout) read the run's log through one.
import { DONE } from './done.js'
import { type NextQueue, PENDING, type Pollable, pollNext } from './poll.js'

/**
 * Each batch of `source` mapped to a batch of items (`map`), and, while the source has nothing, what is owed once its
 * time comes (`dueIn`, `onTime`): with the next batch (the subclass's `map` may take it along), or on its own, a timer
 * its `wait` arms waking the reader. Empty batches are not given out. A subclass calls `finish()` to end the reading
 * (the source is let go); a failure of the source, or of `map`, ends it too and is thrown to the reader.
 */
export abstract class TimedMapping<T, U> implements Pollable<U[]> {
  #over = false
  #opened = false
  #ready: (() => void) | undefined
  #timer: ReturnType<typeof setTimeout> | undefined
  readonly #queue: NextQueue<U[]> = {}

  constructor(protected readonly source: Pollable<T>) {}

  /** Milliseconds until something is owed (≤ 0: now; Infinity: nothing). */
  protected abstract dueIn(): number
  /** What is owed, now that its time came (an empty batch: nothing after all). */
  protected abstract onTime(): U[]
  /** One batch of the source. */
  protected abstract map(batch: T): U[]
  /** What goes out before anything of the source. */
  protected first(): U[] {
    return []
  }

  [Symbol.asyncIterator](): this {
    return this
  }

  next(): Promise<IteratorResult<U[]>> {
    return pollNext(this, this.#queue)
  }

  async return(): Promise<IteratorResult<U[]>> {
    this.finish()
    this.#wake()
    return DONE
  }

  poll(): IteratorResult<U[]> | typeof PENDING {
    if (this.#over) return DONE
    if (!this.#opened) {
      this.#opened = true
      const first = this.first()
      if (first.length) return { done: false, value: first }
    }
    for (;;) {
      if (this.#over) return DONE
      let out: U[]
      try {
        const result = this.source.poll()
        if (result === PENDING) {
          if (this.dueIn() > 0) return PENDING
          out = this.onTime()
        } else if (result.done) {
          this.finish()
          return DONE
        } else out = this.map(result.value)
      } catch (error) {
        // The source failed, or mapping it did: the reading is over, as a generator's that threw.
        this.finish()
        throw error
      }
      if (out.length) return { done: false, value: out }
    }
  }

  wait(ready: () => void): void {
    if (this.#over || !this.#opened) return void queueMicrotask(ready)
    this.#ready = ready
    // The next batch, or what is owed once its time comes, whichever is first.
    clearTimeout(this.#timer)
    const due = this.dueIn()
    this.#timer = due < Number.POSITIVE_INFINITY ? setTimeout(this.#wake, Math.max(0, due)) : undefined
    this.source.wait(this.#wake)
  }

  #wake = () => {
    clearTimeout(this.#timer)
    this.#timer = undefined
    const ready = this.#ready
    this.#ready = undefined
    ready?.()
  }

  /** Over: the source is let go (a read under way ends with it), the timer cleared. */
  protected finish(): void {
    if (this.#over) return
    this.#over = true
    clearTimeout(this.#timer)
    this.#timer = undefined
    void this.source.return?.(undefined)?.catch(() => {})
  }
}
