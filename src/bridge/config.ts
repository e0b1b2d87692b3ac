import { z } from 'zod'
import { fieldPath } from '../core/errors.js'

export const DIALECTS = ['demo', 'responses', 'a2a', 'acp'] as const

export const DisconnectPolicy = z.enum(['cancel', 'continue'])
export type DisconnectPolicy = z.infer<typeof DisconnectPolicy>

export const AgentConfig = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'must be letters, digits, ".", "_", ":" or "-"'),
    dialect: z.enum(DIALECTS),
    /** The upstream's URL (Responses: the base ending in /v1; A2A: the agent card, or the URL it sits under). Never taken from a request. */
    url: z.url({ protocol: /^https?$/ }).optional(),
    /** Sent with every upstream request (credentials live here, or in env vars the config references). */
    headers: z.record(z.string(), z.string()).optional(),
    /** What happens to a run when its last reader disconnects. Default `continue`. */
    disconnect: DisconnectPolicy.optional(),
    name: z.string().optional(),
    description: z.string().optional(),
    /** Responses upstreams: the `model` to ask for (defaults to the agent id). */
    model: z.string().optional(),
    /** Responses upstreams: start upstream responses with background=true so cancel reaches them. */
    background: z.boolean().optional(),
    /** Demo agent: pause per streamed word in milliseconds. */
    delayMs: z.number().int().min(0).max(10_000).optional(),
    /** ACP upstreams: which agent, and where text goes in its input and comes back in its values. */
    acp: z
      .object({
        agentId: z.string().optional(),
        agentName: z.string().optional(),
        input: z
          .object({
            messages: z.string().optional(),
            text: z.string().optional(),
            base: z.record(z.string(), z.unknown()).optional(),
          })
          .strict()
          .optional(),
        output: z.object({ messages: z.string().optional(), text: z.string().optional() }).strict().optional(),
        config: z.record(z.string(), z.unknown()).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((agent, ctx) => {
    if (agent.dialect !== 'demo' && !agent.url) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: `is required for a ${agent.dialect} agent` })
    }
  })
export type AgentConfig = z.infer<typeof AgentConfig>

export const BridgeConfig = z
  .object({
    agents: z.array(AgentConfig).min(1, 'must list at least one agent'),
    /** The bridge's public URL, for discovery documents that point back at it. */
    baseUrl: z.url().optional(),
    /** When set, every face requires one of these keys (`Authorization: Bearer …` or `x-api-key`). */
    apiKeys: z.array(z.string().min(1)).optional(),
    /** Work out the bridge's URL from X-Forwarded-Proto/-Host (set only behind a proxy you trust). */
    trustProxy: z.boolean().optional(),
    /** Where clients may ask the bridge to POST notifications: https to public hosts unless allowed here. */
    webhooks: z
      .object({ allowInsecure: z.boolean().optional(), allowHosts: z.array(z.string().min(1)).optional() })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Set<string>()
    config.agents.forEach((agent, i) => {
      if (seen.has(agent.id))
        ctx.addIssue({ code: 'custom', path: ['agents', i, 'id'], message: `"${agent.id}" is used twice` })
      seen.add(agent.id)
    })
  })
export type BridgeConfig = z.infer<typeof BridgeConfig>

export const DEMO_CONFIG: BridgeConfig = { agents: [{ id: 'demo', dialect: 'demo' }] }

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Validates a configuration; the error names every bad field (`agents[0].url: Invalid URL`). */
export function parseConfig(value: unknown, source = 'configuration'): BridgeConfig {
  const result = BridgeConfig.safeParse(value)
  if (result.success) return result.data
  const lines = result.error.issues.map((i) => `  ${fieldPath(i.path) || '(root)'}: ${i.message}`)
  throw new ConfigError(`Invalid ${source}:\n${lines.join('\n')}`)
}

/** Parses configuration text (JSON). */
export function parseConfigText(text: string, source = 'configuration'): BridgeConfig {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    throw new ConfigError(`Invalid ${source}: not JSON (${(e as Error).message})`)
  }
  return parseConfig(value, source)
}

/**
 * `${NAME}` in the config text is replaced by that environment variable (or Workers secret), so secrets stay out of
 * the file. Values are inserted JSON-escaped.
 */
export function substituteEnv(text: string, env: Readonly<Record<string, unknown>>): string {
  return text.replace(/\$\{([A-Z_][A-Z0-9_]*)\}/g, (_, name: string) => {
    const value = env[name]
    if (typeof value !== 'string')
      throw new ConfigError(`The configuration refers to \${${name}}, which is not set in the environment.`)
    return JSON.stringify(value).slice(1, -1)
  })
}
