import type { AgentBackend, AgentEvent, AgentInfo, PendingInterrupt, RunRequest } from '../core/index.js'
import { endsTurn, textOf } from '../core/index.js'
import type { Pace } from './say.js'
import { words } from './say.js'
import type { Turn } from './script.js'
import { resumes, scenarios } from './script.js'

export interface DemoAgentOptions {
  id?: string
  name?: string
  /** Pause before each streamed word, in milliseconds. Default 30; tests use 0. */
  delayMs?: number
}

const approvalResume = {
  type: 'object',
  properties: { approved: { type: 'boolean' }, reason: { type: 'string' } },
  required: ['approved'],
}

/**
 * A scripted agent that needs no network: streams text word by word, asks for a client tool, asks for approval,
 * emits an artifact, runs a sub-agent and remembers the conversation (from the history the bridge passes in).
 */
export function createDemoAgent(options: DemoAgentOptions = {}): AgentBackend {
  const id = options.id ?? 'demo'
  const delayMs = options.delayMs ?? 30
  const info: AgentInfo = {
    id,
    name: options.name ?? 'Demo agent',
    description: 'The built-in scripted demo agent of dialect-bridge: text, tool call, approval, artifact, sub-agent.',
    version: '1.0.0',
    skills: scenarios.map((s) => ({ id: s.name, name: s.name, description: s.description, examples: [s.example] })),
    inputSchema: {
      type: 'object',
      properties: {
        messages: {
          type: 'array',
          items: { type: 'object', properties: { role: { type: 'string' }, content: { type: 'string' } } },
        },
      },
    },
    outputSchema: { type: 'object', properties: { messages: { type: 'array' }, text: { type: 'string' } } },
    configSchema: { type: 'object', properties: {} },
    interrupts: [
      {
        type: 'get_weather',
        reason: 'client_tool',
        description: 'Run get_weather({city}) on the client and send back the result.',
        payloadSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        resumeSchema: { type: 'object', properties: { output: { type: 'string' } }, required: ['output'] },
      },
      {
        type: 'deploy_approval',
        reason: 'approval',
        description: 'Approve or deny running the deploy tool.',
        payloadSchema: { type: 'object', properties: { tool: { type: 'string' }, arguments: { type: 'object' } } },
        resumeSchema: approvalResume,
      },
      {
        type: 'input',
        reason: 'input',
        description: 'A free-form question; answer with a message.',
        resumeSchema: {
          anyOf: [
            { type: 'string' },
            { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] },
          ],
        },
      },
    ],
    capabilities: { streaming: true, threads: true, interrupts: true, clientTools: true, push: false },
    inputModes: ['text/plain'],
    outputModes: ['text/plain', 'text/markdown'],
  }

  return {
    info: () => info,
    async *run(request: RunRequest, signal: AbortSignal): AsyncGenerator<AgentEvent> {
      const pace: Pace = { delayMs, signal, words: 0 }
      const prompt = textOf(request.input.filter((m) => m.role === 'user').flatMap((m) => m.parts)).trim()
      const turn: Turn = { request, pace, prompt }
      const usage = (): AgentEvent => ({ type: 'usage', inputTokens: words(prompt).length, outputTokens: pace.words })
      yield { type: 'run.status', status: 'working' }
      for await (const event of script(turn)) {
        // A pause or a failure ends the turn, so the turn's usage goes out before it.
        if (endsTurn(event)) {
          yield usage()
          return yield event
        }
        yield event
      }
      yield usage()
      yield { type: 'run.completed' }
    },
  }
}

function script(turn: Turn): AsyncGenerator<AgentEvent> {
  const pending = turn.request.pending ?? statelessPending(turn.request)
  if (pending) {
    const resume = resumes[pending.interruptType ?? pending.reason]
    if (resume) return resume(turn, pending)
  }
  for (const scenario of scenarios) {
    const match = scenario.trigger.exec(turn.prompt)
    if (match) return scenario.run(turn, match)
  }
  throw new Error('the echo scenario matches everything')
}

/** A client that keeps its own transcript sends the tool call and its result in the input, with no run to resume. */
function statelessPending(request: RunRequest): PendingInterrupt | undefined {
  const result = request.toolResults?.[0]
  if (!result) return undefined
  const call = [...request.history, ...request.input]
    .flatMap((m) => m.toolCalls ?? [])
    .find((c) => c.callId === result.callId)
  if (!call) return undefined
  let payload: unknown
  try {
    payload = JSON.parse(call.arguments)
  } catch {
    payload = undefined
  }
  return {
    interruptId: '',
    reason: 'client_tool',
    callIds: [call.callId],
    calls: [call],
    interruptType: call.name,
    payload,
  }
}
