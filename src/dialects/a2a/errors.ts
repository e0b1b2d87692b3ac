// A2A errors: the bridge's error codes as A2A error names, JSON-RPC error objects and REST (google.rpc.Status) bodies.
import type { BridgeError, ErrorCode } from '../../core/index.js'
import { BridgeError as BridgeErrorClass } from '../../core/index.js'
import type { A2AErrorResponse, ErrorInfo, JSONRPCError, JSONRPCErrorName } from './wire.js'
import { JSONRPC_ERROR_CODES, REST_CONTENT_TYPE } from './wire.js'

export type A2AVersion = '1.0' | '0.3'

/** The A2A error each bridge error code becomes, unless the thrower named one (`wireCode`). */
const BY_CODE: Record<ErrorCode, JSONRPCErrorName> = {
  not_found: 'TaskNotFoundError',
  invalid_request: 'InvalidParamsError',
  conflict: 'UnsupportedOperationError',
  not_cancelable: 'TaskNotCancelableError',
  unsupported: 'UnsupportedOperationError',
  content_type: 'ContentTypeNotSupportedError',
  version: 'VersionNotSupportedError',
  unauthenticated: 'InvalidRequestError',
  too_far_behind: 'UnsupportedOperationError',
  upstream_failed: 'InternalError',
  upstream_timeout: 'InternalError',
  rate_limited: 'InternalError',
  internal: 'InternalError',
}

/** ErrorInfo reasons (v1), HTTP statuses and gRPC codes, per the A2A v1.0 error table (§5.4). */
const REST: Record<JSONRPCErrorName, { status: number; reason: string; grpc: string }> = {
  TaskNotFoundError: { status: 404, reason: 'TASK_NOT_FOUND', grpc: 'NOT_FOUND' },
  TaskNotCancelableError: { status: 409, reason: 'TASK_NOT_CANCELABLE', grpc: 'FAILED_PRECONDITION' },
  PushNotificationNotSupportedError: {
    status: 400,
    reason: 'PUSH_NOTIFICATION_NOT_SUPPORTED',
    grpc: 'UNIMPLEMENTED',
  },
  UnsupportedOperationError: { status: 400, reason: 'UNSUPPORTED_OPERATION', grpc: 'UNIMPLEMENTED' },
  ContentTypeNotSupportedError: { status: 415, reason: 'CONTENT_TYPE_NOT_SUPPORTED', grpc: 'INVALID_ARGUMENT' },
  InvalidAgentResponseError: { status: 502, reason: 'INVALID_AGENT_RESPONSE', grpc: 'INTERNAL' },
  ExtendedAgentCardNotConfiguredError: {
    status: 400,
    reason: 'EXTENDED_AGENT_CARD_NOT_CONFIGURED',
    grpc: 'FAILED_PRECONDITION',
  },
  ExtensionSupportRequiredError: { status: 400, reason: 'EXTENSION_SUPPORT_REQUIRED', grpc: 'FAILED_PRECONDITION' },
  VersionNotSupportedError: { status: 400, reason: 'VERSION_NOT_SUPPORTED', grpc: 'UNIMPLEMENTED' },
  JSONParseError: { status: 400, reason: 'INVALID_PARAMS', grpc: 'INVALID_ARGUMENT' },
  InvalidRequestError: { status: 400, reason: 'INVALID_PARAMS', grpc: 'INVALID_ARGUMENT' },
  MethodNotFoundError: { status: 404, reason: 'UNSUPPORTED_OPERATION', grpc: 'UNIMPLEMENTED' },
  InvalidParamsError: { status: 400, reason: 'INVALID_PARAMS', grpc: 'INVALID_ARGUMENT' },
  InternalError: { status: 500, reason: 'INTERNAL', grpc: 'INTERNAL' },
}

export const a2aError = (name: JSONRPCErrorName, message: string, taskId?: string): BridgeError => {
  const code: ErrorCode =
    name === 'TaskNotFoundError'
      ? 'not_found'
      : name === 'TaskNotCancelableError'
        ? 'not_cancelable'
        : name === 'InternalError'
          ? 'internal'
          : name === 'VersionNotSupportedError'
            ? 'version'
            : 'invalid_request'
  return new BridgeErrorClass(code, message, { wireCode: name, ...(taskId ? { param: taskId } : {}) })
}

export const errorName = (e: BridgeError): JSONRPCErrorName =>
  e.wireCode && e.wireCode in JSONRPC_ERROR_CODES ? (e.wireCode as JSONRPCErrorName) : BY_CODE[e.code]

const errorInfo = (name: JSONRPCErrorName, e: BridgeError): ErrorInfo => ({
  '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
  reason: REST[name].reason,
  domain: 'a2a-protocol.org',
  ...(e.param ? { metadata: { taskId: e.param } } : {}),
})

/** The JSON-RPC error object: v1 carries `data` as an array of ErrorInfo, v0.3 a free-form object. */
export function jsonRpcError(e: BridgeError, version: A2AVersion): JSONRPCError {
  const name = errorName(e)
  const data = version === '1.0' ? [errorInfo(name, e)] : e.param ? { taskId: e.param } : undefined
  return { code: JSONRPC_ERROR_CODES[name], message: e.message, ...(data ? { data } : {}) }
}

/** Codes whose HTTP status says more than the A2A error they become (an upstream's 502 or 504, a 401, a 429). */
const OWN_STATUS = new Set<ErrorCode>(['unauthenticated', 'rate_limited', 'upstream_failed', 'upstream_timeout'])

export function restErrorBody(e: BridgeError): { status: number; body: A2AErrorResponse } {
  const name = errorName(e)
  const status = e.fixedStatus || OWN_STATUS.has(e.code) ? e.status : REST[name].status
  return {
    status,
    body: { error: { code: status, status: REST[name].grpc, message: e.message, details: [errorInfo(name, e)] } },
  }
}

export const restErrorResponse = (e: BridgeError): Response => {
  const { status, body } = restErrorBody(e)
  return Response.json(body, { status, headers: { 'content-type': REST_CONTENT_TYPE } })
}
