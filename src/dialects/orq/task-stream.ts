// One reading of a turn as Orq's task stream: the opening events, then each batch of the run's log encoded as it comes,
// thoughts on their cadence, and `agents.timeout` once `stream_timeout_seconds` pass. Polled by the SSE pump (no
// promise per batch); `next()` for anyone else.
import type { RunEvent } from '../../core/index.js'
import type { Pollable } from '../../stream/poll.js'
import { TimedMapping } from '../../stream/timed.js'
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
export class TaskStream extends TimedMapping<RunEvent[], AgentStreamEvent> {
  #thoughtAt = Date.now()
  readonly #deadline: number

  constructor(
    private readonly encoder: OrqEncoderState,
    events: Pollable<RunEvent[]>,
    private readonly options: TaskStreamOptions,
  ) {
    super(events)
    this.#deadline = Date.now() + options.timeoutSeconds * 1000
  }

  protected override first(): AgentStreamEvent[] {
    return openTask(this.encoder)
  }

  /** Milliseconds until a thought is owed or the stream times out, whichever is sooner. */
  protected dueIn(): number {
    const { encoder, options } = this
    const thought = encoder.changed.size
      ? this.#thoughtAt + options.interval * options.stretch(encoder)
      : Number.POSITIVE_INFINITY
    return Math.min(thought, this.#deadline) - Date.now()
  }

  protected onTime(): AgentStreamEvent[] {
    if (Date.now() >= this.#deadline) {
      this.finish()
      const message = `The stream timed out after ${this.options.timeoutSeconds} seconds (stream_timeout_seconds).`
      return [{ type: 'agents.timeout', timestamp: new Date().toISOString(), data: { message } }]
    }
    const due = takeThought(this.encoder)
    this.#thoughtAt = Date.now()
    return due ? [due] : []
  }

  protected map(batch: RunEvent[]): AgentStreamEvent[] {
    const out: AgentStreamEvent[] = []
    for (const event of batch) {
      out.push(...encode(this.encoder, event))
      if (this.encoder.done) break
    }
    if (out.some((e) => e.type === 'event.agents.thought')) this.#thoughtAt = Date.now()
    if (this.encoder.done) this.finish()
    return out
  }
}
