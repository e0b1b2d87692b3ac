import type { RunEvent } from '../core/index.js'
import type { RunStore } from './types.js'

/**
 * Replays a run's log, up to `untilSeq`, through a dialect's encoder: the run as that dialect shows it right now
 * (an A2A task, an ACP run's values). No waiting: only what is logged.
 */
export async function foldRun<S>(
  store: RunStore,
  runId: string,
  state: S,
  encode: (state: S, event: RunEvent) => unknown,
  untilSeq = Number.POSITIVE_INFINITY,
): Promise<S> {
  for await (const batch of store.read(runId, 0)) {
    for (const event of batch) {
      if (event.seq > untilSeq) return state
      encode(state, event)
    }
  }
  return state
}
