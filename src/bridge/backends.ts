import type { BackendDeps, Dialect } from './dialect.js'
import { ConfigError } from './config.js'
import type { AgentEntry } from './registry.js'

/** A configuration entry: `{id, dialect, …}`, with the options its dialect defines. */
export interface AgentConfigEntry {
  id: string
  dialect: string
  disconnect?: 'cancel' | 'continue'
  /** The dialect's own options (checked against its schema when the bridge is made). */
  [option: string]: unknown
}

/** Configured agents (and agents built in code) as registry entries, each built by its dialect's client. */
export function agentEntries(
  agents: readonly (AgentConfigEntry | AgentEntry)[],
  dialects: readonly Dialect[],
  deps: BackendDeps,
): AgentEntry[] {
  return agents.map((agent) => {
    if (isBuilt(agent)) return agent
    const dialect = dialects.find((d) => d.name === agent.dialect)
    if (!dialect?.client) {
      const known = dialects.filter((d) => d.client).map((d) => d.name)
      throw new ConfigError(`Agent "${agent.id}": no dialect "${agent.dialect}" here (${known.join(', ')}).`)
    }
    const backend = dialect.client(agent as Parameters<NonNullable<Dialect['client']>>[0], deps)
    return { id: agent.id, backend, ...(agent.disconnect ? { disconnect: agent.disconnect } : {}) }
  })
}

/** An agent built in code (`{id, backend}`) rather than configured. */
export const isBuilt = (agent: AgentConfigEntry | AgentEntry): agent is AgentEntry =>
  typeof (agent as { backend?: unknown }).backend === 'object' && !('dialect' in agent)
