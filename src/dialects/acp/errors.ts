import { BridgeError } from '../../core/index.js'

// ACP's own words for the canonical errors (acpErrorResponse in routes.ts gives each its status).
export const notFound = (what: string) => new BridgeError('not_found', `${what} not found.`)
export const conflict = (message: string) => new BridgeError('conflict', message)
export const invalid = (message: string) => new BridgeError('invalid_request', message)
