import type { AgentEvent, Message, Phase } from '../core/index.js'
import { newId } from '../core/index.js'
import { sleep } from '../stream/index.js'

export interface Pace {
  delayMs: number
  signal: AbortSignal
  /** Words streamed so far in this turn (reported as output tokens). */
  words: number
}

/** Splits text into word-sized deltas that keep their leading space, so they concatenate back exactly. */
export const words = (text: string): string[] => text.split(/(?=\s)/).filter((w) => w !== '')

export const agentMessage = (text: string, extra: Partial<Message> = {}): Message => ({
  id: newId(),
  role: 'assistant',
  parts: [{ type: 'text', text }],
  ...extra,
})

/** Streams one assistant message word by word. */
export async function* say(
  pace: Pace,
  text: string,
  options: { executionId?: string; phase?: Phase; reasoning?: string } = {},
): AsyncGenerator<AgentEvent> {
  const messageId = newId()
  const exec = options.executionId ? { executionId: options.executionId } : {}
  yield {
    type: 'message.started',
    messageId,
    role: 'assistant',
    ...(options.phase ? { phase: options.phase } : {}),
    ...exec,
  }
  for (const delta of words(options.reasoning ?? '')) {
    await sleep(pace.delayMs, pace.signal)
    yield { type: 'message.delta', messageId, delta, channel: 'reasoning', ...exec }
  }
  for (const delta of words(text)) {
    await sleep(pace.delayMs, pace.signal)
    pace.words += 1
    yield { type: 'message.delta', messageId, delta, channel: 'output', ...exec }
  }
  const message: Message = {
    id: messageId,
    role: 'assistant',
    parts: [{ type: 'text', text }],
    ...(options.phase ? { phase: options.phase } : {}),
    ...(options.reasoning ? { reasoning: options.reasoning } : {}),
    ...exec,
  }
  yield { type: 'message.completed', message, ...exec }
}
