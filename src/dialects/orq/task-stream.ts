// One reading of a turn as Orq's task stream: the opening events, then each batch of the run's log encoded as it comes,
// thoughts on their cadence, and `agents.timeout` once `stream_timeout_seconds` pass. Polled by the SSE pump (no
// promise per batch); `next()` for anyone else.
import type { RunEvent } from '../../core/index.js'
import { DONE } from '../../stream/done.js'
import { type NextQueue, PENDING, type Pollable, pollNext } from '../../stream/poll.js'
import type { OrqEncoderState } from './encode.js'
import { encode, openTask, takeThought } from './encode.js'
import type { AgentStreamEvent } from './wire.js'

export interface TaskStreamOptions {
  /** At most one thought per this many milliseconds while deltas arrive (0: one per change). */
  interval: number
  /** How much longer than `interval` the next thought may wait (long messages stretch it). */
  stretch: (encoder: OrqEncoderState) => number
  /** Orq ends a stream that outlives this with `agents.timeout`; the turn itself goes on. */
  timeoutSeconds: number
}

/**
 * The task stream of a turn (the reading `events` of its run's log), until the turn ends or the stream times out.
 * Thoughts the deltas owe go out at most once per interval, and always at a boundary and at the turn's end: with the
 * next batch, or on their own once their time comes (a timer its `wait` arms).
 */
export class TaskStream implements Pollable<AgentStreamEvent[]> {
  #opened = false
  #thoughtAt = Date.now()
  readonly #deadline: number
  #over = false
  #ready: (() => void) | undefined
  #timer: ReturnType<typeof setTimeout> | undefined
  readonly #queue: NextQueue<AgentStreamEvent[]> = {}

  constructor(
    private readonly encoder: OrqEncoderState,
    private readonly events: Pollable<RunEvent[]>,
    private readonly options: TaskStreamOptions,
  ) {
    this.#deadline = Date.now() + options.timeoutSeconds * 1000
  }

  [Symbol.asyncIterator](): this {
    return this
  }

  next(): Promise<IteratorResult<AgentStreamEvent[]>> {
    return pollNext(this, this.#queue)
  }

  async return(): Promise<IteratorResult<AgentStreamEvent[]>> {
    this.#finish()
    this.#wake()
    return DONE
  }

  poll(): IteratorResult<AgentStreamEvent[]> | typeof PENDING {
    if (this.#over) return DONE
    if (!this.#opened) {
      this.#opened = true
      return { done: false, value: openTask(this.encoder) }
    }
    for (;;) {
      let result: IteratorResult<RunEvent[]> | typeof PENDING
      try {
        result = this.events.poll()
      } catch (error) {
        this.#finish()
        throw error
      }
      if (result === PENDING) {
        if (this.#dueIn() > 0) return PENDING
        if (Date.now() >= this.#deadline) {
          this.#finish()
          const message = `The stream timed out after ${this.options.timeoutSeconds} seconds (stream_timeout_seconds).`
          return {
            done: false,
            value: [{ type: 'agents.timeout', timestamp: new Date().toISOString(), data: { message } }],
          }
        }
        const due = takeThought(this.encoder)
        this.#thoughtAt = Date.now()
        if (due) return { done: false, value: [due] }
        continue
      }
      if (result.done) {
        this.#finish()
        return DONE
      }
      const out: AgentStreamEvent[] = []
      try {
        for (const event of result.value) {
          out.push(...encode(this.encoder, event))
          if (this.encoder.done) break
        }
      } catch (error) {
        this.#finish()
        throw error
      }
      if (out.some((e) => e.type === 'event.agents.thought')) this.#thoughtAt = Date.now()
      if (this.encoder.done) this.#finish()
      if (out.length) return { done: false, value: out }
      if (this.#over) return DONE
    }
  }

  wait(ready: () => void): void {
    if (this.#over || !this.#opened) return void queueMicrotask(ready)
    this.#ready = ready
    // The next batch, a thought owed, or the stream's deadline: whichever comes first.
    clearTimeout(this.#timer)
    this.#timer = setTimeout(this.#wake, Math.max(0, this.#dueIn()))
    this.events.wait(this.#wake)
  }

  #wake = () => {
    clearTimeout(this.#timer)
    this.#timer = undefined
    const ready = this.#ready
    this.#ready = undefined
    ready?.()
  }

  /** Milliseconds until a thought is owed or the stream times out, whichever is sooner. */
  #dueIn(): number {
    const { encoder, options } = this
    const thought = encoder.changed.size
      ? this.#thoughtAt + options.interval * options.stretch(encoder)
      : Number.POSITIVE_INFINITY
    return Math.min(thought, this.#deadline) - Date.now()
  }

  /** Over: the events are let go (a read under way ends with them), the timer cleared. */
  #finish() {
    if (this.#over) return
    this.#over = true
    clearTimeout(this.#timer)
    this.#timer = undefined
    void this.events.return?.(undefined)?.catch(() => {})
  }
}
