import type { MiddlewareHandler } from 'hono'
import { BridgeError } from '../core/index.js'
import type { BridgeEnv } from './face.js'

/** An API key and the principal it stands for (`team-a`); a plain string is a key whose principal is named for it. */
export type ApiKey = string | { key: string; name: string }

/** A key's SHA-256, in hex. */
async function sha256(key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key)))
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** The principal of a key given without a name: `key:` and the start of its SHA-256, never the key itself. */
const nameOf = async (key: string) => `key:${(await sha256(key)).slice(0, 12)}`

/**
 * Requires one of the configured keys as `Authorization: Bearer <key>` or `x-api-key: <key>`, and makes the key's
 * principal the request's (`principal`), which owns what the request creates.
 */
export function requireApiKey(keys: readonly ApiKey[]): MiddlewareHandler<BridgeEnv> {
  // Keys are looked up by their digest, so how long a comparison takes says nothing about how much of a key was right.
  const principals = Promise.all(
    keys.map(async (k) =>
      typeof k === 'string' ? ([await sha256(k), await nameOf(k)] as const) : ([await sha256(k.key), k.name] as const),
    ),
  ).then((pairs) => new Map(pairs))
  return async (c, next) => {
    const bearer = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]
    const key = bearer ?? c.req.header('x-api-key')
    const principal = key ? (await principals).get(await sha256(key)) : undefined
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
