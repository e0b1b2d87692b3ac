import type { AgentEntry } from '../../src/bridge/index.js'
import { createDemoAgent } from '../../src/demo/index.js'
import type { RunningBridge, ServeOptions } from '../../src/node.js'
import { serveBridge } from '../../src/node.js'

/** A bridge on a free loopback port, serving the demo agent (no delays) unless told otherwise. */
export async function startBridge(
  options: ServeOptions & { agents?: (AgentEntry | NonNullable<ServeOptions['agents']>[number])[] } = {},
): Promise<RunningBridge> {
  return serveBridge({
    port: 0,
    agents: options.agents ?? [{ id: 'demo', backend: createDemoAgent({ delayMs: 0 }) }],
    ...options,
  })
}

export const demoAgent = (delayMs = 0, id = 'demo'): AgentEntry => ({ id, backend: createDemoAgent({ id, delayMs }) })
