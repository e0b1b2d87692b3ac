import { z } from 'zod'
import type { AgentEvent, EventOf } from './events.js'
import { RunError } from './events.js'
import { PendingInterrupt } from './request.js'
import { ToolCall } from './tool.js'
import { lazySchema } from './lazy-schema.js'

export const RunStatus = lazySchema(() =>
  z.enum(['queued', 'working', 'input_required', 'auth_required', 'completed', 'failed', 'canceled']),
)
export type RunStatus = z.infer<typeof RunStatus>

export const TERMINAL_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'canceled']
export const isTerminalStatus = (s: RunStatus): boolean => TERMINAL_STATUSES.includes(s)

export const Usage = lazySchema(() =>
  z.object({
    inputTokens: z.number(),
    outputTokens: z.number(),
    reasoningTokens: z.number(),
    cachedTokens: z.number(),
    /** Present once a usage event gave one: most upstreams say nothing of cache writes or cost. */
    cacheWriteTokens: z.number().optional(),
    costUsd: z.number().optional(),
  }),
)
export type Usage = z.infer<typeof Usage>

/** What the bridge knows about a run at any point: a fold of its events, plain JSON so any store can keep it. */
export const RunState = lazySchema(() =>
  z.object({
    status: RunStatus,
    lastSeq: z.number(),
    calls: z.record(z.string(), ToolCall),
    pending: PendingInterrupt.optional(),
    usage: Usage,
    error: RunError.optional(),
    incomplete: z.object({ reason: z.string() }).optional(),
  }),
)
export type RunState = z.infer<typeof RunState>

/** No tokens yet. */
export const emptyUsage = (): Usage => ({ inputTokens: 0, outputTokens: 0, reasoningTokens: 0, cachedTokens: 0 })

/** Adds a `usage` event to a running total (in place): successive usage events add up. */
export function addUsage(total: Usage, e: EventOf<'usage', AgentEvent>): Usage {
  total.inputTokens += e.inputTokens
  total.outputTokens += e.outputTokens
  total.reasoningTokens += e.reasoningTokens ?? 0
  total.cachedTokens += e.cachedTokens ?? 0
  if (e.cacheWriteTokens !== undefined) total.cacheWriteTokens = (total.cacheWriteTokens ?? 0) + e.cacheWriteTokens
  if (e.costUsd !== undefined) total.costUsd = (total.costUsd ?? 0) + e.costUsd
  return total
}

export const initialRunState = (): RunState => ({
  status: 'queued',
  lastSeq: 0,
  calls: {},
  usage: emptyUsage(),
})

type Reducer<T extends AgentEvent['type']> = (s: RunState, e: EventOf<T, AgentEvent>) => void

const reducers: { [T in AgentEvent['type']]?: Reducer<T> } = {
  'run.status': (s, e) => {
    s.status = e.status
    if (e.status === 'working') s.pending = undefined
  },
  'tool.call.started': (s, e) => {
    s.calls[e.callId] = { callId: e.callId, name: e.name, arguments: '', tool: e.tool }
  },
  'tool.call.delta': (s, e) => {
    const call = s.calls[e.callId]
    if (call) call.arguments += e.delta
  },
  'tool.call.completed': (s, e) => {
    s.calls[e.callId] = {
      callId: e.callId,
      name: e.name,
      arguments: e.arguments,
      tool: e.tool ?? s.calls[e.callId]?.tool,
    }
  },
  interrupt: (s, e) => {
    s.pending = {
      interruptId: e.interruptId,
      reason: e.reason,
      callIds: e.callIds,
      calls: e.callIds.flatMap((id) => (s.calls[id] ? [s.calls[id]] : [])),
      interruptType: e.interruptType,
      payload: e.payload,
    }
  },
  usage: (s, e) => {
    addUsage(s.usage, e)
  },
  'run.completed': (s, e) => {
    s.status = 'completed'
    s.pending = undefined
    s.incomplete = e.incomplete
  },
  'run.failed': (s, e) => {
    s.status = 'failed'
    s.pending = undefined
    s.error = e.error
  },
  'run.canceled': (s) => {
    s.status = 'canceled'
    s.pending = undefined
  },
}

/** Folds one logged event into the run state (in place; no I/O, deterministic). */
export function applyEvent(state: RunState, event: AgentEvent, seq: number, type = event.type): RunState {
  // A text delta, most of any log, changes nothing here: no look-up in the table for it.
  const reduce = type === 'message.delta' ? undefined : (reducers[type] as Reducer<typeof type> | undefined)
  reduce?.(state, event as never)
  state.lastSeq = seq
  return state
}
