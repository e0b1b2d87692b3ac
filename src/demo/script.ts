// The demo agent's script: which prompt triggers which behaviour. README's "Demo script" table mirrors it.
import type { AgentEvent, Message, PendingInterrupt, RunRequest } from '../core/index.js'
import { newId, textOf } from '../core/index.js'
import { sleep } from '../stream/index.js'
import type { Pace } from './say.js'
import { agentMessage, say } from './say.js'

export interface Turn {
  request: RunRequest
  pace: Pace
  prompt: string
}

type Script = (turn: Turn, match: RegExpExecArray) => AsyncGenerator<AgentEvent>

export interface Scenario {
  name: string
  trigger: RegExp
  /** What to type to see it, for README and the agent's skills. */
  example: string
  description: string
  run: Script
}

const SERVER = 'demo'

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

export const scenarios: Scenario[] = [
  {
    name: 'failure',
    trigger: /\bfail/i,
    example: 'please fail',
    description: 'Starts answering, then the run fails.',
    async *run(turn) {
      yield* say(turn.pace, 'Working on it.')
      yield { type: 'run.failed', error: { code: 'agent_error', message: 'The demo agent failed on purpose.' } }
    },
  },
  {
    name: 'weather',
    trigger: /\bweather\b(?:.*?\b(?:in|for)\s+([A-Za-z][A-Za-z -]*[A-Za-z]))?/i,
    example: 'What is the weather in Paris?',
    description: 'Asks the client to run its get_weather({city}) tool, then answers with the result.',
    async *run(turn, match) {
      const city = capitalise(match[1] ?? 'Paris')
      const tools = turn.request.tools
      if (tools !== undefined && !tools.some((t) => t.name === 'get_weather')) {
        yield* say(turn.pace, 'I can look up the weather once you declare a get_weather function tool.')
        return
      }
      const callId = newId()
      const args = JSON.stringify({ city })
      const tool = { clientSide: true }
      yield { type: 'tool.call.started', callId, name: 'get_weather', tool }
      const cut = args.indexOf(':') + 1
      for (const delta of [args.slice(0, cut), args.slice(cut)]) {
        await sleep(turn.pace.delayMs, turn.pace.signal)
        yield { type: 'tool.call.delta', callId, delta }
      }
      yield { type: 'tool.call.completed', callId, name: 'get_weather', arguments: args, tool }
      yield {
        type: 'interrupt',
        interruptId: newId('int'),
        reason: 'client_tool',
        callIds: [callId],
        interruptType: 'get_weather',
        payload: { city },
      }
      yield { type: 'run.status', status: 'input_required' }
    },
  },
  {
    name: 'approval',
    trigger: /\bdeploy\b(?:\s+(?:to\s+)?([a-z]+))?/i,
    example: 'deploy to production',
    description: 'Wants to run its deploy tool and asks for approval first; deploys only if approved.',
    async *run(_turn, match) {
      const environment = (match[1] ?? 'production').toLowerCase()
      const callId = newId()
      const tool = { server: SERVER, clientSide: false, approvalRequired: true }
      yield { type: 'tool.call.started', callId, name: 'deploy', tool }
      yield { type: 'tool.call.completed', callId, name: 'deploy', arguments: JSON.stringify({ environment }), tool }
      yield {
        type: 'interrupt',
        interruptId: newId('int'),
        reason: 'approval',
        callIds: [callId],
        interruptType: 'deploy_approval',
        message: agentMessage(`Approve deploy to ${environment}?`),
        payload: { tool: 'deploy', arguments: { environment } },
      }
      yield { type: 'run.status', status: 'input_required' }
    },
  },
  {
    name: 'artifact',
    trigger: /\b(report|artifact)\b/i,
    example: 'write a report',
    description: 'Streams a markdown file, report.md, as an artifact in two chunks.',
    async *run(turn) {
      yield* say(turn.pace, 'Here is your report.')
      const artifactId = newId()
      const chunks = ['# Report\n', 'All systems nominal.\n']
      for (const [i, text] of chunks.entries()) {
        await sleep(turn.pace.delayMs, turn.pace.signal)
        yield {
          type: 'artifact.delta',
          artifactId,
          name: 'report.md',
          parts: [{ type: 'text', text }],
          append: i > 0,
          lastChunk: i === chunks.length - 1,
          metadata: { mediaType: 'text/markdown' },
        }
      }
      yield {
        type: 'artifact.completed',
        artifact: {
          artifactId,
          name: 'report.md',
          parts: [{ type: 'text', text: chunks.join('') }],
          metadata: { mediaType: 'text/markdown' },
        },
      }
    },
  },
  {
    name: 'sub-agent',
    trigger: /\b(?:research|delegate)\b\s*(?:on\s+|about\s+)?([A-Za-z]+)?/i,
    example: 'research cats',
    description: 'Hands the topic to a researcher sub-agent (its own execution id), then summarises.',
    async *run(turn, match) {
      const topic = (match[1] ?? 'agents').toLowerCase()
      const callId = newId()
      const executionId = newId()
      const tool = { server: SERVER, clientSide: false }
      yield { type: 'tool.call.started', callId, name: 'researcher', tool }
      yield { type: 'tool.call.completed', callId, name: 'researcher', arguments: JSON.stringify({ topic }), tool }
      yield { type: 'agent.started', executionId, callId, name: 'researcher', input: { topic } }
      const finding = `Found 3 facts about ${topic}.`
      yield* say(turn.pace, finding, { executionId })
      yield { type: 'agent.completed', executionId, name: 'researcher', output: agentMessage(finding, { executionId }) }
      yield { type: 'tool.result', callId, output: finding }
      yield* say(turn.pace, `The researcher ${finding.charAt(0).toLowerCase()}${finding.slice(1)}`)
    },
  },
  {
    name: 'reasoning',
    trigger: /\b(think|reason)/i,
    example: 'think about it',
    description: 'Streams its reasoning first, then the answer.',
    async *run(turn) {
      yield* say(turn.pace, 'The answer is 42.', { reasoning: 'Let me think this through.' })
    },
  },
  {
    name: 'input',
    trigger: /\b(trip|travel)\b/i,
    example: 'plan a trip',
    description: 'Pauses to ask a free-form question; the next message answers it.',
    async *run() {
      yield {
        type: 'interrupt',
        interruptId: newId('int'),
        reason: 'input',
        callIds: [],
        message: agentMessage('Where would you like to go?'),
      }
      yield { type: 'run.status', status: 'input_required' }
    },
  },
  {
    name: 'count',
    trigger: /\bcount to (\d+)/i,
    example: 'count to 20',
    description: 'Counts slowly (one number per delay): handy for cancel and resume.',
    async *run(turn, match) {
      const n = Math.min(Number(match[1]), 1000)
      yield* say(turn.pace, Array.from({ length: n }, (_, i) => String(i + 1)).join(' '))
    },
  },
  {
    name: 'remember',
    trigger: /\bmy name is ([A-Za-z]+)/i,
    example: 'my name is Ada',
    description: 'Remembers your name for the rest of the conversation.',
    async *run(turn, match) {
      yield* say(turn.pace, `Nice to meet you, ${match[1]}.`)
    },
  },
  {
    name: 'recall',
    trigger: /\bwhat is my name\b/i,
    example: 'what is my name?',
    description: 'Answers from the conversation so far.',
    async *run(turn) {
      const name = [...turn.request.history]
        .reverse()
        .filter((m) => m.role === 'user')
        .map((m) => /\bmy name is ([A-Za-z]+)/i.exec(textOf(m.parts))?.[1])
        .find(Boolean)
      yield* say(turn.pace, name ? `Your name is ${name}.` : "I don't know your name yet.")
    },
  },
  {
    name: 'greeting',
    trigger: /^\s*(hello|hi|hey)\b/i,
    example: 'hello',
    description: 'A short greeting.',
    async *run(turn) {
      yield* say(turn.pace, 'Hello! I am the demo agent.')
    },
  },
  {
    name: 'echo',
    trigger: /[\s\S]*/,
    example: 'anything else',
    description: 'Echoes what you said.',
    async *run(turn) {
      yield* say(turn.pace, `You said: ${turn.prompt}`)
    },
  },
]

type Resume = (turn: Turn, pending: PendingInterrupt) => AsyncGenerator<AgentEvent>

const resultText = (output: string | Message['parts']): string => (typeof output === 'string' ? output : textOf(output))

/** How the demo continues after each kind of interrupt it raises. */
export const resumes: Record<string, Resume> = {
  async *get_weather(turn, pending) {
    const callId = pending.callIds[0] ?? ''
    const result = turn.request.toolResults?.find((r) => r.callId === callId)
    const city = (pending.payload as { city?: string } | undefined)?.city ?? 'Paris'
    const output = result ? resultText(result.output) : JSON.stringify(turn.request.resume?.payload ?? 'unknown')
    yield* say(turn.pace, `Weather in ${city}: ${output}`)
  },
  async *deploy_approval(turn, pending) {
    const callId = pending.callIds[0] ?? ''
    const decision = turn.request.decisions?.find((d) => d.callId === callId)
    const payload = turn.request.resume?.payload as { approved?: boolean } | undefined
    const approved = decision?.approved ?? payload?.approved === true
    const environment = JSON.parse(pending.calls[0]?.arguments ?? '{}').environment ?? 'production'
    if (!approved) {
      yield* say(turn.pace, 'Deployment cancelled.')
      return
    }
    await sleep(turn.pace.delayMs, turn.pace.signal)
    yield { type: 'tool.result', callId, output: `Deployed to ${environment}.` }
    yield* say(turn.pace, 'Deployment finished.')
  },
  async *input(turn) {
    const answer =
      turn.prompt ||
      String((turn.request.resume?.payload as { answer?: unknown } | undefined)?.answer ?? 'somewhere nice')
    yield* say(turn.pace, `Booking a trip to ${answer}.`)
  },
}
