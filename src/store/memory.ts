import type { AgentEvent, Message, RunEvent } from '../core/index.js'
import { applyEvent, BridgeError, isTerminal } from '../core/index.js'
import type { ReadOptions, RunQuery, RunRecord, RunStore } from './types.js'

export interface MemoryStoreOptions {
  /** Events kept per run; a reader further behind gets `too_far_behind`. Default 10 000. */
  maxEventsPerRun?: number
  /** Messages kept per conversation. Default 500. */
  maxHistory?: number
  /** Runs, histories and documents are forgotten this long after their last change. Default one hour. */
  ttlMs?: number
  now?: () => number
}

interface RunEntry {
  record: RunRecord
  log: RunEvent[]
  /** Seq of log[0]. */
  firstSeq: number
  sealed: boolean
  waiters: Set<() => void>
}

interface Expiring<T> {
  value: T
  expiresAt: number
}

const wake = (entry: RunEntry) => {
  for (const w of entry.waiters) w()
  entry.waiters.clear()
}

/** The default RunStore: everything in this process's memory, bounded and expiring. */
export class MemoryRunStore implements RunStore {
  readonly #runs = new Map<string, RunEntry>()
  readonly #history = new Map<string, Expiring<Message[]>>()
  readonly #docs = new Map<string, Expiring<unknown>>()
  readonly #maxEvents: number
  readonly #maxHistory: number
  readonly #ttl: number
  readonly #now: () => number
  #nextSweep = 0

  constructor(options: MemoryStoreOptions = {}) {
    this.#maxEvents = options.maxEventsPerRun ?? 10_000
    this.#maxHistory = options.maxHistory ?? 500
    this.#ttl = options.ttlMs ?? 60 * 60 * 1000
    this.#now = options.now ?? Date.now
  }

  async createRun(record: RunRecord): Promise<void> {
    this.#sweep()
    if (this.#runs.has(record.runId)) throw new BridgeError('conflict', `Run ${record.runId} already exists.`)
    this.#runs.set(record.runId, { record: structuredClone(record), log: [], firstSeq: 1, sealed: false, waiters: new Set() })
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    this.#sweep()
    const entry = this.#runs.get(runId)
    return entry && structuredClone(entry.record)
  }

  async listRuns(query: RunQuery): Promise<RunRecord[]> {
    this.#sweep()
    const matches = [...this.#runs.values()]
      .map((e) => e.record)
      .filter((r) => (!query.agentId || r.agentId === query.agentId) && (!query.contextId || r.contextId === query.contextId))
      .sort((a, b) => b.createdAt - a.createdAt)
    const offset = query.offset ?? 0
    return structuredClone(matches.slice(offset, query.limit === undefined ? undefined : offset + query.limit))
  }

  async deleteRun(runId: string): Promise<void> {
    const entry = this.#runs.get(runId)
    if (!entry) return
    entry.sealed = true
    wake(entry)
    this.#runs.delete(runId)
  }

  async append(runId: string, event: AgentEvent): Promise<RunEvent> {
    const entry = this.#entry(runId)
    if (entry.sealed) throw new BridgeError('conflict', `Run ${runId} has ended; no more events can be added.`)
    const seq = entry.record.state.lastSeq + 1
    const time = this.#now()
    const stamped = { ...event, runId, seq, time } as RunEvent
    entry.log.push(stamped)
    if (entry.log.length > this.#maxEvents) {
      entry.log.shift()
      entry.firstSeq += 1
    }
    applyEvent(entry.record.state, event, seq)
    entry.record.updatedAt = time
    if (isTerminal(event)) entry.sealed = true
    wake(entry)
    return stamped
  }

  async *read(runId: string, afterSeq: number, options: ReadOptions = {}): AsyncGenerator<RunEvent> {
    const entry = this.#entry(runId)
    let next = Math.max(afterSeq, 0) + 1
    for (;;) {
      if (options.signal?.aborted) return
      if (next < entry.firstSeq) {
        throw new BridgeError(
          'too_far_behind',
          `Run ${runId} keeps only its last ${this.#maxEvents} events; event ${next} is gone.`,
        )
      }
      while (next <= entry.record.state.lastSeq) {
        const event = entry.log[next - entry.firstSeq]
        next += 1
        if (event) yield event
        if (options.signal?.aborted) return
      }
      if (!options.follow || entry.sealed) return
      await this.#changed(entry, options.signal)
    }
  }

  async getHistory(contextId: string): Promise<Message[]> {
    this.#sweep()
    return structuredClone(this.#history.get(contextId)?.value ?? [])
  }

  async appendHistory(contextId: string, messages: Message[]): Promise<void> {
    const current = this.#history.get(contextId)?.value ?? []
    const value = [...current, ...structuredClone(messages)].slice(-this.#maxHistory)
    this.#history.set(contextId, { value, expiresAt: this.#now() + this.#ttl })
  }

  async getDoc<T>(namespace: string, key: string): Promise<T | undefined> {
    this.#sweep()
    const doc = this.#docs.get(`${namespace}\u0000${key}`)
    return doc && (structuredClone(doc.value) as T)
  }

  async putDoc<T>(namespace: string, key: string, value: T): Promise<void> {
    this.#docs.set(`${namespace}\u0000${key}`, { value: structuredClone(value), expiresAt: this.#now() + this.#ttl })
  }

  async deleteDoc(namespace: string, key: string): Promise<void> {
    this.#docs.delete(`${namespace}\u0000${key}`)
  }

  #entry(runId: string): RunEntry {
    const entry = this.#runs.get(runId)
    if (!entry) throw new BridgeError('not_found', `No run ${runId}.`)
    return entry
  }

  #changed(entry: RunEntry, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        signal?.removeEventListener('abort', done)
        entry.waiters.delete(done)
        resolve()
      }
      entry.waiters.add(done)
      signal?.addEventListener('abort', done, { once: true })
    })
  }

  /** Drops whatever has not changed for a TTL; runs still being written are kept. */
  #sweep() {
    const now = this.#now()
    if (now < this.#nextSweep) return
    this.#nextSweep = now + Math.min(this.#ttl, 60_000)
    for (const [id, entry] of this.#runs) {
      if (entry.record.updatedAt + this.#ttl < now && entry.waiters.size === 0) this.#runs.delete(id)
    }
    for (const map of [this.#history, this.#docs] as Map<string, Expiring<unknown>>[]) {
      for (const [key, item] of map) if (item.expiresAt < now) map.delete(key)
    }
  }
}
