// One reading of a run as ACP stream frames (`RunOutputStream` events): the run's log encoded as it comes, `values`
// snapshots on their cadence. Polled by the SSE pump (no promise per batch); `next()` for anyone else.
import type { RunEvent } from '../../core/index.js'
import { endsTurn } from '../../core/index.js'
import type { Pollable } from '../../stream/poll.js'
import { TimedMapping } from '../../stream/timed.js'
import type { AcpEncoderState } from './encode.js'
import { encode, runOutput, takeValues, valuesSize, valuesSnapshot } from './encode.js'
import type { RunOutputStreamData } from './wire.js'

export type Frame = { id: string; data: RunOutputStreamData }

export interface OutputStreamOptions {
  /** Frames of events up to this seq are not sent (they were delivered before). */
  afterSeq: number
  /** With a Last-Event-ID `N.k`: frames of event N after the k-th were not delivered yet. */
  afterFrame: number
  /** First the run's state so far (a join without Last-Event-ID). */
  snapshot: boolean
  /** Whether the stream carries `values` snapshots, and whether they are coalesced (see `interval`). */
  values: boolean
  /** Coalesced `values`: at most one snapshot per this many milliseconds while deltas arrive; 0 for one per change. */
  interval: number
  /** Past this many characters of values, the interval stretches in proportion. */
  charsPerInterval: number
  /** Where a values stream opens with a frame naming the run; undefined once said, or when it needs none. */
  announceAt: number | undefined
}

/**
 * The frames of a run's events (the reading `events` of its log), from `afterSeq` on, until the run pauses or ends.
 *
 * `values` snapshots follow a cadence: while deltas arrive, at most one per interval, the interval stretched in
 * proportion once the values pass `charsPerInterval` characters, so the stream carries about that much per interval
 * whatever the answer's length; and always one when a message or artifact completes, before an interrupt or an error,
 * and at the run's end. A snapshot taken between events is the next frame of the last event (`N` or `N.k`), so
 * `Last-Event-ID` resumes after it. Values owed go out with the next batch, or on their own once their time comes.
 */
export class RunOutputStream extends TimedMapping<RunEvent[], Frame> {
  readonly #coalesce: boolean
  #announceAt: number | undefined
  #caughtUp = false
  /** When the last snapshot went out, and how long the next one waits after it. */
  #valuesAt = Number.NEGATIVE_INFINITY
  #wait: number
  /** The last event read, and how many frames of it went out: a snapshot taken after it is its next frame. */
  #last = 0
  #framesOfLast = 0

  constructor(
    private readonly encoder: AcpEncoderState,
    events: Pollable<RunEvent[]>,
    private readonly options: OutputStreamOptions,
  ) {
    super(events)
    this.#coalesce = options.values && options.interval > 0
    this.#announceAt = options.announceAt
    this.#wait = options.interval
  }

  protected dueIn(): number {
    return this.#owed() ? this.#valuesAt + this.#wait - Date.now() : Number.POSITIVE_INFINITY
  }

  protected onTime(): Frame[] {
    const out: Frame[] = []
    this.#take(out)
    this.#sent(out)
    return out
  }

  protected map(events: RunEvent[]): Frame[] {
    return this.#frames(events)
  }

  #owed(): boolean {
    return this.#coalesce && this.#caughtUp && this.encoder.stale === true
  }

  /** A batch's frames; the reading ends with it when it ends the turn (or joined a run already over). */
  #frames(events: readonly RunEvent[]): Frame[] {
    const { encoder } = this
    const { afterSeq, afterFrame, snapshot, values } = this.options
    const out: Frame[] = []
    for (const event of events) {
      // Read once: events of every shape pass here, and each read of theirs is a slow generic load.
      const { seq } = event
      if (this.#announceAt !== undefined && seq > this.#announceAt) this.#announce(out)
      this.#last = seq
      const data = encode(encoder, event)
      this.#framesOfLast = data.length
      if (seq === afterSeq && afterFrame < data.length - 1) {
        for (let i = afterFrame + 1; i < data.length; i++)
          out.push({ id: `${seq}.${i}`, data: data[i] as RunOutputStreamData })
        this.#caughtUp = true
        continue
      }
      if (seq <= afterSeq) continue
      if (!this.#caughtUp) {
        this.#caughtUp = true
        if (snapshot && values && encoder.values.messages.length) {
          out.push({ id: String(afterSeq), data: valuesSnapshot(encoder) })
          encoder.stale = false
        }
      }
      const id = String(seq)
      for (let i = 0; i < data.length; i++)
        out.push({ id: i ? `${id}.${i}` : id, data: data[i] as RunOutputStreamData })
      if (endsTurn(event)) {
        this.finish()
        return out
      }
    }
    if (this.#announceAt !== undefined && this.#last >= this.#announceAt) this.#announce(out)
    if (!this.#caughtUp && snapshot && encoder.status !== 'pending') {
      // Joined a run that had already paused or ended: say how, and close.
      const output = runOutput(encoder)
      if (output?.type === 'interrupt')
        out.push({ id: String(afterSeq), data: { ...output, run_id: encoder.runId, status: encoder.status } })
      else if (output?.type === 'error') out.push({ id: String(afterSeq), data: { ...output, status: encoder.status } })
      else if (values) out.push({ id: String(afterSeq), data: valuesSnapshot(encoder) })
      this.finish()
      return out
    }
    // A batch that leaves values owed past their time takes them now, in the same write.
    if (this.#owed() && Date.now() >= this.#valuesAt + this.#wait) this.#take(out)
    this.#sent(out)
    return out
  }

  /** The values as they stand, as a frame naming the run (a client needs its run_id to rejoin or cancel). */
  #announce(out: Frame[]) {
    out.push({ id: String(this.#announceAt), data: valuesSnapshot(this.encoder) })
    this.#announceAt = undefined
  }

  /** The values owed, as the next frame of the last event. */
  #take(out: Frame[]) {
    const data = takeValues(this.encoder)
    if (!data) return
    out.push({ id: this.#framesOfLast ? `${this.#last}.${this.#framesOfLast}` : String(this.#last), data })
    this.#framesOfLast += 1
  }

  /** A snapshot went out: the next waits an interval, stretched for long values. */
  #sent(out: Frame[]) {
    if (!this.#coalesce || !out.some((f) => f.data.type === 'values')) return
    this.#valuesAt = Date.now()
    this.#wait = this.options.interval * Math.max(1, valuesSize(this.encoder) / this.options.charsPerInterval)
  }
}
