import type { MiddlewareHandler } from 'hono'
import { BridgeError } from '../core/index.js'
import type { BridgeEnv } from './face.js'

/** Requires one of the configured keys as `Authorization: Bearer <key>` or `x-api-key: <key>`. */
export function requireApiKey(keys: readonly string[]): MiddlewareHandler<BridgeEnv> {
  const allowed = new Set(keys)
  return async (c, next) => {
    const bearer = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]
    const key = bearer ?? c.req.header('x-api-key')
    if (!key || !allowed.has(key)) {
      throw new BridgeError(
        'unauthenticated',
        key ? 'The API key is not valid.' : 'An API key is required (Authorization: Bearer <key>).',
        {
          wireCode: 'invalid_api_key',
        },
      )
    }
    await next()
  }
}
