import type { A2AVersion } from './errors.js'
import { a2aError } from './errors.js'

/**
 * The A2A version a request asks for: the `A2A-Version` header (or query parameter); absent means 0.3.
 * Anything but 0.3 and 1.0 is VersionNotSupportedError.
 */
export function requestedVersion(request: Request): A2AVersion | undefined {
  const raw = request.headers.get('a2a-version') ?? new URL(request.url).searchParams.get('A2A-Version') ?? ''
  const value = raw.trim()
  if (value === '') return undefined
  if (value === '1.0' || value === '1') return '1.0'
  if (value === '0.3' || value.startsWith('0.3.')) return '0.3'
  throw a2aError('VersionNotSupportedError', `A2A version ${value} is not supported; this agent speaks 1.0 and 0.3.`)
}
