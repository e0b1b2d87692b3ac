// The few Workers runtime types the worker entry uses. Declared here rather than through @cloudflare/workers-types,
// whose globals clash with the DOM and Node types the rest of the project is checked against.
declare module 'cloudflare:workers' {
  export interface DurableObjectId {
    toString(): string
    readonly name?: string
  }
  /** The storage calls the hosts make (src/edge/storage.ts is the one list of them). */
  export type DurableObjectStorage = import('./edge/storage.js').ObjectStorage
  export interface DurableObjectState {
    readonly id: DurableObjectId
    readonly storage: DurableObjectStorage
    blockConcurrencyWhile<T>(callback: () => Promise<T>): Promise<T>
    waitUntil(promise: Promise<unknown>): void
  }
  /** A namespace's stub exposes the object's public methods over RPC (each answers a promise). */
  export interface DurableObjectNamespace<T = unknown> {
    idFromName(name: string): DurableObjectId
    get(id: DurableObjectId): T
  }
  export abstract class DurableObject<Env = unknown> {
    protected ctx: DurableObjectState
    protected env: Env
    constructor(ctx: DurableObjectState, env: Env)
    alarm?(): void | Promise<void>
  }
}
