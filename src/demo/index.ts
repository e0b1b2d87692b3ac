export { createDemoAgent } from './agent.js'
export type { DemoAgentOptions } from './agent.js'
export { scenarios } from './script.js'
