// ACP callbacks: the run object POSTed to the run's `webhook` on every status change.
import type { BridgeRuntime } from '../../bridge/face.js'
import { NotificationTarget } from '../../bridge/webhooks.js'
import { createEncoder, encode } from './encode.js'
import { toUuid } from './ids.js'
import type { AcpRuns } from './runs.js'
import type { RunStatus } from './wire.js'

export class AcpWebhooks {
  constructor(
    private readonly runtime: BridgeRuntime,
    private readonly acp: AcpRuns,
  ) {}

  /** Follows the run's log and POSTs the run each time its ACP status changes, until it ends. */
  watch(runId: string, url: string): Promise<void> {
    return this.#follow(runId, url).catch((e) =>
      this.runtime.log(`webhook ${url} for run ${runId} stopped: ${(e as Error).message}`),
    )
  }

  async #follow(runId: string, url: string) {
    const target = new NotificationTarget(url, {
      fetch: this.runtime.fetch,
      log: this.runtime.log,
      what: 'webhook',
      policy: this.runtime.webhooks,
    })
    // The statuses come from the events read, not from the run as it stands when a batch is read: a batch that went
    // through several (pending, then interrupted) posts each, in order.
    const state = createEncoder({ runId: toUuid(runId), modes: { values: false, custom: false } })
    let last: string | undefined
    for await (const batch of this.runtime.runs.events(runId, 0)) {
      const passed: RunStatus[] = []
      for (const event of batch) {
        encode(state, event)
        if (state.status !== (passed.at(-1) ?? last)) passed.push(state.status)
      }
      if (!passed.length) continue
      const record = await this.runtime.store.getRun(runId)
      if (!record) return
      const run = await this.acp.run(record)
      for (const status of passed) {
        last = status
        await target.post(JSON.stringify({ ...run, status }))
        if (target.givenUp) return
      }
      if (last !== 'pending' && last !== 'interrupted') return
    }
  }
}
