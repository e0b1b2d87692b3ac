import type { AgentEntry } from '../../src/bridge/index.js'
import type { AgentBackend } from '../../src/core/index.js'
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

/** A backend in code whose runs are `run`: a streaming agent with no threads, interrupts, client tools or push. */
export const scriptedAgent = (id: string, run: AgentBackend['run']): AgentEntry => ({
  id,
  backend: {
    info: () => ({
      id,
      name: id,
      capabilities: { streaming: true, threads: false, interrupts: false, clientTools: false, push: false },
    }),
    run,
  },
})
