import type { AgentEvent, Message, RunEvent } from '../core/index.js'
import { applyEvent, BridgeError, cloneData, isTerminal, isTerminalStatus, isTerminalType } from '../core/index.js'
import { CompactLog } from './compact.js'
import type { ReadOptions, RunQuery, RunRecord, RunStore } from './types.js'
import { DONE } from '../stream/done.js'
import { PENDING, type Pollable } from '../stream/poll.js'

export interface MemoryStoreOptions {
  /** Events kept per run; a reader further behind gets `too_far_behind`. Default 10 000. */
  maxEventsPerRun?: number
  /** Messages kept per conversation. Default 500. */
  maxHistory?: number
  /** Runs, histories and documents are forgotten this long after their last change. Default one hour. */
  ttlMs?: number
  /**
   * Runs kept at most. Past it the oldest finished run is forgotten to make room; when every run is still going, a
   * new one is refused (`rate_limited`, 429). Default 10 000.
   */
  maxRuns?: number
  /** Documents (id chains, response records, thread records) and conversation histories kept at most, each. Default 50 000. */
  maxDocs?: number
  now?: () => number
}

export const DEFAULT_MAX_RUNS = 10_000

/** A new run when every one of the `max` runs kept is still going: 429, in each face's format. */
export const tooManyRuns = (max: number): BridgeError =>
  new BridgeError('rate_limited', `The bridge is running its maximum of ${max} runs; try again later.`, {
    wireCode: 'resource_exhausted',
  })
export const DEFAULT_MAX_DOCS = 50_000

interface RunEntry {
  record: RunRecord
  /** The kept events are `log` from `logStart` on: evicting one moves the start (a shift would copy the log). */
  log: RunEvent[]
  logStart: number
  /** A sealed log, compacted (its stretches of text deltas folded); `log` is then empty. */
  compact?: CompactLog
  /** Seq of log[logStart]. */
  firstSeq: number
  sealed: boolean
  /** Readers waiting for new events. */
  waiters: Set<() => void>
  /** Each attached reader's next seq: the producer must not evict what they still need. */
  cursors: Set<{ next: number }>
  /** A producer waiting for readers to move on. */
  drained: Set<() => void>
  /** Appends run one after another, in call order, even when one waits for readers. */
  queue: Promise<unknown>
  queued: number
  /** When the store last saw the run change; the TTL counts from here. */
  touchedAt: number
}

interface Expiring<T> {
  value: T
  expiresAt: number
}

const wake = (waiters: Set<() => void>) => {
  if (waiters.size === 0) return
  for (const w of waiters) w()
  waiters.clear()
}

/**
 * A sealed log takes no more events: it is kept compacted for the rest of its TTL, each stretch of text deltas of one
 * message folded (reads give back the same events, seqs and times).
 */
const compact = (entry: RunEntry) => {
  const compacted = CompactLog.of(entry.log.slice(entry.logStart))
  if (!compacted) return
  entry.compact = compacted
  entry.log = []
  entry.logStart = 0
}

/** How many events the log keeps now. */
const kept = (entry: RunEntry) => entry.log.length - entry.logStart

const blocksEviction = (entry: RunEntry) => {
  for (const cursor of entry.cursors) if (cursor.next <= entry.firstSeq) return true
  return false
}

/** The default RunStore: everything in this process's memory, bounded and expiring. */
export class MemoryRunStore implements RunStore {
  readonly #runs = new Map<string, RunEntry>()
  /** The finished runs, in the order they finished: the first is the least recently changed (see #makeRoom). */
  readonly #finished = new Map<string, RunEntry>()
  readonly #history = new Map<string, Expiring<Message[]>>()
  readonly #docs = new Map<string, Expiring<unknown>>()
  readonly #maxEvents: number
  readonly #maxHistory: number
  readonly #ttl: number
  readonly #maxRuns: number
  readonly #maxDocs: number
  readonly #now: () => number
  #nextSweep = 0

  constructor(options: MemoryStoreOptions = {}) {
    this.#maxEvents = options.maxEventsPerRun ?? 10_000
    this.#maxHistory = options.maxHistory ?? 500
    this.#ttl = options.ttlMs ?? 60 * 60 * 1000
    this.#maxRuns = options.maxRuns ?? DEFAULT_MAX_RUNS
    this.#maxDocs = options.maxDocs ?? DEFAULT_MAX_DOCS
    this.#now = options.now ?? Date.now
  }

  async createRun(record: RunRecord): Promise<void> {
    this.#sweep()
    if (this.#runs.has(record.runId)) throw new BridgeError('conflict', `Run ${record.runId} already exists.`)
    if (this.#runs.size >= this.#maxRuns) this.#makeRoom()
    this.#runs.set(record.runId, {
      record: cloneData(record),
      log: [],
      logStart: 0,
      firstSeq: 1,
      sealed: false,
      waiters: new Set(),
      cursors: new Set(),
      drained: new Set(),
      queue: Promise.resolve(),
      queued: 0,
      touchedAt: this.#now(),
    })
  }

  /**
   * Takes back a run persisted elsewhere (a Durable Object waking up): its record and the tail of its log. A run whose
   * status is terminal comes back sealed.
   */
  restoreRun(record: RunRecord, events: readonly RunEvent[]): void {
    const log = events.slice(-this.#maxEvents)
    const entry: RunEntry = {
      record: cloneData(record),
      log: cloneData([...log]),
      logStart: 0,
      firstSeq: log[0]?.seq ?? record.state.lastSeq + 1,
      sealed: isTerminalStatus(record.state.status),
      waiters: new Set(),
      cursors: new Set(),
      drained: new Set(),
      queue: Promise.resolve(),
      queued: 0,
      touchedAt: record.updatedAt,
    }
    if (entry.sealed) compact(entry)
    this.#runs.set(record.runId, entry)
    if (entry.sealed) this.#finished.set(record.runId, entry)
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    this.#sweep()
    const entry = this.#runs.get(runId)
    return entry && !this.#expired(entry) ? cloneData(entry.record) : undefined
  }

  async listRuns(query: RunQuery): Promise<RunRecord[]> {
    this.#sweep()
    // Newest first; runs created in the same millisecond by the order they were created.
    const matches = [...this.#runs.values()]
      .filter((e) => !this.#expired(e))
      .map((e) => e.record)
      .filter(
        (r) => (!query.agentId || r.agentId === query.agentId) && (!query.contextId || r.contextId === query.contextId),
      )
      .reverse()
      .sort((a, b) => b.createdAt - a.createdAt)
    const offset = query.offset ?? 0
    return cloneData(matches.slice(offset, query.limit === undefined ? undefined : offset + query.limit))
  }

  async deleteRun(runId: string): Promise<void> {
    const entry = this.#runs.get(runId)
    if (!entry) return
    entry.sealed = true
    entry.cursors.clear()
    wake(entry.waiters)
    wake(entry.drained)
    this.#runs.delete(runId)
    this.#finished.delete(runId)
  }

  async append(runId: string, event: AgentEvent): Promise<RunEvent> {
    const entry = this.#entry(runId)
    // A terminal event (a cancel, say) must not wait behind a producer that a stalled reader holds back:
    // it goes in at once, and the held-back append then finds the log sealed.
    if (isTerminal(event)) return this.#write(entry, runId, event)
    // The usual case: nothing queued and room in the log, so no need to go through the queue.
    if (entry.queued === 0 && (kept(entry) < this.#maxEvents || !blocksEviction(entry)))
      return this.#write(entry, runId, event)
    entry.queued += 1
    const turn = entry.queue.then(async () => {
      while (!entry.sealed && kept(entry) >= this.#maxEvents && blocksEviction(entry)) {
        await new Promise<void>((resolve) => entry.drained.add(resolve))
      }
      return this.#write(entry, runId, event)
    })
    entry.queue = turn.catch(() => {}).finally(() => (entry.queued -= 1))
    return turn
  }

  appendMany(runId: string, events: readonly AgentEvent[]): RunEvent[] | Promise<RunEvent[]> {
    // The usual case: nothing queued and room in the log, so the lot is written at once and returned as it is, with no
    // promise at all, before any reader runs. From the first event held back for readers on, the rest queue behind it.
    const entry = this.#entry(runId)
    const logged: RunEvent[] = []
    for (let i = 0; i < events.length; i++) {
      const event = events[i] as AgentEvent
      const type = event.type
      if (isTerminalType(type) || (entry.queued === 0 && (kept(entry) < this.#maxEvents || !blocksEviction(entry))))
        logged.push(this.#write(entry, runId, event, type))
      else return this.#appendQueued(runId, logged, events.slice(i))
    }
    return logged
  }

  /** The rest of a batch behind the queue, in order; a terminal event goes in at once, once the events before it are in. */
  async #appendQueued(runId: string, before: RunEvent[], rest: readonly AgentEvent[]): Promise<RunEvent[]> {
    const logged: (RunEvent | Promise<RunEvent>)[] = [...before]
    for (const event of rest) {
      if (isTerminal(event)) await Promise.all(logged)
      logged.push(this.append(runId, event))
    }
    return Promise.all(logged)
  }

  #write(entry: RunEntry, runId: string, event: AgentEvent, type = event.type): RunEvent {
    if (entry.sealed) throw new BridgeError('conflict', `Run ${runId} has ended; no more events can be added.`)
    const seq = entry.record.state.lastSeq + 1
    const time = this.#now()
    const stamped = type === 'message.delta' ? stampDelta(event, runId, seq, time) : stampAny(event, runId, seq, time)
    entry.log.push(stamped)
    if (kept(entry) > this.#maxEvents) {
      entry.logStart += 1
      // Now and then the evicted start is dropped for real: amortised, one copy per maxEvents appends.
      if (entry.logStart >= this.#maxEvents) {
        entry.log = entry.log.slice(entry.logStart)
        entry.logStart = 0
      }
      entry.firstSeq += 1
    }
    applyEvent(entry.record.state, event, seq, type)
    entry.record.updatedAt = time
    entry.touchedAt = time
    if (isTerminalType(type)) {
      entry.sealed = true
      this.#finished.set(runId, entry)
      compact(entry)
      wake(entry.drained)
    }
    wake(entry.waiters)
    return stamped
  }

  read(runId: string, afterSeq: number, options: ReadOptions = {}): AsyncIterable<RunEvent[]> {
    return {
      [Symbol.asyncIterator]: () => new LogReader(() => this.#entry(runId), runId, afterSeq, this.#maxEvents, options),
    }
  }

  async getHistory(contextId: string): Promise<Message[]> {
    this.#sweep()
    return cloneData(this.#live(this.#history, contextId) ?? [])
  }

  async appendHistory(contextId: string, messages: Message[]): Promise<void> {
    const current = this.#live(this.#history, contextId) ?? []
    const value = [...current, ...cloneData(messages)].slice(-this.#maxHistory)
    this.#bounded(this.#history, contextId, { value, expiresAt: this.#now() + this.#ttl })
  }

  async deleteHistory(contextId: string): Promise<void> {
    this.#history.delete(contextId)
  }

  async getDoc<T>(namespace: string, key: string): Promise<T | undefined> {
    this.#sweep()
    const doc = this.#live(this.#docs, `${namespace}\u0000${key}`)
    return doc === undefined ? undefined : (cloneData(doc) as T)
  }

  async listDocs<T>(namespace: string): Promise<T[]> {
    this.#sweep()
    const prefix = `${namespace}\u0000`
    const out: T[] = []
    for (const [key] of this.#docs) {
      if (!key.startsWith(prefix)) continue
      const value = this.#live(this.#docs, key)
      if (value !== undefined) out.push(cloneData(value) as T)
    }
    return out
  }

  async putDoc<T>(namespace: string, key: string, value: T): Promise<void> {
    this.#bounded(this.#docs, `${namespace}\u0000${key}`, {
      value: cloneData(value),
      expiresAt: this.#now() + this.#ttl,
    })
  }

  async deleteDoc(namespace: string, key: string): Promise<void> {
    this.#docs.delete(`${namespace}\u0000${key}`)
  }

  #entry(runId: string): RunEntry {
    const entry = this.#runs.get(runId)
    if (!entry || this.#expired(entry)) throw new BridgeError('not_found', `No run ${runId}.`)
    return entry
  }

  /** A run nobody reads or writes any more, untouched for a TTL. */
  #expired(entry: RunEntry): boolean {
    return entry.touchedAt + this.#ttl < this.#now() && entry.waiters.size === 0 && entry.cursors.size === 0
  }

  /** The value unless it has expired (expired entries go at once, not at the next sweep). */
  #live<T>(map: Map<string, Expiring<T>>, key: string): T | undefined {
    const item = map.get(key)
    if (!item) return undefined
    if (item.expiresAt >= this.#now()) return item.value
    map.delete(key)
    return undefined
  }

  /** Room for one more run: the oldest finished run (least recently changed) goes; if none has finished, a 429. */
  #makeRoom() {
    // Finished runs are kept in the order they finished, so the least recently changed one is found without a scan
    // (a scan of every run, and a sweep of every document, on each new run made a full store slow to start runs).
    for (const [id, entry] of this.#finished) {
      if (entry.cursors.size > 0) continue
      this.#finished.delete(id)
      this.#runs.delete(id)
      return
    }
    // None to spare: runs that expired unfinished may still make room.
    this.#nextSweep = 0
    this.#sweep()
    if (this.#runs.size >= this.#maxRuns) throw tooManyRuns(this.#maxRuns)
  }

  /** Sets a value; past the cap the value that expires first goes (the least recently changed). */
  #bounded<T>(map: Map<string, Expiring<T>>, key: string, item: Expiring<T>) {
    map.delete(key)
    map.set(key, item)
    // Values are set with the same TTL, so insertion order is expiry order: the first key is the oldest.
    while (map.size > this.#maxDocs) {
      const first = map.keys().next().value
      if (first === undefined) break
      map.delete(first)
    }
  }

  /**
   * Drops now whatever has not changed for a TTL. The store also does it as it is used; a server that may sit idle
   * calls this now and then, so memory comes back without waiting for the next request.
   */
  sweep(): void {
    this.#nextSweep = 0
    this.#sweep()
  }

  /** Runs held in memory, expired ones not yet swept included: what a sweep gives back shows here. */
  get size(): number {
    return this.#runs.size
  }

  /** How often a sweep is worth it: expired entries never wait longer than this, or a TTL if shorter. */
  get sweepIntervalMs(): number {
    return Math.min(this.#ttl, 60_000)
  }

  /** Drops whatever has not changed for a TTL; runs still being written are kept. */
  #sweep() {
    const now = this.#now()
    if (now < this.#nextSweep) return
    this.#nextSweep = now + this.sweepIntervalMs
    for (const [id, entry] of this.#runs) {
      if (!this.#expired(entry)) continue
      this.#runs.delete(id)
      this.#finished.delete(id)
    }
    for (const map of [this.#history, this.#docs] as Map<string, Expiring<unknown>>[]) {
      for (const [key, item] of map) if (item.expiresAt < now) map.delete(key)
    }
  }
}

/** What a reader's next batch is when it has to wait for one. */
const WAIT: unique symbol = Symbol('wait')

/**
 * One reader of a run's log: replays after its cursor, then (following) waits for appends, one batch per wake-up. A
 * hand-written iterator, one promise per wait and none for a batch already there, where an async generator costs a few
 * more on every batch (and every event of a paced stream is a batch). Read one `next()` at a time (as `for await` and
 * the SSE pump do); a call made while a wait is under way waits for it, so no batch is given twice or skipped, but
 * callers that overlap are not promised a generator's strict call order.
 */
class LogReader implements Pollable<RunEvent[]> {
  #entry: RunEntry | undefined
  readonly #cursor: { next: number }
  /** The seq the last batch handed out ends with: the cursor moves past it when the reader asks for more. */
  #taken = 0
  /** The wait under way: its promise's settlers, and the promise (a `next()` meanwhile queues behind it). */
  #waiting: { resolve: (r: IteratorResult<RunEvent[]>) => void; reject: (e: unknown) => void } | undefined
  #wait: Promise<IteratorResult<RunEvent[]>> | undefined
  /** A polling reader's wait: called back once, with no promise (see `Pollable`). */
  #ready: (() => void) | undefined
  /** A wake-up is on its way (see `#wake`). */
  #woken = false
  #finished = false

  constructor(
    private readonly open: () => RunEntry,
    private readonly runId: string,
    afterSeq: number,
    private readonly maxEvents: number,
    private readonly options: ReadOptions,
  ) {
    this.#cursor = { next: Math.max(afterSeq, 0) + 1 }
  }

  next(): Promise<IteratorResult<RunEvent[]>> {
    if (this.#wait) return this.#wait.then(() => this.next())
    if (this.#finished) return Promise.resolve(DONE)
    let batch: RunEvent[] | undefined | typeof WAIT
    try {
      batch = this.#take()
    } catch (error) {
      this.#finish()
      return Promise.reject(error)
    }
    if (batch !== WAIT) return Promise.resolve(this.#result(batch))
    this.#wait = new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject }
    })
    ;(this.#entry as RunEntry).waiters.add(this.#wake)
    return this.#wait
  }

  return(): Promise<IteratorResult<RunEvent[]>> {
    this.#finish()
    return Promise.resolve(DONE)
  }

  poll(): IteratorResult<RunEvent[]> | typeof PENDING {
    if (this.#wait) return PENDING
    if (this.#finished) return DONE
    let batch: RunEvent[] | undefined | typeof WAIT
    try {
      batch = this.#take()
    } catch (error) {
      this.#finish()
      throw error
    }
    return batch === WAIT ? PENDING : this.#result(batch)
  }

  wait(ready: () => void): void {
    const entry = this.#entry
    // Not started, over, or something to take already (appended, sealed or aborted since the last poll): the next poll
    // says what there is.
    if (
      !entry ||
      this.#finished ||
      entry.sealed ||
      this.options.signal?.aborted ||
      entry.record.state.lastSeq >= (this.#taken ? this.#taken + 1 : this.#cursor.next)
    )
      return void queueMicrotask(ready)
    this.#ready = ready
    entry.waiters.add(this.#wake)
  }

  /** The batch after the cursor, `undefined` when the read is over, or WAIT when the reader is to wait for more. */
  #take(): RunEvent[] | undefined | typeof WAIT {
    const entry = this.#entry ?? this.#start()
    // Only now has the reader taken the last batch; a producer held back for it may go on.
    if (this.#taken) {
      this.#cursor.next = this.#taken + 1
      this.#taken = 0
      wake(entry.drained)
    }
    if (this.options.signal?.aborted) return undefined
    const next = this.#cursor.next
    if (next < entry.firstSeq) {
      throw new BridgeError(
        'too_far_behind',
        `Run ${this.runId} keeps only its last ${this.maxEvents} events; event ${next} is gone.`,
      )
    }
    const lastSeq = entry.record.state.lastSeq
    if (next <= lastSeq) {
      this.#taken = lastSeq
      return entry.compact
        ? entry.compact.slice(next, lastSeq)
        : entry.log.slice(entry.logStart + next - entry.firstSeq, entry.logStart + lastSeq - entry.firstSeq + 1)
    }
    if (!this.options.follow || entry.sealed) return undefined
    return WAIT
  }

  #start(): RunEntry {
    const entry = this.open()
    this.#entry = entry
    // One abort listener for the whole read, not one per wait: a reader that follows waits once per batch.
    this.options.signal?.addEventListener('abort', this.#wake, { once: true })
    entry.cursors.add(this.#cursor)
    return entry
  }

  /**
   * The wait is over: woken by an append (which cleared the waiters), by the abort or by `return()` (which did not).
   * The batch is taken in a microtask, once the appends of the producer's step are all in (one wake-up for the lot).
   */
  #wake = () => {
    if ((!this.#waiting && !this.#ready) || this.#woken) return
    this.#woken = true
    this.#entry?.waiters.delete(this.#wake)
    queueMicrotask(this.#settle)
  }

  #settle = () => {
    this.#woken = false
    const ready = this.#ready
    if (ready) {
      // A polling reader takes the batch itself (nothing to take yet: it waits again).
      this.#ready = undefined
      return ready()
    }
    const waiting = this.#waiting
    if (!waiting) return
    let result: IteratorResult<RunEvent[]>
    try {
      const batch = this.#finished ? undefined : this.#take()
      // Woken with nothing to take (the run was deleted, say, but is not sealed): the same wait goes on.
      if (batch === WAIT) return void this.#entry?.waiters.add(this.#wake)
      this.#waiting = undefined
      this.#wait = undefined
      result = this.#result(batch)
    } catch (error) {
      this.#waiting = undefined
      this.#wait = undefined
      this.#finish()
      return waiting.reject(error)
    }
    waiting.resolve(result)
  }

  #result(batch: RunEvent[] | undefined): IteratorResult<RunEvent[]> {
    if (batch) return { done: false, value: batch }
    this.#finish()
    return DONE
  }

  #finish() {
    if (this.#finished) return
    this.#finished = true
    const entry = this.#entry
    if (!entry) return
    this.options.signal?.removeEventListener('abort', this.#wake)
    entry.cursors.delete(this.#cursor)
    wake(entry.drained)
    // A reader returned while it waits is let go at once.
    this.#wake()
  }
}

/**
 * The event as logged. The store takes what it is given (see `RunStore.append`) and stamps that very object: a copy of
 * every event was the costliest line of a fast stream (V8 clones these small objects slowly, and the copy doubled what
 * each scavenge had to move). One already logged (a backend that sends the same object twice), frozen or sealed is
 * copied.
 */
function stampAny(event: AgentEvent, runId: string, seq: number, time: number): RunEvent {
  if ('seq' in event || !Object.isExtensible(event)) return { ...event, runId, seq, time } as RunEvent
  const stamped = event as RunEvent
  stamped.runId = runId
  stamped.seq = seq
  stamped.time = time
  return stamped
}

/**
 * `stampAny` again, for text deltas alone. V8 remembers what each property access in a function has seen: stores
 * that see every kind of event give up on them (a slow generic store, three per event), while these see the few
 * shapes of a delta and stay fast.
 */
function stampDelta(event: AgentEvent, runId: string, seq: number, time: number): RunEvent {
  if ('seq' in event || !Object.isExtensible(event)) return { ...event, runId, seq, time } as RunEvent
  const stamped = event as RunEvent
  stamped.runId = runId
  stamped.seq = seq
  stamped.time = time
  return stamped
}
