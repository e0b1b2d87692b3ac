import type { RunStore } from '../store/index.js'

/** A small record per key, kept in the run store (so it lives wherever runs live: memory or Durable Objects). */
export interface LinkTable<T> {
  get(key: string): Promise<T | undefined>
  put(key: string, value: T): Promise<void>
}

/**
 * What an upstream client remembers between turns: per bridge run, the upstream's own run (task, response) it
 * continues or cancels; per bridge conversation, the upstream's own conversation (context, thread, last response).
 */
export interface Links<Run, Context> {
  run: LinkTable<Run>
  context: LinkTable<Context>
}

export function createLinks<Run, Context = string>(
  store: RunStore,
  namespace: string,
  agentId: string,
): Links<Run, Context> {
  const table = <T>(kind: string): LinkTable<T> => ({
    get: (key) => store.getDoc<T>(namespace, `${kind}:${agentId}:${key}`),
    put: (key, value) => store.putDoc<T>(namespace, `${kind}:${agentId}:${key}`, value),
  })
  return { run: table<Run>('run'), context: table<Context>('ctx') }
}
