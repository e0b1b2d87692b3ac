// A finished run's log, compacted: each stretch of consecutive text deltas of one message is folded into one entry
// that keeps the text once, each delta's end in it and each delta's time. A read gives back the very events that were
// logged (the same fields in the same order, the same seqs and times), so every face replays and resumes exactly as
// before, from a fraction of the memory (a delta event costs a few hundred bytes as an object, about twenty here).
import type { RunEvent } from '../core/index.js'
import { keysAre, keysWithin } from '../core/index.js'

type Delta = Extract<RunEvent, { type: 'message.delta' }>

/** The fields a foldable delta may have: nothing else (an `ext`, say) is kept per delta. */
const FOLDABLE = new Set(['type', 'messageId', 'delta', 'channel', 'executionId', 'runId', 'seq', 'time'])

/** Stretches shorter than this stay as they are. */
const MIN_STRETCH = 8

/** A stretch of deltas: the first one (its fields and their order), the text, each delta's end and time. */
class Stretch {
  constructor(
    readonly template: Delta,
    readonly keys: readonly string[],
    readonly seq: number,
    readonly text: string,
    readonly ends: Uint32Array,
    readonly times: Float64Array,
  ) {}

  get length(): number {
    return this.ends.length
  }

  /** The i-th delta of the stretch, as it was logged. */
  event(i: number): RunEvent {
    const template = this.template as unknown as Record<string, unknown>
    const out: Record<string, unknown> = {}
    for (const key of this.keys)
      out[key] =
        key === 'delta'
          ? this.text.slice(i ? this.ends[i - 1] : 0, this.ends[i])
          : key === 'seq'
            ? this.seq + i
            : key === 'time'
              ? this.times[i]
              : template[key]
    return out as unknown as RunEvent
  }
}

type Entry = RunEvent | Stretch

const foldable = (e: RunEvent): e is Delta =>
  e.type === 'message.delta' && typeof e.delta === 'string' && keysWithin(e, FOLDABLE)

/**
 * Whether `b` goes in the stretch `a` starts (`a` foldable, `keys` its keys): the cheap comparisons first, the key
 * order last; the same keys as a foldable delta make `b` foldable too.
 */
const sameStretch = (a: Delta, keys: readonly string[], b: RunEvent): b is Delta =>
  b.type === 'message.delta' &&
  typeof b.delta === 'string' &&
  b.messageId === a.messageId &&
  b.channel === a.channel &&
  b.executionId === a.executionId &&
  b.runId === a.runId &&
  keysAre(b, keys)

/** A sealed log, stretches of deltas folded; read by seq like the array it replaces. */
export class CompactLog {
  /** The first seq of each entry. */
  readonly #starts: number[]

  private constructor(
    private readonly entries: readonly Entry[],
    readonly firstSeq: number,
    readonly lastSeq: number,
  ) {
    this.#starts = entries.map((e) => e.seq)
  }

  /** The log compacted, or undefined when it has no stretch worth folding. */
  static of(log: readonly RunEvent[]): CompactLog | undefined {
    const entries: Entry[] = []
    let folded = false
    for (let i = 0; i < log.length; ) {
      const first = log[i] as RunEvent
      let end = i + 1
      if (foldable(first)) {
        const keys = Object.keys(first)
        while (end < log.length && sameStretch(first, keys, log[end] as RunEvent)) end += 1
      }
      if (end - i < MIN_STRETCH) {
        for (let k = i; k < end; k++) entries.push(log[k] as RunEvent)
      } else {
        const ends = new Uint32Array(end - i)
        const times = new Float64Array(end - i)
        const texts: string[] = []
        let at = 0
        for (let k = i; k < end; k++) {
          const d = log[k] as Delta
          texts.push(d.delta)
          at += d.delta.length
          ends[k - i] = at
          times[k - i] = d.time
        }
        const template = { ...(first as Delta), delta: '' }
        entries.push(new Stretch(template, Object.keys(first), first.seq, texts.join(''), ends, times))
        folded = true
      }
      i = end
    }
    const firstSeq = log[0]?.seq
    const lastSeq = log.at(-1)?.seq
    return folded && firstSeq !== undefined && lastSeq !== undefined
      ? new CompactLog(entries, firstSeq, lastSeq)
      : undefined
  }

  /** The events with `from ≤ seq ≤ to`, as they were logged. */
  slice(from: number, to: number): RunEvent[] {
    const out: RunEvent[] = []
    from = Math.max(from, this.firstSeq)
    to = Math.min(to, this.lastSeq)
    if (from > to) return out
    // The last entry starting at or before `from`.
    let lo = 0
    let hi = this.#starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((this.#starts[mid] as number) <= from) lo = mid
      else hi = mid - 1
    }
    for (let i = lo; i < this.entries.length; i++) {
      const entry = this.entries[i] as Entry
      if (entry instanceof Stretch) {
        for (let k = Math.max(0, from - entry.seq); k < entry.length && entry.seq + k <= to; k++)
          out.push(entry.event(k))
        if (entry.seq + entry.length > to) break
      } else {
        if (entry.seq > to) break
        if (entry.seq >= from) out.push(entry)
      }
    }
    return out
  }
}
