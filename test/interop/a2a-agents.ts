// Third-party A2A upstreams for the interop suite: each an AgentExecutor of our own, served by @a2a-js/sdk's own
// request handler, task store and express JSON-RPC app (v1.0) on 127.0.0.1, port 0. Each agent does one thing a real
// A2A agent does and a bridge must cope with: answer with a bare Message, answer in the COMPLETED status message,
// refuse a streamed follow-up, not stream at all, pause for input, or chatter in WORKING status messages.
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Role, TaskState } from '@a2a-js/sdk'
import type { AgentCard, GetTaskRequest, Message, Part, SendMessageRequest, StreamResponse, Task } from '@a2a-js/sdk'
import { UnsupportedOperationError } from '@a2a-js/sdk/errors'
import type { AgentExecutor, ExecutionEventBus, RequestContext, ServerCallContext } from '@a2a-js/sdk/server'
import { AgentEvent, DefaultRequestHandler, InMemoryTaskStore } from '@a2a-js/sdk/server'
import { agentCardHandler, jsonRpcHandler, UserBuilder } from '@a2a-js/sdk/server/express'
import express from 'express'
import { sdkAgentCard, submittedTask } from '../helpers/sdk-agent.js'

/** What each agent says, written out once so the tests compare against the same hand-written words. */
export const SAYS = {
  direct: 'Direct answer from the SDK agent.',
  statusAnswer: 'Answer in the final status message.',
  colorQuestion: 'Which color do you want?',
  /** The refusing agent's answer to a follow-up: it quotes the follow-up's text. */
  picked: (text: string) => `You picked: ${text}.`,
  blocking: 'Answer without streaming.',
  tripQuestion: 'Where would you like to go?',
  booked: (text: string) => `Booking a trip to ${text}.`,
  chatter: 'working…',
  realAnswer: 'The real answer.',
} as const

export type SdkAgentKind =
  /** 1: answers with a Message, keeping no task at all. */
  | 'message'
  /** 2: completes with the answer in the COMPLETED status message, no artifact. */
  | 'status-answer'
  /** 3: asks a question (INPUT_REQUIRED); a streamed follow-up on that task is refused (-32004), a blocking one answered. */
  | 'refuses-streamed-follow-up'
  /** 4: its card says `streaming: false` (the SDK then refuses every streamed call); answers in an artifact. */
  | 'no-streaming'
  /** 5: asks a question (INPUT_REQUIRED), streaming allowed; the follow-up's text is used in the answer. */
  | 'asks'
  /** 6: a WORKING status whose message says "working…", then the answer artifact "The real answer.". */
  | 'chatter'

/** One request the agent's request handler took, as the SDK read it. */
export interface SdkCall {
  method: 'SendMessage' | 'SendStreamingMessage' | 'GetTask'
  /** The message's taskId (a follow-up), or the task asked for; '' for a new task. */
  taskId: string
  returnImmediately?: boolean
  /** Set when the agent refused the call. */
  refused?: boolean
}

/** One turn the executor ran. */
export interface SdkTurn {
  taskId: string
  contextId: string
  text: string
  /** The turn continued a task that existed already (a follow-up). */
  resumed: boolean
}

export interface SdkUpstream {
  kind: SdkAgentKind
  /** The base URL the agent card sits under. */
  url: string
  calls: SdkCall[]
  turns: SdkTurn[]
  close(): Promise<void>
}

const now = () => new Date().toISOString()
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const textPart = (value: string): Part => ({
  content: { $case: 'text', value },
  filename: '',
  mediaType: '',
  metadata: undefined,
})
const textOf = (message: Message) =>
  message.parts.map((p) => (p.content?.$case === 'text' ? p.content.value : '')).join('')

function agentMessage(text: string, taskId: string, contextId: string): Message {
  return {
    messageId: crypto.randomUUID(),
    contextId,
    taskId,
    role: Role.ROLE_AGENT,
    parts: [textPart(text)],
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  }
}

/** The executor: one script per kind, built from the few moves a task-keeping A2A agent makes. */
class ScriptedExecutor implements AgentExecutor {
  readonly turns: SdkTurn[] = []
  constructor(private readonly kind: SdkAgentKind) {}

  async execute(ctx: RequestContext, bus: ExecutionEventBus): Promise<void> {
    const { taskId, contextId, userMessage, task } = ctx
    const text = textOf(userMessage)
    this.turns.push({ taskId, contextId, text, resumed: !!task })

    if (this.kind === 'message') {
      // A bare Message, no task: the SDK answers SendMessage with `{message}` and streams just that one event.
      bus.publish(AgentEvent.message(agentMessage(SAYS.direct, '', contextId)))
      return
    }

    const status = (state: TaskState, message?: string) =>
      bus.publish(
        AgentEvent.statusUpdate({
          taskId,
          contextId,
          status: {
            state,
            timestamp: now(),
            message: message === undefined ? undefined : agentMessage(message, taskId, contextId),
          },
          metadata: undefined,
        }),
      )
    const artifact = (answer: string) =>
      bus.publish(
        AgentEvent.artifactUpdate({
          taskId,
          contextId,
          artifact: {
            artifactId: crypto.randomUUID(),
            name: 'answer',
            description: '',
            parts: [textPart(answer)],
            metadata: undefined,
            extensions: [],
          },
          append: false,
          lastChunk: true,
          metadata: undefined,
        }),
      )

    bus.publish(AgentEvent.task(task ?? submittedTask(taskId, contextId, userMessage)))
    status(TaskState.TASK_STATE_WORKING)

    switch (this.kind) {
      case 'status-answer':
        status(TaskState.TASK_STATE_COMPLETED, SAYS.statusAnswer)
        return
      case 'refuses-streamed-follow-up':
      case 'asks': {
        const [question, answer] =
          this.kind === 'asks' ? [SAYS.tripQuestion, SAYS.booked] : [SAYS.colorQuestion, SAYS.picked]
        if (task?.status?.state === TaskState.TASK_STATE_INPUT_REQUIRED) {
          artifact(answer(text))
          status(TaskState.TASK_STATE_COMPLETED)
        } else status(TaskState.TASK_STATE_INPUT_REQUIRED, question)
        return
      }
      case 'no-streaming':
        // Long enough that a client which sent with returnImmediately has to poll for the end.
        await sleep(150)
        artifact(SAYS.blocking)
        status(TaskState.TASK_STATE_COMPLETED)
        return
      case 'chatter':
        status(TaskState.TASK_STATE_WORKING, SAYS.chatter)
        await sleep(20)
        artifact(SAYS.realAnswer)
        status(TaskState.TASK_STATE_COMPLETED)
        return
    }
  }

  async cancelTask(taskId: string, bus: ExecutionEventBus): Promise<void> {
    const contextId = this.turns.find((t) => t.taskId === taskId)?.contextId ?? ''
    bus.publish(
      AgentEvent.statusUpdate({
        taskId,
        contextId,
        status: { state: TaskState.TASK_STATE_CANCELED, timestamp: now(), message: undefined },
        metadata: undefined,
      }),
    )
  }
}

/** The SDK's own DefaultRequestHandler, recording each call; the refusing agent turns down streamed follow-ups. */
class RecordingHandler extends DefaultRequestHandler {
  constructor(
    private readonly card: AgentCard,
    executor: AgentExecutor,
    private readonly calls: SdkCall[],
    private readonly refuseStreamedFollowUps: boolean,
  ) {
    super(card, new InMemoryTaskStore(), executor)
  }

  override sendMessage(params: SendMessageRequest, context: ServerCallContext): Promise<Message | Task> {
    this.calls.push({
      method: 'SendMessage',
      taskId: params.message?.taskId ?? '',
      returnImmediately: params.configuration?.returnImmediately === true,
    })
    return super.sendMessage(params, context)
  }

  override async *sendMessageStream(
    params: SendMessageRequest,
    context: ServerCallContext,
  ): AsyncGenerator<StreamResponse, void, undefined> {
    const taskId = params.message?.taskId ?? ''
    const refused = (this.refuseStreamedFollowUps && taskId !== '') || !this.card.capabilities?.streaming
    this.calls.push({ method: 'SendStreamingMessage', taskId, ...(refused ? { refused } : {}) })
    // The SDK takes a streamed follow-up by itself; this agent (like some real ones) will not: -32004 before any event.
    if (this.refuseStreamedFollowUps && taskId) {
      throw new UnsupportedOperationError('This agent takes follow-ups only with SendMessage, not streamed.')
    }
    yield* super.sendMessageStream(params, context)
  }

  override getTask(params: GetTaskRequest, context: ServerCallContext): Promise<Task> {
    this.calls.push({ method: 'GetTask', taskId: params.id })
    return super.getTask(params, context)
  }
}

/** Serves one agent of the given kind over JSON-RPC v1.0; its card at `${url}/.well-known/agent-card.json`. */
export async function serveSdkAgent(kind: SdkAgentKind): Promise<SdkUpstream> {
  const app = express()
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const card = sdkAgentCard({
    name: `SDK ${kind} agent`,
    description: `An @a2a-js/sdk agent (${kind})`,
    supportedInterfaces: [
      { url: `${url}/a2a/jsonrpc`, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: '1.0' },
    ],
    streaming: kind !== 'no-streaming',
  })
  const executor = new ScriptedExecutor(kind)
  const calls: SdkCall[] = []
  const handler = new RecordingHandler(card, executor, calls, kind === 'refuses-streamed-follow-up')
  app.use('/.well-known/agent-card.json', agentCardHandler({ agentCardProvider: handler }))
  app.use('/a2a/jsonrpc', jsonRpcHandler({ requestHandler: handler, userBuilder: UserBuilder.noAuthentication }))
  return {
    kind,
    url,
    calls,
    turns: executor.turns,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
