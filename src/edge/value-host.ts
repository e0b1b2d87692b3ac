import type { Message } from '../core/index.js'
import type { DocKey, DurableObjects, ValueObjectApi } from './protocol.js'
import type { ObjectStorage } from './storage.js'

interface Stored {
  value: unknown
  expiresAt: number
  index?: DocKey
}

/**
 * One expiring value per object: a conversation's history, or one document. Spreading them over objects keeps
 * each conversation's writes off every other's; an alarm deletes the value when its TTL runs out.
 */
export class ValueHost implements ValueObjectApi {
  constructor(
    private readonly storage: ObjectStorage,
    private readonly objects: DurableObjects,
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<unknown> {
    return (await this.#live())?.value
  }

  async put(value: unknown, ttlMs: number, index?: DocKey): Promise<void> {
    const current = await this.storage.get<Stored>('stored')
    const stored: Stored = { value, expiresAt: this.now() + ttlMs, ...(index ? { index } : {}) }
    await this.storage.put({ stored })
    await this.storage.setAlarm(stored.expiresAt)
    if (index && !current?.index) await this.objects.directory().indexDoc(index)
  }

  async append(items: readonly Message[], max: number, ttlMs: number): Promise<void> {
    const current = ((await this.#live())?.value as Message[] | undefined) ?? []
    await this.put([...current, ...items].slice(-max), ttlMs)
  }

  async delete(): Promise<void> {
    const stored = await this.storage.get<Stored>('stored')
    await this.storage.deleteAll()
    await this.storage.deleteAlarm()
    if (stored?.index) await this.objects.directory().unindexDoc(stored.index)
  }

  async alarm(): Promise<void> {
    const stored = await this.storage.get<Stored>('stored')
    if (!stored) return
    if (this.now() >= stored.expiresAt) await this.delete()
    else await this.storage.setAlarm(stored.expiresAt)
  }

  /** The stored value unless its TTL ran out (the alarm may not have fired yet). */
  async #live(): Promise<Stored | undefined> {
    const stored = await this.storage.get<Stored>('stored')
    if (!stored || this.now() < stored.expiresAt) return stored
    await this.delete()
    return undefined
  }
}
