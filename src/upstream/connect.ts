/**
 * A lazily made, shared value (an upstream's card or descriptor, the transport chosen from it): made on first use,
 * shared by every caller, and made again after a failure rather than failing forever.
 */
export function lazy<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined
  return () => {
    if (!value) {
      const made = make()
      value = made
      made.catch(() => {
        if (value === made) value = undefined
      })
    }
    return value
  }
}
