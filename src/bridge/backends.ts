import type { AgentBackend } from '../core/index.js'
import { createDemoAgent } from '../demo/index.js'
import { createA2AClient } from '../dialects/a2a/client.js'
import { createAcpClient } from '../dialects/acp/client.js'
import { createResponsesClient } from '../dialects/responses/client.js'
import type { RunStore } from '../store/index.js'
import type { AgentConfig } from './config.js'
import type { AgentEntry } from './registry.js'

export interface BackendDeps {
  store: RunStore
  fetch?: typeof fetch
}

/** What every upstream client is given from its configuration entry. */
const upstream = (config: AgentConfig, deps: BackendDeps) => ({
  id: config.id,
  url: config.url ?? '',
  headers: config.headers,
  name: config.name,
  description: config.description,
  store: deps.store,
  fetch: deps.fetch,
})

/** How each configured dialect becomes an AgentBackend. */
const backends: Record<AgentConfig['dialect'], (config: AgentConfig, deps: BackendDeps) => AgentBackend> = {
  demo: (config) => createDemoAgent({ id: config.id, name: config.name, delayMs: config.delayMs }),
  responses: (config, deps) =>
    createResponsesClient({ ...upstream(config, deps), model: config.model, background: config.background }),
  acp: (config, deps) => createAcpClient({ ...upstream(config, deps), ...config.acp }),
  a2a: (config, deps) => createA2AClient(upstream(config, deps)),
}

export const createBackend = (config: AgentConfig, deps: BackendDeps): AgentBackend =>
  backends[config.dialect](config, deps)

/** Configured agents (and agents built in code) as registry entries, their backends sharing one store. */
export const agentEntries = (agents: readonly (AgentConfig | AgentEntry)[], deps: BackendDeps): AgentEntry[] =>
  agents.map((a) => ('backend' in a ? a : { id: a.id, backend: createBackend(a, deps), disconnect: a.disconnect }))
