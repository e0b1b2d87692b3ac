import { z } from 'zod'
import { defineDialect } from '../bridge/dialect.js'
import { createDemoAgent } from './agent.js'

/** The built-in scripted demo agent: a backend with no wire of its own (no face, no mappers). */
export const demo = defineDialect({
  name: 'demo',
  options: {
    /** Pause per streamed word in milliseconds. */
    delayMs: z.number().int().min(0).max(10_000).optional(),
  },
  client: (config) => createDemoAgent({ id: config.id, name: config.name, delayMs: config.delayMs }),
})
