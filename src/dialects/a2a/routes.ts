// The A2A face: every configured agent at `/a2a/{agent}`, with its card, JSON-RPC (v1 and v0.3) and HTTP+JSON (v1).
import { Hono } from 'hono'
import type { Context } from 'hono'
import type { BridgeEnv, BridgeRuntime, Face } from '../../bridge/face.js'
import { discoveryCaching } from '../../bridge/caching.js'
import { publicOrigin } from '../../bridge/face.js'
import type { BridgeError } from '../../core/index.js'
import { agentCard } from './card.js'
import { a2aError, restErrorResponse } from './errors.js'
import { handleJsonRpc, jsonRpcErrorResponse } from './jsonrpc.js'
import type { OperationContext } from './operations.js'
import { PushService } from './push.js'
import { handleRest } from './rest.js'
import { TaskService } from './tasks.js'
import { requestedVersion } from './version.js'

export interface A2AFaceOptions {
  /**
   * Idle milliseconds before a `: keep-alive` comment block (0: none; default 15000). @a2a-js/sdk and a2a-python skip
   * it, since this face writes no `id:` lines (see KEEP_ALIVE_COMMENT).
   */
  keepAliveMs?: number
}

/** The version a card is built for; discovery never fails, so a version we do not speak gets the full card. */
const cardVersion = (request: Request) => {
  try {
    return requestedVersion(request)
  } catch {
    return undefined
  }
}

export function a2aFace(runtime: BridgeRuntime, options: A2AFaceOptions = {}): Face {
  // Push delivery loops, one per task, shared by every request's PushService.
  const deliveries = new Map<string, Promise<void>>()
  const infoOf = (agentId: string) => runtime.agents.info(agentId)

  const cardFor = async (agentId: string, request: Request) =>
    agentCard(await infoOf(agentId), {
      url: `${publicOrigin(runtime, request)}/a2a/${encodeURIComponent(agentId)}`,
      apiKeyRequired: runtime.apiKeyRequired,
      version: cardVersion(request),
    })
  /** The public card: it varies with the version asked for, and is cached by content (A2A §8.6). */
  const serveCard = async (c: Context<BridgeEnv>, agentId: string) => {
    c.set('agent', agentId)
    return c.json(await cardFor(agentId, c.req.raw), 200, { 'cache-control': 'max-age=300', vary: 'A2A-Version' })
  }

  const agentOf = (id: string): string => {
    if (!runtime.agents.get(id))
      throw a2aError('TaskNotFoundError', `No agent '${id}' here; agents: ${runtime.agents.ids().join(', ')}.`)
    return id
  }

  const context = (agentId: string, c: Context<BridgeEnv>): Omit<OperationContext, 'version' | 'signal'> => {
    // The request's principal's tasks only.
    const forRequest = runtime.forRequest(c)
    const tasks = new TaskService(forRequest)
    const push = new PushService(forRequest, tasks, deliveries)
    return {
      agentId,
      defer: c.get('defer'),
      card: () => cardFor(agentId, c.req.raw),
      extendedCard: runtime.apiKeyRequired,
      report: runtime.reporter(c),
      tasks,
      push,
    }
  }

  const app = new Hono<BridgeEnv>()
  app.onError((err, c) => restErrorResponse(runtime.report(err, c)))

  const jsonRpc = async (c: Context<BridgeEnv>) => {
    const agentId = c.req.param('agent') ?? ''
    // An unknown agent is still answered as JSON-RPC, to the request's own id.
    if (!runtime.agents.get(agentId))
      return handleJsonRpc(
        c.req.raw,
        a2aError('MethodNotFoundError', `No agent '${agentId}' here; agents: ${runtime.agents.ids().join(', ')}.`),
      )
    c.set('agent', agentId)
    return handleJsonRpc(c.req.raw, context(agentId, c), options.keepAliveMs)
  }
  app.post('/:agent', jsonRpc)
  app.post('/:agent/', jsonRpc)

  app.all('/:agent/*', async (c) => {
    const agentId = agentOf(c.req.param('agent'))
    c.set('agent', agentId)
    const rest = c.req.path.slice(`/a2a/${c.req.param('agent')}`.length)
    const response = await handleRest(c.req.raw, rest, context(agentId, c), options.keepAliveMs)
    const hint =
      rest === '' || rest === '/'
        ? ' JSON-RPC requests are POSTed to the agent URL; the card is at /.well-known/agent-card.json.'
        : ''
    return (
      response ??
      restErrorResponse(
        a2aError('MethodNotFoundError', `No A2A route ${c.req.method} ${rest || '/'} for agent '${agentId}'.${hint}`),
      )
    )
  })

  // The agent cards are discovery documents: public even when the face needs a key.
  const cards = new Hono<BridgeEnv>()
  cards.onError((err, c) => restErrorResponse(runtime.report(err, c)))
  const caching = discoveryCaching()
  cards.get('/:agent/.well-known/agent-card.json', caching, (c) => serveCard(c, agentOf(c.req.param('agent'))))
  const root = new Hono<BridgeEnv>()
  root.onError((err, c) => restErrorResponse(runtime.report(err, c)))
  root.get('/.well-known/agent-card.json', caching, (c) => serveCard(c, runtime.agents.default.id))

  return {
    name: 'a2a',
    basePath: '/a2a',
    routes: app,
    publicRoutes: cards,
    rootRoutes: root,
    errorResponse: (error: BridgeError, request?: Request) => {
      // A POST to the agent's URL itself is JSON-RPC; anything else under /a2a is HTTP+JSON.
      const isJsonRpc = request?.method === 'POST' && /^\/a2a\/[^/]+\/?$/.test(new URL(request.url).pathname)
      return isJsonRpc ? jsonRpcErrorResponse(error, null, '1.0') : restErrorResponse(error)
    },
    endpoints: [
      'GET    /a2a/{agent}/.well-known/agent-card.json   the agent card (and /.well-known/agent-card.json for the default agent)',
      'POST   /a2a/{agent}                               JSON-RPC: v1.0 methods (SendMessage, …) and v0.3 (message/send, …)',
      'POST   /a2a/{agent}/message:send                  HTTP+JSON v1.0 (also message:stream)',
      'GET    /a2a/{agent}/tasks/{id}                    get a task (also GET /tasks, POST /tasks/{id}:cancel, GET|POST /tasks/{id}:subscribe)',
      'POST   /a2a/{agent}/tasks/{id}/pushNotificationConfigs   push notification configs (GET, DELETE …/{configId})',
      'GET    /a2a/{agent}/extendedAgentCard             the extended card (when API keys are configured)',
    ],
  }
}
