import { sleep } from '../stream/index.js'
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

/** Waits before each delivery attempt: at once, then twice more with growing pauses. */
const RETRY_DELAYS_MS = [0, 250, 1000]
const DELIVERY_TIMEOUT_MS = 5_000

export interface NotificationOptions {
  headers?: Record<string, string>
  fetch?: typeof fetch
  log?: (line: string) => void
  /** How the log names the target: `webhook`, `push`. */
  what?: string
}

/**
 * POSTs one JSON notification (an ACP webhook call, an A2A push event), retried on failure or a non-2xx answer;
 * a target that stays down is logged and given up on, never allowed to stall the run it reports on.
 */
export async function postNotification(url: string, body: string, options: NotificationOptions = {}): Promise<boolean> {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init))
  const log = options.log ?? (() => {})
  const what = options.what ?? 'notification'
  const headers = { 'content-type': 'application/json', ...options.headers }
  for (const wait of RETRY_DELAYS_MS) {
    if (wait) await sleep(wait)
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      })
      await res.body?.cancel()
      if (res.ok) return true
      log(`${what} ${url} answered ${res.status}`)
    } catch (e) {
      log(`${what} ${url} failed: ${(e as Error).message}`)
    }
  }
  return false
}
