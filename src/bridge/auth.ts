import type { MiddlewareHandler } from 'hono'
import { BridgeError } from '../core/index.js'
import type { BridgeEnv } from './face.js'

/** An API key and the principal it stands for (`team-a`); a plain string is a key whose principal is named for it. */
export type ApiKey = string | { key: string; name: string }

/** The principal of a key given without a name: `key:` and the start of its SHA-256, never the key itself. */
async function nameOf(key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key)))
  return `key:${[...digest.slice(0, 6)].map((b) => b.toString(16).padStart(2, '0')).join('')}`
}

/**
 * Requires one of the configured keys as `Authorization: Bearer <key>` or `x-api-key: <key>`, and makes the key's
 * principal the request's (`principal`), which owns what the request creates.
 */
export function requireApiKey(keys: readonly ApiKey[]): MiddlewareHandler<BridgeEnv> {
  const principals = Promise.all(
    keys.map(async (k) => (typeof k === 'string' ? ([k, await nameOf(k)] as const) : ([k.key, k.name] as const))),
  ).then((pairs) => new Map(pairs))
  return async (c, next) => {
    const bearer = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]
    const key = bearer ?? c.req.header('x-api-key')
    const principal = key ? (await principals).get(key) : undefined
    if (!key || !principal) {
      throw new BridgeError(
        'unauthenticated',
        key ? 'The API key is not valid.' : 'An API key is required (Authorization: Bearer <key>).',
        { wireCode: 'invalid_api_key' },
      )
    }
    c.set('principal', principal)
    await next()
  }
}
