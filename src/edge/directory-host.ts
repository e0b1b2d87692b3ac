import type { RunQuery } from '../store/types.js'
import type { DirectoryApi, DocKey, RunIndexEntry } from './protocol.js'
import type { ObjectStorage } from './storage.js'

const runKey = (runId: string) => `r:${runId}`
const docKey = ({ namespace, key }: DocKey) => `d:${namespace}\u0000${key}`

/**
 * The one object that lists: every live run (written once when it is created, removed when it expires) and every
 * document key. Runs' records stay in their own objects; this only knows which exist.
 */
export class DirectoryHost implements DirectoryApi {
  #runs = new Map<string, RunIndexEntry>()
  #docs = new Map<string, Set<string>>()
  readonly ready: Promise<void>

  constructor(private readonly storage: ObjectStorage) {
    this.ready = this.#load()
  }

  async #load() {
    for (const entry of (await this.storage.list<RunIndexEntry>({ prefix: 'r:' })).values())
      this.#runs.set(entry.runId, entry)
    for (const key of (await this.storage.list({ prefix: 'd:' })).keys()) {
      const [namespace = '', name = ''] = key.slice(2).split('\u0000')
      this.#keys(namespace).add(name)
    }
  }

  async indexRun(entry: RunIndexEntry): Promise<void> {
    await this.ready
    this.#runs.set(entry.runId, entry)
    await this.storage.put({ [runKey(entry.runId)]: entry })
  }

  async unindexRun(runId: string): Promise<void> {
    await this.ready
    if (this.#runs.delete(runId)) await this.storage.delete([runKey(runId)])
  }

  async queryRuns(query: RunQuery): Promise<string[]> {
    await this.ready
    // Newest first; runs created in the same millisecond by the order they were created (as in memory).
    const matches = [...this.#runs.values()]
      .filter(
        (r) => (!query.agentId || r.agentId === query.agentId) && (!query.contextId || r.contextId === query.contextId),
      )
      .reverse()
      .sort((a, b) => b.createdAt - a.createdAt)
    const offset = query.offset ?? 0
    return matches.slice(offset, query.limit === undefined ? undefined : offset + query.limit).map((r) => r.runId)
  }

  async indexDoc(doc: DocKey): Promise<void> {
    await this.ready
    const keys = this.#keys(doc.namespace)
    if (keys.has(doc.key)) return
    keys.add(doc.key)
    await this.storage.put({ [docKey(doc)]: 1 })
  }

  async unindexDoc(doc: DocKey): Promise<void> {
    await this.ready
    if (this.#docs.get(doc.namespace)?.delete(doc.key)) await this.storage.delete([docKey(doc)])
  }

  async docKeys(namespace: string): Promise<string[]> {
    await this.ready
    return [...(this.#docs.get(namespace) ?? [])]
  }

  #keys(namespace: string): Set<string> {
    let keys = this.#docs.get(namespace)
    if (!keys) this.#docs.set(namespace, (keys = new Set()))
    return keys
  }
}
