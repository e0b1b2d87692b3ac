// Every A2A operation once, in both versions' wire shapes, shared by the JSON-RPC and HTTP+JSON bindings.
import type { z } from 'zod'
import type { BridgeError } from '../../core/index.js'
import { parseWith } from '../../core/index.js'
import { mapThrough } from '../../stream/index.js'
import { fromV03PushConfig, fromV03SendParams, toV03Event, toV03Message, toV03PushConfig, toV03Task } from './compat.js'
import type { A2AVersion } from './errors.js'
import { a2aError } from './errors.js'
import { jsonNames } from './protojson.js'
import type { Defer } from '../../bridge/face.js'
import type { PushService } from './push.js'
import type { TaskService } from './tasks.js'
import * as wire from './wire.js'
import type { AgentCard, StreamResponse, TaskPushNotificationConfig } from './wire.js'

export interface OperationContext {
  agentId: string
  version: A2AVersion
  signal: AbortSignal
  card: () => Promise<AgentCard>
  /** The face requires API keys, so an extended card can be served to authenticated clients. */
  extendedCard: boolean
  tasks: TaskService
  push: PushService
  /** Keeps push deliveries going after the response (see BridgeEnv). */
  defer: Defer
  /** Any error as the client's BridgeError (an internal one logged with the request's id). */
  report(error: unknown): BridgeError
}

/** A streaming result: batches of wire events. */
export interface Streamed {
  stream: AsyncIterable<unknown[]>
}

/** An operation: validates its params (InvalidParams naming the field), then runs. */
export interface Operation {
  run(ctx: OperationContext, params: unknown): Promise<unknown>
  /**
   * Its errors too come as an event stream, not a JSON body. Only v0.3 `tasks/resubscribe`: the v0.3 kit expects
   * it, and the official SDK's server does it for that method alone (its clients read either).
   */
  errorsInStream?: true
}

export const isStreamed = (v: unknown): v is Streamed => typeof v === 'object' && v !== null && 'stream' in v

const op = <P>(schema: z.ZodType<P>, call: (ctx: OperationContext, params: P) => Promise<unknown>): Operation => ({
  // v1 params are ProtoJSON, where `task_id` means `taskId`; v0.3 params are plain JSON, read as named.
  run: (ctx, params) => call(ctx, parseParams(schema, ctx.version === '1.0' ? jsonNames(params) : params)),
})

const streamed = (source: AsyncIterable<StreamResponse[]>, shape: (e: StreamResponse) => unknown): Streamed => ({
  stream: shape === v1 ? source : mapThrough(() => source, { map: (batch) => batch.map(shape) }),
})

const v1 = (e: StreamResponse) => e
/** A stored config as the client sees it: the wire fields, without what the bridge keeps for itself. */
const configOut = ({
  tenant,
  id,
  taskId,
  url,
  token,
  authentication,
}: TaskPushNotificationConfig): TaskPushNotificationConfig => ({
  ...(tenant ? { tenant } : {}),
  ...(id ? { id } : {}),
  ...(taskId ? { taskId } : {}),
  url,
  ...(token ? { token } : {}),
  ...(authentication ? { authentication } : {}),
})

/** v1 operations, by JSON-RPC method name (the HTTP+JSON routes call the same ones). */
export const V1_OPERATIONS: Record<string, Operation> = {
  SendMessage: op(wire.SendMessageRequest, async (ctx, req) => {
    const { record, afterSeq } = await ctx.tasks.send(ctx.agentId, req)
    const historyLength = req.configuration?.historyLength
    await registerInlinePush(ctx, record.runId, req.configuration?.taskPushNotificationConfig)
    if (req.configuration?.returnImmediately)
      return { task: await ctx.tasks.getTask(ctx.agentId, record.runId, historyLength) }
    const task = await ctx.tasks.settle(record, afterSeq, historyLength, ctx.signal)
    // An agent that answered with a Message (no task) is answered for as it answered.
    const reply = req.message.taskId ? undefined : await ctx.tasks.directReply(record)
    return reply ? { message: reply } : { task }
  }),
  SendStreamingMessage: op(wire.SendMessageRequest, async (ctx, req) => {
    const { record, afterSeq } = await ctx.tasks.send(ctx.agentId, req)
    await registerInlinePush(ctx, record.runId, req.configuration?.taskPushNotificationConfig)
    return streamed(ctx.tasks.stream(record, afterSeq, ctx.signal), v1)
  }),
  GetTask: op(wire.GetTaskRequest, (ctx, req) => ctx.tasks.getTask(ctx.agentId, req.id, req.historyLength)),
  ListTasks: op(wire.ListTasksRequest, (ctx, req) => ctx.tasks.list(ctx.agentId, req)),
  CancelTask: op(wire.CancelTaskRequest, (ctx, req) => ctx.tasks.cancel(ctx.agentId, req.id)),
  SubscribeToTask: op(wire.SubscribeToTaskRequest, async (ctx, req) => {
    const { record, afterSeq } = await ctx.tasks.subscribe(ctx.agentId, req.id)
    return streamed(ctx.tasks.stream(record, afterSeq, ctx.signal), v1)
  }),
  CreateTaskPushNotificationConfig: op(wire.TaskPushNotificationConfig, async (ctx, req) => {
    if (!req.taskId) throw a2aError('InvalidParamsError', 'taskId is required.')
    return configOut(await ctx.push.create(ctx.agentId, req.taskId, req, '1.0', ctx.defer))
  }),
  GetTaskPushNotificationConfig: op(wire.GetTaskPushNotificationConfigRequest, async (ctx, req) =>
    configOut(await ctx.push.get(ctx.agentId, req.taskId, req.id)),
  ),
  ListTaskPushNotificationConfigs: op(wire.ListTaskPushNotificationConfigsRequest, async (ctx, req) => ({
    configs: (await ctx.push.list(ctx.agentId, req.taskId)).map(configOut),
    nextPageToken: '',
  })),
  DeleteTaskPushNotificationConfig: op(wire.DeleteTaskPushNotificationConfigRequest, async (ctx, req) => {
    await ctx.push.delete(ctx.agentId, req.taskId, req.id)
    return null
  }),
  GetExtendedAgentCard: op(wire.GetExtendedAgentCardRequest, async (ctx) => extendedCard(ctx)),
}

/** v0.3 operations, by their v0.3 JSON-RPC method names; results in v0.3 shapes. */
export const V03_OPERATIONS: Record<string, Operation> = {
  'message/send': op(wire.V03MessageSendParams, async (ctx, params) => {
    const req = fromV03SendParams(params)
    const { record, afterSeq } = await ctx.tasks.send(ctx.agentId, req)
    const config = params.configuration?.pushNotificationConfig
    if (config)
      await ctx.push.create(ctx.agentId, record.runId, fromV03PushConfig(config, record.runId), '0.3', ctx.defer)
    const historyLength = req.configuration?.historyLength
    if (req.configuration?.returnImmediately) {
      return toV03Task(await ctx.tasks.getTask(ctx.agentId, record.runId, historyLength))
    }
    const task = await ctx.tasks.settle(record, afterSeq, historyLength, ctx.signal)
    const reply = req.message.taskId ? undefined : await ctx.tasks.directReply(record)
    return reply ? toV03Message(reply) : toV03Task(task)
  }),
  'message/stream': op(wire.V03MessageSendParams, async (ctx, params) => {
    const { record, afterSeq } = await ctx.tasks.send(ctx.agentId, fromV03SendParams(params))
    return streamed(ctx.tasks.stream(record, afterSeq, ctx.signal), toV03Event)
  }),
  'tasks/get': op(wire.V03TaskQueryParams, async (ctx, req) =>
    toV03Task(await ctx.tasks.getTask(ctx.agentId, req.id, req.historyLength)),
  ),
  'tasks/cancel': op(wire.V03TaskIdParams, async (ctx, req) => toV03Task(await ctx.tasks.cancel(ctx.agentId, req.id))),
  'tasks/resubscribe': {
    ...op(wire.V03TaskIdParams, async (ctx, req) => {
      const { record, afterSeq } = await ctx.tasks.subscribe(ctx.agentId, req.id)
      return streamed(ctx.tasks.stream(record, afterSeq, ctx.signal), toV03Event)
    }),
    errorsInStream: true,
  },
  'tasks/pushNotificationConfig/set': op(wire.V03TaskPushNotificationConfig, async (ctx, req) => {
    const stored = await ctx.push.create(
      ctx.agentId,
      req.taskId,
      // A config set without an id is the task's `default` one, as v0.3 clients fetch it.
      { id: 'default', ...fromV03PushConfig(req.pushNotificationConfig, req.taskId) },
      '0.3',
      ctx.defer,
    )
    return { taskId: req.taskId, pushNotificationConfig: toV03PushConfig(stored) }
  }),
  'tasks/pushNotificationConfig/get': op(wire.V03GetTaskPushNotificationConfigParams, async (ctx, req) => {
    const configs = await ctx.push.list(ctx.agentId, req.id)
    const config = req.pushNotificationConfigId
      ? await ctx.push.get(ctx.agentId, req.id, req.pushNotificationConfigId)
      : configs[0]
    if (!config) throw a2aError('TaskNotFoundError', `Task ${req.id} has no push notification config.`, req.id)
    return { taskId: req.id, pushNotificationConfig: toV03PushConfig(config) }
  }),
  'tasks/pushNotificationConfig/list': op(wire.V03ListTaskPushNotificationConfigParams, async (ctx, req) =>
    (await ctx.push.list(ctx.agentId, req.id)).map((c) => ({
      taskId: req.id,
      pushNotificationConfig: toV03PushConfig(c),
    })),
  ),
  'tasks/pushNotificationConfig/delete': op(wire.V03DeleteTaskPushNotificationConfigParams, async (ctx, req) => {
    await ctx.push.delete(ctx.agentId, req.id, req.pushNotificationConfigId)
    return null
  }),
  'agent/getAuthenticatedExtendedCard': op(wire.GetExtendedAgentCardRequest, async (ctx) => extendedCard(ctx)),
}

async function registerInlinePush(
  ctx: OperationContext,
  taskId: string,
  config: TaskPushNotificationConfig | undefined,
) {
  if (config) await ctx.push.create(ctx.agentId, taskId, { ...config, taskId }, '1.0', ctx.defer)
}

async function extendedCard(ctx: OperationContext): Promise<AgentCard> {
  if (!ctx.extendedCard)
    throw a2aError(
      'UnsupportedOperationError',
      'This agent has no extended card: the bridge is not configured with API keys.',
    )
  return ctx.card()
}

const parseParams = <P>(schema: z.ZodType<P>, params: unknown): P =>
  parseWith(
    schema,
    params ?? {},
    (p) => a2aError('InvalidParamsError', `Invalid params: ${p.path}: ${p.message}.`),
    'params',
  )
