// Where the bridge POSTs for a client (A2A push notifications, ACP webhooks): URLs that come from clients, so every
// target is checked against the policy — by address, not by spelling — and no redirect is followed.
import ipaddr from 'ipaddr.js'
import { BridgeError } from '../core/index.js'
import { sleep } from '../stream/index.js'

export interface WebhookPolicy {
  /** Allow plain http and loopback or private addresses (development, tests). */
  allowInsecure?: boolean
  /** Hosts allowed whatever their scheme or address (`localhost:9000`, `hooks.internal`). */
  allowHosts?: readonly string[]
  /**
   * A host name's addresses (Node: DNS), checked before each delivery so a name cannot lead to a private address.
   * Without it (Workers, which cannot resolve) only literal addresses are checked; see README for what protects there.
   */
  resolve?: (host: string) => Promise<readonly string[]>
}

/**
 * A public unicast address: not loopback, private, link-local (cloud metadata), CGNAT, unique-local, unspecified,
 * multicast, reserved or an IPv6 form that embeds one of those (IPv4-mapped, NAT64, 6to4…). The deprecated
 * IPv4-compatible form (`::a.b.c.d`, which ipaddr.js calls unicast) is refused whatever it embeds.
 */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '')
  if (!ipaddr.isValid(bare)) return false
  const parsed = ipaddr.process(bare)
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).parts.slice(0, 6).every((part) => part === 0)) return false
  return parsed.range() === 'unicast'
}

const allowed = (url: URL, policy: WebhookPolicy) =>
  policy.allowInsecure || policy.allowHosts?.includes(url.host) || policy.allowHosts?.includes(url.hostname)

const isLiteral = (host: string) => ipaddr.isValid(host.replace(/^\[|\]$/g, ''))

/**
 * Only https to public hosts, unless the policy allows more: notification URLs come from clients, so this guards
 * against the bridge being made to call into its own network (SSRF). Checked when a client gives the URL; names
 * are resolved and checked again before each delivery (`checkTarget`). Throws `invalid_request`.
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
  if (url.username || url.password) throw new BridgeError('invalid_request', `The ${what} must not carry credentials.`)
  if (allowed(url, policy)) return url
  if (url.protocol !== 'https:') throw new BridgeError('invalid_request', `The ${what} must use https.`)
  // `localhost.` is `localhost`: a fully qualified name ends in a dot.
  const host = url.hostname.replace(/\.+$/, '')
  const local = host === 'localhost' || host.endsWith('.localhost') || (isLiteral(host) && !isPublicAddress(host))
  if (local) {
    throw new BridgeError(
      'invalid_request',
      `The ${what} points at ${host}, a local or private address, which is not allowed.`,
    )
  }
  return url
}

/** Why the policy refuses to deliver to this URL now (its name resolves to a private address), or nothing. */
export async function checkTarget(raw: string, policy: WebhookPolicy): Promise<string | undefined> {
  let url: URL
  try {
    url = checkWebhookUrl(raw, policy)
  } catch (e) {
    return (e as Error).message
  }
  if (allowed(url, policy) || isLiteral(url.hostname) || !policy.resolve) return undefined
  let addresses: readonly string[]
  try {
    addresses = await policy.resolve(url.hostname)
  } catch (e) {
    return `${url.hostname} does not resolve (${(e as Error).message})`
  }
  const refused = addresses.find((a) => !isPublicAddress(a))
  if (!addresses.length) return `${url.hostname} has no address`
  return refused ? `${url.hostname} resolves to ${refused}, a local or private address` : undefined
}

/** Waits before each delivery attempt: at once, then twice more with growing pauses. */
const RETRY_DELAYS_MS = [0, 250, 1000]
const DELIVERY_TIMEOUT_MS = 5_000
/** Deliveries in a row a target may fail before the bridge stops sending it this run's events. */
const MAX_FAILED_DELIVERIES = 3

export interface NotificationOptions {
  headers?: Record<string, string>
  fetch?: typeof fetch
  log?: (line: string) => void
  /** How the log names the target: `webhook`, `push`. */
  what?: string
  /** Checked before each delivery (resolved names included). Default: nothing beyond the URL itself. */
  policy?: WebhookPolicy
  /** Attempts for this notification (default 3). */
  tries?: number
}

/**
 * POSTs one JSON notification (an ACP webhook call, an A2A push event), retried on failure or a non-2xx answer.
 * Redirects are not followed (a redirect could lead anywhere the policy refuses); a target the policy refuses once
 * resolved gets no connection at all.
 */
export async function postNotification(url: string, body: string, options: NotificationOptions = {}): Promise<boolean> {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init))
  const log = options.log ?? (() => {})
  const what = options.what ?? 'notification'
  const refused = await checkTarget(url, options.policy ?? { allowInsecure: true })
  if (refused) {
    log(`${what} ${url} not delivered: ${refused}`)
    return false
  }
  const headers = { 'content-type': 'application/json', ...options.headers }
  for (const wait of RETRY_DELAYS_MS.slice(0, options.tries ?? RETRY_DELAYS_MS.length)) {
    if (wait) await sleep(wait)
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      })
      await res.body?.cancel()
      if (res.ok) return true
      if (res.status >= 300 && res.status < 400) {
        log(`${what} ${url} answered ${res.status}, a redirect, which is not followed`)
        return false
      }
      log(`${what} ${url} answered ${res.status}`)
    } catch (e) {
      log(`${what} ${url} failed: ${(e as Error).message}`)
    }
  }
  return false
}

/**
 * One target of one run's notifications: each delivery retried, but a target that keeps failing gets one try per
 * event after its first failed delivery, and none after three failed deliveries in a row.
 */
export class NotificationTarget {
  #failures = 0

  constructor(
    readonly url: string,
    private readonly options: NotificationOptions,
  ) {}

  get givenUp(): boolean {
    return this.#failures >= MAX_FAILED_DELIVERIES
  }

  async post(body: string, headers?: Record<string, string>): Promise<boolean> {
    if (this.givenUp) return false
    const tries = this.#failures ? 1 : undefined
    const ok = await postNotification(this.url, body, { ...this.options, ...(headers ? { headers } : {}), tries })
    this.#failures = ok ? 0 : this.#failures + 1
    if (this.givenUp)
      this.options.log?.(
        `${this.options.what ?? 'notification'} ${this.url}: given up after ${MAX_FAILED_DELIVERIES} failed deliveries`,
      )
    return ok
  }
}
