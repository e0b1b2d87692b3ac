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
    async *run(request: RunRequest, signal: AbortSignal): AsyncGenerator<AgentYield> {
      try {
        yield* client.run(request, signal)
      } catch (error) {
        if (signal.aborted) throw error
        throw upstreamFailure(error, label)
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
