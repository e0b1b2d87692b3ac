import type { AgentBackend, AgentYield, RunRequest } from '../core/index.js'
import { isBridgeError } from '../core/index.js'
import { type UpstreamYield, UpstreamRun } from './delegate.js'
import { upstreamFailure } from './errors.js'

/** An upstream client before `upstreamBackend`: its run may hand a stream of batches over (see `delegate`). */
export interface UpstreamClient extends Omit<AgentBackend, 'run'> {
  run(request: RunRequest, signal: AbortSignal): AsyncIterable<UpstreamYield>
}

/** What an upstream answers a cancel of a run that is gone or already over (A2A says so with HTTP 200). */
const MOOT_CODES = new Set<string>(['not_found', 'not_cancelable'])
const MOOT_STATUSES = new Set([404, 409])

/**
 * An upstream client as the bridge sees it: whatever goes wrong reads as a canonical error naming the upstream
 * (never a bare "The agent failed."), and a cancel the upstream says is moot (the run is gone or already over)
 * is not an error.
 */
export function upstreamBackend(label: string, client: UpstreamClient): AgentBackend {
  return {
    async info() {
      try {
        return await client.info()
      } catch (error) {
        throw upstreamFailure(error, label)
      }
    },
    // The client's own iterator read by an `UpstreamRun` (its failures renamed, what it delegates read directly), not a
    // generator around it: each batch passes on with no promise of its own.
    run(request: RunRequest, signal: AbortSignal): AsyncIterable<AgentYield> {
      const failed = (error: unknown): never => {
        throw signal.aborted ? error : upstreamFailure(error, label)
      }
      return {
        [Symbol.asyncIterator]() {
          let events: AsyncIterator<UpstreamYield>
          try {
            events = client.run(request, signal)[Symbol.asyncIterator]()
          } catch (error) {
            return failed(error)
          }
          return new UpstreamRun(events, failed)
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
