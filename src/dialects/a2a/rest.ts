// The HTTP+JSON binding (v1): the routes under an agent's interface URL, each calling the same operation as its
// JSON-RPC method. Paths carry literal colons (`/message:send`, `/tasks/{id}:cancel`), so they are matched here.
import { isJsonType, parseRequestJson } from '../../bridge/http.js'
import { BridgeError } from '../../core/index.js'
import { eventText } from './encode.js'
import { a2aError, restErrorBody, restErrorResponse } from './errors.js'
import type { OperationContext } from './operations.js'
import { isStreamed, V1_OPERATIONS } from './operations.js'
import { a2aStream, linkedController } from './sse.js'
import { requestedVersion } from './version.js'
import { REST_CONTENT_TYPE } from './wire.js'

interface Matched {
  method: string
  /** Which operation, and how to build its params from path, query and body. */
  operation: keyof typeof V1_OPERATIONS
  params: (path: string[], query: URLSearchParams, body: unknown) => unknown
  status?: number
}

const id = '([^/:]+)'
const bodyWith = (extra: Record<string, unknown>) => (body: unknown) => ({
  ...(typeof body === 'object' && body ? body : {}),
  ...extra,
})
const int = (q: URLSearchParams, name: string) => {
  const raw = q.get(name)
  if (raw === null || raw === '') return undefined
  const n = Number(raw)
  if (!Number.isInteger(n)) throw a2aError('InvalidParamsError', `${name} must be an integer, not '${raw}'.`)
  return n
}
const bool = (q: URLSearchParams, name: string) => (q.has(name) ? q.get(name) === 'true' : undefined)
const str = (q: URLSearchParams, name: string) => q.get(name) || undefined

/** Method, path pattern → operation: the v1 HTTP+JSON route table. */
const ROUTES: [string, RegExp, Omit<Matched, 'method'>][] = [
  ['POST', /^\/message:send$/, { operation: 'SendMessage', params: (_p, _q, body) => body }],
  ['POST', /^\/message:stream$/, { operation: 'SendStreamingMessage', params: (_p, _q, body) => body }],
  [
    'GET',
    /^\/tasks$/,
    {
      operation: 'ListTasks',
      params: (_p, q) => ({
        contextId: str(q, 'contextId'),
        status: str(q, 'status'),
        pageSize: int(q, 'pageSize'),
        pageToken: str(q, 'pageToken'),
        historyLength: int(q, 'historyLength'),
        statusTimestampAfter: str(q, 'statusTimestampAfter'),
        includeArtifacts: bool(q, 'includeArtifacts'),
      }),
    },
  ],
  [
    'GET',
    new RegExp(`^/tasks/${id}$`),
    { operation: 'GetTask', params: ([task], q) => ({ id: task, historyLength: int(q, 'historyLength') }) },
  ],
  [
    'POST',
    new RegExp(`^/tasks/${id}:cancel$`),
    { operation: 'CancelTask', params: ([task], _q, body) => bodyWith({ id: task })(body) },
  ],
  ['GET', new RegExp(`^/tasks/${id}:subscribe$`), { operation: 'SubscribeToTask', params: ([task]) => ({ id: task }) }],
  [
    'POST',
    new RegExp(`^/tasks/${id}:subscribe$`),
    { operation: 'SubscribeToTask', params: ([task]) => ({ id: task }) },
  ],
  [
    'POST',
    new RegExp(`^/tasks/${id}/pushNotificationConfigs$`),
    {
      operation: 'CreateTaskPushNotificationConfig',
      params: ([task], _q, body) => bodyWith({ taskId: task })(body),
      status: 201,
    },
  ],
  [
    'GET',
    new RegExp(`^/tasks/${id}/pushNotificationConfigs$`),
    { operation: 'ListTaskPushNotificationConfigs', params: ([task]) => ({ taskId: task }) },
  ],
  [
    'GET',
    new RegExp(`^/tasks/${id}/pushNotificationConfigs/${id}$`),
    { operation: 'GetTaskPushNotificationConfig', params: ([task, config]) => ({ taskId: task, id: config }) },
  ],
  [
    'DELETE',
    new RegExp(`^/tasks/${id}/pushNotificationConfigs/${id}$`),
    {
      operation: 'DeleteTaskPushNotificationConfig',
      params: ([task, config]) => ({ taskId: task, id: config }),
      status: 204,
    },
  ],
  ['GET', /^\/extendedAgentCard$/, { operation: 'GetExtendedAgentCard', params: () => ({}) }],
]

const json = (value: unknown, status = 200) =>
  new Response(status === 204 ? null : JSON.stringify(value), {
    status,
    headers: status === 204 ? {} : { 'content-type': REST_CONTENT_TYPE },
  })

/** Handles one HTTP+JSON request for `rest` (the path below the agent's URL); undefined when no route matches. */
export async function handleRest(
  request: Request,
  rest: string,
  base: Omit<OperationContext, 'version' | 'signal'>,
  keepAliveMs?: number,
): Promise<Response | undefined> {
  let match: { route: Omit<Matched, 'method'>; path: string[] } | undefined
  const allowed: string[] = []
  for (const [method, pattern, route] of ROUTES) {
    const m = pattern.exec(rest)
    if (!m) continue
    allowed.push(method)
    if (method === request.method) {
      match = { route, path: m.slice(1).map(decodePathPart) }
      break
    }
  }
  if (!match) {
    if (!allowed.length) return undefined
    const error = new BridgeError(
      'unsupported',
      `${request.method} is not allowed on ${rest}; use ${allowed.join(' or ')}.`,
      { status: 405, wireCode: 'UnsupportedOperationError' },
    )
    const { status, body } = restErrorBody(error)
    return new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': REST_CONTENT_TYPE, allow: allowed.join(', ') },
    })
  }
  const controller = linkedController(request.signal)
  try {
    const version = requestedVersion(request)
    if (version === '0.3')
      throw a2aError(
        'VersionNotSupportedError',
        'A2A v0.3 is served over JSON-RPC here; send A2A-Version: 1.0 for HTTP+JSON.',
      )
    const body = await readBody(request)
    const params = match.route.params(match.path, new URL(request.url).searchParams, body)
    const result = await V1_OPERATIONS[match.route.operation]?.run(
      { ...base, version: '1.0', signal: controller.signal },
      params,
    )
    if (isStreamed(result)) {
      return a2aStream(
        result.stream,
        controller,
        eventText,
        (e) => JSON.stringify(restErrorBody(base.report(e)).body),
        keepAliveMs,
      )
    }
    return json(result, match.route.status)
  } catch (e) {
    return restErrorResponse(base.report(e))
  }
}

/** A path segment as sent; bad percent-encoding is the client's error, not the bridge's. */
function decodePathPart(part: string): string {
  try {
    return decodeURIComponent(part)
  } catch {
    throw a2aError('InvalidRequestError', `The path segment '${part}' is not valid percent-encoding.`)
  }
}

async function readBody(request: Request): Promise<unknown> {
  if (request.method === 'GET' || request.method === 'DELETE') return undefined
  const text = await request.text()
  if (!text.trim()) return undefined
  // A body without a type is refused: a web page can POST a typeless Blob anywhere without a preflight.
  const type = request.headers.get('content-type')
  if (!isJsonType(type))
    throw a2aError(
      'ContentTypeNotSupportedError',
      `Content-Type ${type ?? '(none)'} is not supported; send application/a2a+json or application/json.`,
    )
  try {
    return parseRequestJson(text)
  } catch (e) {
    throw a2aError('InvalidParamsError', (e as Error).message)
  }
}
