// Canonical events as the run store logs them, for tests that feed a face encoder a whole answer.
import type { RunEvent } from '../../src/core/index.js'
import { initialRunState } from '../../src/core/index.js'
import type { RunRecord } from '../../src/store/index.js'

/**
 * A streamed answer as logged: the run working, the message started, then one delta per text (seqs from 1, run `r`).
 * `channelOf` picks each delta's channel (output unless told), `time` each event's time (0 unless told).
 */
export function streamedAnswer(
  deltas: readonly string[],
  messageId: string,
  {
    channelOf = () => 'output',
    time = () => 0,
  }: { channelOf?: (i: number) => 'output' | 'reasoning'; time?: (seq: number) => number } = {},
): RunEvent[] {
  const stamp = (seq: number) => ({ runId: 'r', seq, time: time(seq) })
  return [
    { type: 'run.status', status: 'working', ...stamp(1) },
    { type: 'message.started', messageId, role: 'assistant', ...stamp(2) },
    ...deltas.map(
      (delta, i): RunEvent => ({ type: 'message.delta', messageId, delta, channel: channelOf(i), ...stamp(i + 3) }),
    ),
  ]
}

/** A new run's record for a store (agent `agent`, context `ctx`, created at 0), with `over` on top. */
export const runRecord = (runId: string, over: Partial<RunRecord> = {}): RunRecord => ({
  runId,
  agentId: 'agent',
  contextId: 'ctx',
  createdAt: 0,
  updatedAt: 0,
  background: false,
  state: initialRunState(),
  ...over,
})
