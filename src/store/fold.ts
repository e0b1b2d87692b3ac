import type { RunEvent } from '../core/index.js'
import { BridgeError } from '../core/index.js'
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

const gone = (e: unknown) => e instanceof BridgeError && e.code === 'too_far_behind'

/** The log still holds the events after `afterSeq`. */
async function holds(store: RunStore, runId: string, afterSeq: number): Promise<boolean> {
  const reader = store.read(runId, afterSeq)[Symbol.asyncIterator]()
  try {
    await reader.next()
    return true
  } catch (e) {
    if (gone(e)) return false
    throw e
  } finally {
    await reader.return?.(undefined)
  }
}

/**
 * Like `foldRun`, for a view that can do without the run's beginning: when the bounded log no longer holds it (a run
 * longer than the log), the fold starts at the oldest event kept (found by asking for later starts, a few reads), and
 * `from` says so (1: the whole run). `init` makes the state for a fold from that seq.
 */
export async function foldRunTail<S>(
  store: RunStore,
  runId: string,
  init: (from: number) => S,
  encode: (state: S, event: RunEvent) => unknown,
): Promise<{ state: S; from: number }> {
  let afterSeq = 0
  // A run still going drops more events meanwhile: a fold that finds its start gone looks again.
  for (let attempt = 0; ; attempt++) {
    const state = init(afterSeq + 1)
    try {
      for await (const batch of store.read(runId, afterSeq)) for (const event of batch) encode(state, event)
      return { state, from: afterSeq + 1 }
    } catch (e) {
      if (!gone(e) || attempt >= 3) throw e
    }
    const record = await store.getRun(runId)
    if (!record) throw new BridgeError('not_found', `No run ${runId}.`)
    // The log holds the events after `hi` (after the last one there are none to miss), not after `lo`.
    let lo = afterSeq
    let hi = record.state.lastSeq
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2)
      if (await holds(store, runId, mid)) hi = mid
      else lo = mid
    }
    afterSeq = hi
  }
}
