import { BridgeError } from '../core/index.js'

export interface WebhookPolicy {
  /** Allow plain http and loopback or private addresses (development, tests). */
  allowInsecure?: boolean
  /** Hosts allowed whatever their scheme or address (`localhost:9000`, `hooks.internal`). */
  allowHosts?: readonly string[]
}

/**
 * Only https to public hosts, unless the policy allows more: notification URLs come from clients, so this guards
 * against the bridge being made to call into its own network (SSRF). Throws `invalid_request`.
 */
export function checkWebhookUrl(raw: string, policy: WebhookPolicy, what = 'notification URL'): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new BridgeError('invalid_request', `The ${what} '${raw}' is not a URL.`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new BridgeError('invalid_request', `The ${what} must be http(s).`)
  if (policy.allowInsecure || policy.allowHosts?.includes(url.host) || policy.allowHosts?.includes(url.hostname))
    return url
  if (url.protocol !== 'https:') throw new BridgeError('invalid_request', `The ${what} must use https.`)
  if (isPrivateHost(url.hostname))
    throw new BridgeError(
      'invalid_request',
      `The ${what} points at ${url.hostname}, a local or private address, which is not allowed.`,
    )
  return url
}

const isPrivateHost = (host: string): boolean =>
  host === 'localhost' ||
  host.endsWith('.localhost') ||
  /^127\.|^10\.|^192\.168\.|^169\.254\.|^0\.|^172\.(1[6-9]|2\d|3[01])\./.test(host) ||
  /^\[?(::1|f[cd][0-9a-f]{2}:|fe80:)/i.test(host)
