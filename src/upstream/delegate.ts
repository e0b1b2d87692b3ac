// How an upstream client's run hands its stream to the bridge without a generator step per batch.
import type { AgentEvent, AgentYield } from '../core/index.js'
import { DONE } from '../stream/done.js'
import { isPollable, type NextQueue, Outcome, PENDING, type Pollable, pollNext } from '../stream/poll.js'

/**
 * What a client's run generator yields in place of `yield* batches`: the reader of the run reads the batches itself
 * (polling them when they can be), and the generator goes on once they end, or gets their failure thrown in where it
 * yielded them, as `yield*` would. `yield*` costs a generator step, a few promises, for every batch: on a paced stream
 * for every event.
 */
export class Delegate {
  constructor(readonly batches: AsyncIterable<AgentEvent[]>) {}
}

/** `yield delegate(batches)` in a client's run: see `Delegate`. */
export const delegate = (batches: AsyncIterable<AgentEvent[]>): Delegate => new Delegate(batches)

/** What a client's run may yield: events, batches, or a stream of batches for the reader to read (`delegate`). */
export type UpstreamYield = AgentYield | Delegate

/** A step of the generator (or of a delegate that cannot be polled) on its way, and what it settled to. */
interface Step {
  from: 'run' | 'delegate'
  outcome: Outcome<IteratorResult<UpstreamYield | AgentEvent[]>>
}

/**
 * One reading of a client's run (see `upstreamBackend`): its events as they come, what it delegates read here,
 * polled (see `Pollable`), so a network chunk's events reach the run's log with no promise on the way; a failure of the
 * run goes through `failed` (which names the upstream).
 */
export class UpstreamRun implements Pollable<AgentYield> {
  readonly #run: AsyncIterator<UpstreamYield>
  #delegate: AsyncIterator<AgentEvent[]> | undefined
  #step: Step | undefined
  #onReady: (() => void) | undefined
  #over = false
  /** A `next()` under way: a call made meanwhile waits for it. */
  readonly #queue: NextQueue<AgentYield> = {}

  constructor(
    run: AsyncIterator<UpstreamYield>,
    private readonly failed: (error: unknown) => never,
  ) {
    this.#run = run
  }

  next(): Promise<IteratorResult<AgentYield>> {
    return pollNext(this, this.#queue)
  }

  async return(value?: unknown): Promise<IteratorResult<AgentYield>> {
    this.#over = true
    const delegated = this.#delegate
    this.#delegate = undefined
    // What was delegated is let go first, as `yield*` returns its inner iterator before the generator's own `finally`.
    await delegated?.return?.().catch(() => {})
    return ((await this.#run.return?.(value).catch(this.failed)) as IteratorResult<AgentYield>) ?? { done: true, value }
  }

  poll(): IteratorResult<AgentYield> | typeof PENDING {
    for (;;) {
      if (this.#over) return DONE
      const step = this.#step
      if (step) {
        const { outcome } = step
        if (!outcome.settled) return PENDING
        this.#step = undefined
        const failure = outcome.failure
        if (step.from === 'delegate') {
          if (failure) this.#resume(failure)
          else {
            const result = outcome.take()
            if (!result.done) return result as IteratorResult<AgentYield>
            this.#resume()
          }
          continue
        }
        if (failure) {
          this.#over = true
          this.failed(failure.error)
        }
        const result = outcome.take() as IteratorResult<UpstreamYield>
        if (result.done) {
          this.#over = true
          return DONE
        }
        if (!(result.value instanceof Delegate)) return result as IteratorResult<AgentYield>
        try {
          this.#delegate = result.value.batches[Symbol.asyncIterator]()
        } catch (error) {
          // As `yield*` of an iterable that cannot be read: the failure is the generator's, where it yielded it.
          this.#resume({ error })
        }
        continue
      }
      const delegated = this.#delegate
      if (!delegated) {
        this.#resume()
        continue
      }
      if (!isPollable(delegated)) {
        this.#start('delegate', () => delegated.next())
        continue
      }
      let result: IteratorResult<AgentEvent[]> | typeof PENDING
      try {
        result = delegated.poll()
      } catch (error) {
        this.#resume({ error })
        continue
      }
      if (result === PENDING) return PENDING
      if (!result.done) return result
      this.#resume()
    }
  }

  wait(ready: () => void): void {
    const step = this.#step
    if (step && !step.outcome.settled) {
      this.#onReady = ready
      return
    }
    const delegated = this.#delegate
    if (!step && !this.#over && delegated && isPollable(delegated)) return void delegated.wait(ready)
    queueMicrotask(ready)
  }

  /** The generator goes on: after what it delegated ended, or with its failure thrown in where it yielded it. */
  #resume(failure?: { error: unknown }) {
    this.#delegate = undefined
    const run = this.#run
    if (!failure) return void this.#start('run', () => run.next())
    const { error } = failure
    this.#start('run', () => (run.throw ? run.throw(error) : Promise.reject(error)))
  }

  #start(from: Step['from'], call: () => Promise<IteratorResult<UpstreamYield | AgentEvent[]>>) {
    this.#step = { from, outcome: new Outcome(call, this.#wake) }
  }

  #wake = () => {
    // Returned meanwhile: a stream handed over now is let go (its body canceled) rather than left unread.
    const outcome = this.#over ? this.#step?.outcome : undefined
    if (outcome?.settled && !outcome.failure) {
      const { value } = outcome.take()
      if (value instanceof Delegate) letGo(value)
    }
    const ready = this.#onReady
    this.#onReady = undefined
    ready?.()
  }
}

/**
 * A stream handed over after the reader left is begun and returned, as `yield*` would (it steps into it before the
 * return reaches it): an SSE answer's body is canceled, not left open.
 */
function letGo(handed: Delegate) {
  try {
    const batches = handed.batches[Symbol.asyncIterator]()
    if (isPollable(batches)) batches.poll()
    batches.return?.()?.catch(() => {})
  } catch {
    // Let go all the same.
  }
}
