import type { AgentBackend, AgentInfo } from '../core/index.js'
import { BridgeError } from '../core/index.js'
import type { DisconnectPolicy } from './config.js'

/** An agent the bridge serves: its id on every face and the backend that runs it. */
export interface AgentEntry {
  id: string
  backend: AgentBackend
  disconnect?: DisconnectPolicy
}

export class AgentRegistry {
  readonly #agents = new Map<string, AgentEntry>()
  readonly #infos = new Map<string, Promise<AgentInfo>>()

  constructor(entries: readonly AgentEntry[]) {
    if (entries.length === 0) throw new Error('The bridge needs at least one agent.')
    for (const entry of entries) {
      if (this.#agents.has(entry.id)) throw new Error(`Agent id "${entry.id}" is used twice.`)
      this.#agents.set(entry.id, entry)
    }
  }

  get(id: string): AgentEntry | undefined {
    return this.#agents.get(id)
  }

  /** The agent, or a `not_found` BridgeError that names the field the id came from. */
  require(id: string, param?: string): AgentEntry {
    const agent = this.#agents.get(id)
    if (!agent) {
      throw new BridgeError(
        'not_found',
        `The agent '${id}' does not exist. Configured agents: ${this.ids().join(', ')}.`,
        {
          param,
          wireCode: 'model_not_found',
        },
      )
    }
    return agent
  }

  /** The agent's AgentInfo, asked once and shared by every face (an upstream client may have to fetch its card). */
  info(id: string): Promise<AgentInfo> {
    let info = this.#infos.get(id)
    if (!info) {
      info = Promise.resolve().then(() => this.require(id).backend.info())
      // A failed lookup is asked again next time.
      info.catch(() => this.#infos.delete(id))
      this.#infos.set(id, info)
    }
    return info
  }

  /** The first configured agent, used when a request names none. */
  get default(): AgentEntry {
    return this.#agents.values().next().value as AgentEntry
  }

  list(): AgentEntry[] {
    return [...this.#agents.values()]
  }

  ids(): string[] {
    return [...this.#agents.keys()]
  }
}
