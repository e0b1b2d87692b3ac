import type { AgentBackend, AgentYield, RunRequest } from '../core/index.js'
import { isBridgeError } from '../core/index.js'
import { upstreamFailure } from './errors.js'

/** What an upstream answers a cancel of a run that is gone or already over (A2A says so with HTTP 200). */
const MOOT_CODES = new Set<string>(['not_found', 'not_cancelable'])
const MOOT_STATUSES = new Set([404, 409])

/**
 * An upstream client as the bridge sees it: whatever goes wrong reads as a canonical error naming the upstream
 * (never a bare "The agent failed."), and a cancel the upstream says is moot (the run is gone or already over)
 * is not an error.
 */
export function upstreamBackend(label: string, client: AgentBackend): AgentBackend {
  return {
    async info() {
      try {
        return await client.info()
      } catch (error) {
        throw upstreamFailure(error, label)
      }
    },
    // The client's own iterator with its failures renamed, not a generator around it: each event passes on as the
    // client's promise with a catch, instead of another generator step (a few promises and ~300 bytes an event).
    run(request: RunRequest, signal: AbortSignal): AsyncIterable<AgentYield> {
      const failed = (error: unknown): never => {
        throw signal.aborted ? error : upstreamFailure(error, label)
      }
      return {
        [Symbol.asyncIterator]() {
          let events: AsyncIterator<AgentYield>
          try {
            events = client.run(request, signal)[Symbol.asyncIterator]()
          } catch (error) {
            return failed(error)
          }
          return {
            next: () => events.next().catch(failed),
            return: async (value?: unknown) => (await events.return?.(value).catch(failed)) ?? { done: true, value },
          }
        },
      }
    },
    async cancel(runId: string) {
      try {
        await client.cancel?.(runId)
      } catch (error) {
        if (isBridgeError(error) && (MOOT_CODES.has(error.code) || MOOT_STATUSES.has(error.upstreamStatus ?? 0))) return
        throw upstreamFailure(error, label)
      }
    },
  }
}
