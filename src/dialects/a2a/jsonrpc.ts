// The JSON-RPC binding: one POST URL per agent; v1 and v0.3 method names; SSE for streaming methods.
import type { BridgeError } from '../../core/index.js'
import { toBridgeError } from '../../core/index.js'
import { isJsonType, parseRequestJson } from '../../bridge/http.js'
import type { A2AVersion } from './errors.js'
import { eventText } from './encode.js'
import { a2aError, jsonRpcError } from './errors.js'
import type { OperationContext, Streamed } from './operations.js'
import { isStreamed, V03_OPERATIONS, V1_OPERATIONS } from './operations.js'
import { a2aStream, linkedController } from './sse.js'
import { requestedVersion } from './version.js'

type Id = string | number | null

const reply = (id: Id, body: { result: unknown } | { error: unknown }, status = 200) =>
  Response.json({ jsonrpc: '2.0', id, ...body }, { status })

/** What HTTP itself is for, rather than JSON-RPC: a missing key, a body, URL or headers too large. */
const HTTP_LEVEL = new Set([401, 413, 414, 431])

/** JSON-RPC errors travel in a 200, except the HTTP-level ones, which keep their status. */
export const jsonRpcErrorResponse = (e: BridgeError, id: Id, version: A2AVersion): Response =>
  reply(id, { error: jsonRpcError(e, version) }, HTTP_LEVEL.has(e.status) ? e.status : 200)

/** A stream whose first read fails with `error` (sent as its one `error` event). */
const failedStream = (error: unknown): Streamed => ({
  stream: { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(error) }) },
})

const validId = (id: unknown): id is Id =>
  id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id))

/** Handles one JSON-RPC request. The method name picks the shapes (v1 PascalCase, v0.3 slash-separated). */
export async function handleJsonRpc(
  request: Request,
  base: Omit<OperationContext, 'version' | 'signal'> | BridgeError,
  keepAliveMs?: number,
): Promise<Response> {
  // Aborted when the client goes away: by the request's own signal, or when it cancels the event stream.
  const controller = linkedController(request.signal)
  let id: Id = null
  let version: A2AVersion = '1.0'
  // An unknown agent has no operation context; its errors are its own.
  const report = (e: unknown) => (base instanceof Error ? toBridgeError(e) : base.report(e))
  try {
    // A missing type is refused too: a web page can POST a typeless Blob anywhere without a preflight.
    const type = request.headers.get('content-type')
    if (!isJsonType(type)) {
      throw a2aError(
        'ContentTypeNotSupportedError',
        `Content-Type ${type ?? '(none)'} is not supported; JSON-RPC requests are application/json.`,
      )
    }
    // The body limit's 413 passes as it is; anything else unreadable is a parse error.
    const text = await request.text()
    let body: unknown
    try {
      body = parseRequestJson(text)
    } catch (e) {
      throw (e as BridgeError).wireCode === 'json_too_large'
        ? a2aError('InvalidRequestError', (e as Error).message)
        : a2aError('JSONParseError', 'Invalid JSON payload.')
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw a2aError('InvalidRequestError', 'A JSON-RPC request must be a JSON object.')
    const call = body as { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown }
    if (validId(call.id)) id = call.id
    // Only now, with the id known, can errors be answered to the right request.
    const header = requestedVersion(request)
    if (base instanceof Error) throw base
    if (call.jsonrpc !== '2.0' || typeof call.method !== 'string' || (call.id !== undefined && !validId(call.id))) {
      throw a2aError(
        'InvalidRequestError',
        'Not a JSON-RPC 2.0 request: it needs jsonrpc "2.0", a method name and a string or number id.',
      )
    }
    // Only the tables' own keys are methods (`constructor`, `__proto__` and `toString` are not).
    const v03 = Object.hasOwn(V03_OPERATIONS, call.method) ? V03_OPERATIONS[call.method] : undefined
    const v1 = Object.hasOwn(V1_OPERATIONS, call.method) ? V1_OPERATIONS[call.method] : undefined
    version = v03 ? '0.3' : '1.0'
    const operation = v03 ?? v1
    if (!operation) throw a2aError('MethodNotFoundError', `Method not found: ${call.method}.`)
    if (v1 && header === '0.3')
      throw a2aError(
        'VersionNotSupportedError',
        `${call.method} is a v1.0 method; send A2A-Version: 1.0 (v0.3 uses ${'message/send'}-style names).`,
      )
    const result = await operation.run({ ...base, version, signal: controller.signal }, call.params).catch((e) => {
      if (operation.errorsInStream) return failedStream(e)
      throw e
    })
    if (!isStreamed(result)) return reply(id, { result })
    const requestId = id
    const v = version
    return a2aStream(
      result.stream,
      controller,
      (r) => `{"jsonrpc":"2.0","id":${JSON.stringify(requestId)},"result":${eventText(r)}}`,
      (e) => JSON.stringify({ jsonrpc: '2.0', id: requestId, error: jsonRpcError(report(e), v) }),
      keepAliveMs,
    )
  } catch (e) {
    return jsonRpcErrorResponse(report(e), id, version)
  }
}
