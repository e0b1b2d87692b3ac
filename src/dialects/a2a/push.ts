// A2A push notifications: configs per task, and a reader of the task's log that POSTs each StreamResponse to them.
import type { BridgeRuntime, Defer } from '../../bridge/face.js'
import type { WebhookPolicy } from '../../bridge/webhooks.js'
import { checkWebhookUrl, NotificationTarget } from '../../bridge/webhooks.js'
import { newId } from '../../core/index.js'
import { toV03Event } from './compat.js'
import { taskSnapshot, encode } from './encode.js'
import type { A2AVersion } from './errors.js'
import { a2aError } from './errors.js'
import type { TaskService } from './tasks.js'
import type { StreamResponse, TaskPushNotificationConfig } from './wire.js'
import { A2A_CONTENT_TYPE } from './wire.js'

interface StoredConfig extends TaskPushNotificationConfig {
  id: string
  taskId: string
  version: A2AVersion
}

const DOCS = 'a2a:push'
export class PushService {
  private readonly policy: WebhookPolicy
  private readonly doFetch: typeof fetch
  private readonly log: (message: string) => void

  constructor(
    private readonly runtime: BridgeRuntime,
    private readonly tasks: TaskService,
    /** Delivery loops by task, shared by the face's PushServices (one per request). */
    private readonly running: Map<string, Promise<void>> = new Map(),
  ) {
    this.policy = runtime.webhooks
    this.doFetch = runtime.fetch ?? ((input, init) => fetch(input, init))
    this.log = runtime.log
  }

  async create(
    agentId: string,
    taskId: string,
    config: TaskPushNotificationConfig,
    version: A2AVersion,
    defer: Defer = () => {},
  ): Promise<StoredConfig> {
    const record = await this.tasks.record(agentId, taskId)
    try {
      checkWebhookUrl(config.url, this.policy, 'push notification URL')
    } catch (e) {
      throw a2aError('InvalidParamsError', (e as Error).message)
    }
    const stored: StoredConfig = { ...config, id: config.id || newId('push'), taskId, version }
    const configs = (await this.#configs(taskId)).filter((c) => c.id !== stored.id)
    await this.runtime.store.putDoc(DOCS, taskId, [...configs, stored])
    this.#start(record.runId, agentId, defer)
    return stored
  }

  async get(agentId: string, taskId: string, id: string): Promise<StoredConfig> {
    await this.tasks.record(agentId, taskId)
    const config = (await this.#configs(taskId)).find((c) => c.id === id)
    if (!config) throw a2aError('TaskNotFoundError', `Task ${taskId} has no push notification config ${id}.`, taskId)
    return config
  }

  async list(agentId: string, taskId: string): Promise<StoredConfig[]> {
    await this.tasks.record(agentId, taskId)
    return this.#configs(taskId)
  }

  /** Idempotent (A2A §3.1.10): deleting a config that is already gone succeeds; an unknown task does not. */
  async delete(agentId: string, taskId: string, id: string): Promise<void> {
    await this.tasks.record(agentId, taskId)
    const configs = await this.#configs(taskId)
    if (!configs.some((c) => c.id === id)) return
    await this.runtime.store.putDoc(
      DOCS,
      taskId,
      configs.filter((c) => c.id !== id),
    )
  }

  async #configs(taskId: string): Promise<StoredConfig[]> {
    return (await this.runtime.store.getDoc<StoredConfig[]>(DOCS, taskId)) ?? []
  }

  /** One delivery loop per task: the current snapshot, then every event until the task ends or has no configs. */
  #start(taskId: string, agentId: string, defer: Defer) {
    if (this.running.has(taskId)) return
    const loop = this.#deliver(taskId, agentId)
      .catch((e) => this.log(`push delivery for task ${taskId} stopped: ${(e as Error).message}`))
      .finally(() => this.running.delete(taskId))
    this.running.set(taskId, loop)
    defer(loop)
  }

  async #deliver(taskId: string, agentId: string) {
    const record = await this.tasks.record(agentId, taskId)
    const afterSeq = record.state.lastSeq
    const encoder = await this.tasks.encoder(record, afterSeq)
    // One target per config for this loop: a config that keeps failing is given up on, the others go on.
    const targets = new Map<string, NotificationTarget>()
    await this.#send(taskId, { task: taskSnapshot(encoder) }, targets)
    if (encoder.done) return
    for await (const batch of this.runtime.runs.events(taskId, afterSeq)) {
      for (const event of batch) {
        for (const update of encode(encoder, event)) {
          if (!(await this.#send(taskId, update, targets))) return
        }
      }
      if (encoder.done) return
    }
  }

  /** POSTs one event to every config of the task; false when none is left (or every one was given up on). */
  async #send(taskId: string, event: StreamResponse, targets: Map<string, NotificationTarget>): Promise<boolean> {
    const configs = await this.#configs(taskId)
    const live = configs.filter((c) => !targets.get(c.id)?.givenUp)
    await Promise.all(live.map((c) => this.#post(c, event, targets)))
    return live.some((c) => !targets.get(c.id)?.givenUp)
  }

  async #post(config: StoredConfig, event: StreamResponse, targets: Map<string, NotificationTarget>) {
    const v03 = config.version === '0.3'
    const headers: Record<string, string> = { 'content-type': v03 ? 'application/json' : A2A_CONTENT_TYPE }
    if (config.authentication?.scheme && config.authentication.credentials) {
      headers.authorization = `${config.authentication.scheme} ${config.authentication.credentials}`
    } else if (config.token) {
      headers['x-a2a-notification-token'] = config.token
    }
    let target = targets.get(config.id)
    if (target?.url !== config.url) {
      target = new NotificationTarget(config.url, {
        fetch: this.doFetch,
        log: this.log,
        what: 'push to',
        policy: this.policy,
      })
      targets.set(config.id, target)
    }
    await target.post(JSON.stringify(v03 ? toV03Event(event) : event), headers)
  }
}
