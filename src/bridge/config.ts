import { z } from 'zod'
import { fieldPath } from '../core/errors.js'
import type { BuiltInDialect } from '../dialects/index.js'
import { dialects as builtIn } from '../dialects/index.js'
import type { ApiKey } from './auth.js'
import type { AgentConfigFor, Dialect } from './dialect.js'
import { AGENT_FIELDS } from './dialect.js'
import type { FaceOptions } from './face.js'

export type { DisconnectPolicy } from './dialect.js'

/** A configured agent of one of the built-in dialects (`{id, dialect, url, …}`). */
export type AgentConfig = AgentConfigFor<BuiltInDialect>

export interface BridgeSettings {
  /** The bridge's public URL, for discovery documents that point back at it. */
  baseUrl?: string
  /** When set, every face requires one of these keys (`Authorization: Bearer …` or `x-api-key`). */
  apiKeys?: ApiKey[]
  /** Work out the bridge's URL from X-Forwarded-Proto/-Host (set only behind a proxy you trust). */
  trustProxy?: boolean
  /** Where clients may ask the bridge to POST notifications: https to public hosts unless allowed here. */
  webhooks?: { allowInsecure?: boolean; allowHosts?: string[] }
  /** Web pages (by origin) that may call the bridge from a browser. Default: none (no CORS headers at all). */
  cors?: { origins: string[] }
  /** Runs, conversations and documents are forgotten this long after their last change. Default 3600. */
  ttlSeconds?: number
  /** Runs kept at most (Node); the oldest finished ones go first. Default 10 000. */
  maxRuns?: number
  /** Options of each face, by dialect name: `{"acp": {"keepAliveMs": 5000, "valuesIntervalMs": 250}}`. */
  faces?: Partial<Record<string, FaceOptions>>
}

export interface BridgeConfig<A = AgentConfig> extends BridgeSettings {
  agents: A[]
}

/** One agent's schema: the common fields, its dialect's name and that dialect's own options, nothing else. */
const agentSchema = (dialect: Dialect) =>
  z.object({ ...AGENT_FIELDS, ...dialect.options, dialect: z.literal(dialect.name) }).strict()

/** One face's options. */
const faceSchema = z
  .object({
    /** Idle milliseconds before a keep-alive goes out on a stream; 0 sends none. */
    keepAliveMs: z.number().int().min(0).max(3_600_000).optional(),
    /**
     * A face that streams snapshots (ACP `values`): at most one per this many milliseconds while deltas arrive, plus
     * one at each boundary; 0 sends one per change. Faces without snapshots have nothing to pace.
     */
    valuesIntervalMs: z.number().int().min(0).max(60_000).optional(),
  })
  .strict()

const schemas = new WeakMap<readonly Dialect[], z.ZodType<BridgeConfig<unknown>>>()

/** The configuration's schema for a list of dialects: agents are a union discriminated by `dialect`. */
function configSchema(dialects: readonly Dialect[]): z.ZodType<BridgeConfig<unknown>> {
  const known = schemas.get(dialects)
  if (known) return known
  const names = dialects.map((d) => d.name)
  const agent = z.discriminatedUnion(
    'dialect',
    dialects.map(agentSchema) as unknown as [z.ZodObject, ...z.ZodObject[]],
    {
      error: (issue) =>
        issue.code === 'invalid_union'
          ? { message: `must be one of ${names.join(', ')}`, path: ['dialect'] }
          : undefined,
    },
  )
  const schema = z
    .object({
      agents: z.array(agent).min(1, 'must list at least one agent'),
      baseUrl: z.url().optional(),
      apiKeys: z
        .array(
          z.union([
            z.string().min(1),
            z
              .object({
                key: z.string().min(1),
                name: z.string().regex(/^[\w.@:-]+$/, 'must be letters, digits or ._@:-'),
              })
              .strict(),
          ]),
        )
        .optional(),
      trustProxy: z.boolean().optional(),
      webhooks: z
        .object({ allowInsecure: z.boolean().optional(), allowHosts: z.array(z.string().min(1)).optional() })
        .strict()
        .optional(),
      ttlSeconds: z
        .number()
        .int()
        .min(1)
        .max(30 * 24 * 3600)
        .optional(),
      maxRuns: z.number().int().min(1).max(10_000_000).optional(),
      // Only dialects with a face: any other name is an unknown option.
      faces: z
        .object(Object.fromEntries(dialects.filter((d) => d.face).map((d) => [d.name, faceSchema.optional()])))
        .strict()
        .optional(),
      cors: z
        .object({
          origins: z.array(
            z.union([
              z.literal('*'),
              z
                .url({ protocol: /^https?$/ })
                .refine((u) => new URL(u).origin === u, 'must be an origin (scheme://host[:port]), with no path'),
            ]),
          ),
        })
        .strict()
        .optional(),
    })
    .strict()
    .superRefine((config, ctx) => {
      const seen = new Set<string>()
      config.agents.forEach((agent, i) => {
        const id = (agent as { id: string }).id
        if (seen.has(id)) ctx.addIssue({ code: 'custom', path: ['agents', i, 'id'], message: `"${id}" is used twice` })
        seen.add(id)
      })
    }) as z.ZodType<BridgeConfig<unknown>>
  schemas.set(dialects, schema)
  return schema
}

export const DEMO_CONFIG: BridgeConfig = { agents: [{ id: 'demo', dialect: 'demo' }] }

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** One line per issue; an unknown agent option is told which dialect owns it (`agents[0].model: not an option…`). */
function describeIssue(issue: z.core.$ZodIssue, value: unknown, dialects: readonly Dialect[]): string[] {
  if (issue.code !== 'unrecognized_keys') return [`  ${fieldPath(issue.path) || '(root)'}: ${issue.message}`]
  const at = fieldPath(issue.path) || '(root)'
  const entry = issue.path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown> | undefined)?.[k], value) as
    | { dialect?: unknown }
    | undefined
  const isAgent = issue.path[0] === 'agents' && issue.path.length === 2 && typeof entry?.dialect === 'string'
  return issue.keys.map((key) => {
    if (!isAgent) return `  ${at === '(root)' ? key : `${at}.${key}`}: unknown option`
    const owners = dialects.filter((d) => key in d.options).map((d) => d.name)
    const hint = owners.length ? ` (an option of ${owners.join(', ')} agents)` : ''
    return `  ${at}.${key}: not an option of ${entry?.dialect} agents${hint}`
  })
}

/**
 * Validates a configuration against the dialects the bridge serves; the error names every bad field
 * (`agents[0].url: is required for a responses agent`), and an option against the dialect that owns it.
 */
export function parseConfig(value: unknown, source?: string): BridgeConfig
export function parseConfig<D extends Dialect>(
  value: unknown,
  source: string,
  dialects: readonly D[],
): BridgeConfig<AgentConfigFor<D>>
export function parseConfig(
  value: unknown,
  source = 'configuration',
  dialects: readonly Dialect[] = builtIn,
): BridgeConfig<unknown> {
  const result = configSchema(dialects).safeParse(value)
  if (result.success) return result.data
  const lines = result.error.issues.flatMap((issue) => describeIssue(issue, value, dialects))
  throw new ConfigError(`Invalid ${source}:\n${lines.join('\n')}`)
}

/** Parses configuration text (JSON). */
export function parseConfigText(text: string, source = 'configuration', dialects: readonly Dialect[] = builtIn) {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    throw new ConfigError(`Invalid ${source}: not JSON (${(e as Error).message})`)
  }
  return parseConfig(value, source, dialects) as BridgeConfig
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
