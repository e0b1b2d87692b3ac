// ACP callbacks: the run object POSTed to the run's `webhook` on every status change.
import type { BridgeRuntime } from '../../bridge/face.js'
import { NotificationTarget } from '../../bridge/webhooks.js'
import type { AcpRuns } from './runs.js'

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
    let last: string | undefined
    for await (const _batch of this.runtime.runs.events(runId, 0)) {
      const record = await this.runtime.store.getRun(runId)
      if (!record) return
      const run = await this.acp.run(record)
      if (run.status !== last) {
        last = run.status
        await target.post(JSON.stringify(run))
        if (target.givenUp) return
      }
      if (run.status !== 'pending' && run.status !== 'interrupted') return
    }
  }
}
