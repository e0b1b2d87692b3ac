/**
 * The result of a reading that is over, shared by the hand-written iterators (frozen: no reader can change it for the
 * others). Internal: not exported from the package.
 */
export const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined })
