// An A2A agent built with the official SDK (@a2a-js/sdk/server), its own request handler and an executor written
// here: the upstream a bridge talks to in the A2A client tests.
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Role, TaskState } from '@a2a-js/sdk'
import type { AgentCard, Message, Part, Task } from '@a2a-js/sdk'
import { duplicateInterfacesForLegacy } from '@a2a-js/sdk/compat/v0_3'
import type { AgentExecutor, ExecutionEventBus, RequestContext } from '@a2a-js/sdk/server'
import { AgentEvent, DefaultRequestHandler, InMemoryTaskStore } from '@a2a-js/sdk/server'
import { agentCardHandler, jsonRpcHandler, restHandler, UserBuilder } from '@a2a-js/sdk/server/express'
import express from 'express'

const now = () => new Date().toISOString()

/** The snapshot an SDK agent publishes first for a new task: SUBMITTED, with the user's message as its history. */
export const submittedTask = (taskId: string, contextId: string, userMessage: Message): Task => ({
  id: taskId,
  contextId,
  status: { state: TaskState.TASK_STATE_SUBMITTED, timestamp: now(), message: undefined },
  artifacts: [],
  history: [userMessage],
  metadata: undefined,
})
const textPart = (value: string): Part => ({
  content: { $case: 'text', value },
  filename: '',
  mediaType: '',
  metadata: undefined,
})
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Says "Hi there" in two artifact chunks; remembers a name per contextId; "ask" pauses with a question and
 * echoes the answer; "slow" streams a chunk every 20 ms until canceled.
 */
export class TestExecutor implements AgentExecutor {
  readonly canceled = new Set<string>()
  readonly names = new Map<string, string>()
  readonly contexts = new Map<string, string>()
  readonly turns: { taskId: string; contextId: string; text: string; resumed: boolean }[] = []

  async execute(ctx: RequestContext, bus: ExecutionEventBus): Promise<void> {
    const { taskId, contextId, userMessage, task } = ctx
    this.contexts.set(taskId, contextId)
    const text = userMessage.parts.map((p) => (p.content?.$case === 'text' ? p.content.value : '')).join('')
    this.turns.push({ taskId, contextId, text, resumed: !!task })
    const snapshot: Task = task ?? submittedTask(taskId, contextId, userMessage)
    bus.publish(AgentEvent.task(snapshot))
    bus.publish(
      AgentEvent.statusUpdate({
        taskId,
        contextId,
        status: { state: TaskState.TASK_STATE_WORKING, timestamp: now(), message: undefined },
        metadata: undefined,
      }),
    )
    const say = async (chunks: string[], artifactId = `answer-${this.turns.length}`) => {
      for (const [i, chunk] of chunks.entries()) {
        if (this.canceled.has(taskId)) return false
        bus.publish(
          AgentEvent.artifactUpdate({
            taskId,
            contextId,
            artifact: {
              artifactId,
              name: 'answer',
              description: '',
              parts: [textPart(chunk)],
              metadata: undefined,
              extensions: [],
            },
            append: i > 0,
            lastChunk: i === chunks.length - 1,
            metadata: undefined,
          }),
        )
        await sleep(text === 'slow' ? 20 : 1)
      }
      return true
    }
    const done = () =>
      bus.publish(
        AgentEvent.statusUpdate({
          taskId,
          contextId,
          status: { state: TaskState.TASK_STATE_COMPLETED, timestamp: now(), message: undefined },
          metadata: undefined,
        }),
      )

    if (task?.status?.state === TaskState.TASK_STATE_INPUT_REQUIRED) {
      if (await say([`You said: ${text}`])) done()
      return
    }
    const name = /my name is (\w+)/i.exec(text)?.[1]
    if (name) this.names.set(contextId, name)
    if (text === 'ask') {
      const question: Message = {
        messageId: crypto.randomUUID(),
        contextId,
        taskId,
        role: Role.ROLE_AGENT,
        parts: [textPart('Which color?')],
        metadata: undefined,
        extensions: [],
        referenceTaskIds: [],
      }
      bus.publish(
        AgentEvent.statusUpdate({
          taskId,
          contextId,
          status: { state: TaskState.TASK_STATE_INPUT_REQUIRED, timestamp: now(), message: question },
          metadata: undefined,
        }),
      )
      return
    }
    const chunks =
      text === 'slow'
        ? Array.from({ length: 500 }, (_, i) => `${i + 1} `)
        : /what is my name/i.test(text)
          ? [`Your name is ${this.names.get(contextId) ?? 'unknown'}.`]
          : name
            ? ['Noted.']
            : ['Hi', ' there']
    if (await say(chunks)) done()
  }

  async cancelTask(taskId: string, bus: ExecutionEventBus): Promise<void> {
    this.canceled.add(taskId)
    bus.publish(
      AgentEvent.statusUpdate({
        taskId,
        contextId: this.contexts.get(taskId) ?? '',
        status: { state: TaskState.TASK_STATE_CANCELED, timestamp: now(), message: undefined },
        metadata: undefined,
      }),
    )
  }
}

/**
 * The card of a test agent served by the SDK, version 1.0.0 with one "chat" skill, no security and no push
 * notifications: the SDK agents differ only in their name, description, interfaces and whether they stream.
 */
export function sdkAgentCard(agent: {
  name: string
  description: string
  supportedInterfaces: AgentCard['supportedInterfaces']
  streaming: boolean
}): AgentCard {
  return {
    name: agent.name,
    description: agent.description,
    version: '1.0.0',
    supportedInterfaces: agent.supportedInterfaces,
    capabilities: {
      streaming: agent.streaming,
      pushNotifications: false,
      extensions: [],
      extendedAgentCard: false,
    },
    securitySchemes: {},
    securityRequirements: [],
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    skills: [
      {
        id: 'chat',
        name: 'chat',
        description: 'Chats',
        tags: ['chat'],
        examples: [],
        inputModes: [],
        outputModes: [],
        securityRequirements: [],
      },
    ],
    signatures: [],
    provider: undefined,
    documentationUrl: undefined,
    iconUrl: undefined,
  }
}

export interface SdkAgent {
  url: string
  executor: TestExecutor
  close(): Promise<void>
}

/** Serves the SDK agent with the given interfaces: JSON-RPC and HTTP+JSON at 1.0 (and 0.3 copies), or fewer. */
export async function startSdkAgent(
  interfaces: ('JSONRPC' | 'HTTP+JSON' | 'JSONRPC-0.3')[] = ['JSONRPC', 'HTTP+JSON'],
  options: { streaming?: boolean } = {},
): Promise<SdkAgent> {
  const executor = new TestExecutor()
  const app = express()
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const v1 = [
    ...(interfaces.includes('JSONRPC')
      ? [{ url: `${base}/a2a/jsonrpc`, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: '1.0' }]
      : []),
    ...(interfaces.includes('HTTP+JSON')
      ? [{ url: `${base}/a2a/rest`, protocolBinding: 'HTTP+JSON', tenant: '', protocolVersion: '1.0' }]
      : []),
  ]
  const legacyOnly = interfaces.length === 1 && interfaces[0] === 'JSONRPC-0.3'
  const card = sdkAgentCard({
    name: 'SDK test agent',
    description: 'An agent built with @a2a-js/sdk',
    supportedInterfaces: legacyOnly
      ? [{ url: `${base}/a2a/jsonrpc`, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: '0.3' }]
      : duplicateInterfacesForLegacy(v1, ['JSONRPC', 'HTTP+JSON']),
    streaming: options.streaming ?? true,
  })
  const handler = new DefaultRequestHandler(card, new InMemoryTaskStore(), executor)
  app.use(
    '/.well-known/agent-card.json',
    agentCardHandler({ agentCardProvider: handler, legacyCompat: { enabled: true } }),
  )
  app.use(
    '/a2a/jsonrpc',
    jsonRpcHandler({
      requestHandler: handler,
      userBuilder: UserBuilder.noAuthentication,
      legacyCompat: { enabled: true },
    }),
  )
  app.use(
    '/a2a/rest',
    restHandler({
      requestHandler: handler,
      userBuilder: UserBuilder.noAuthentication,
      legacyCompat: { enabled: true },
    }),
  )
  return {
    url: base,
    executor,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
