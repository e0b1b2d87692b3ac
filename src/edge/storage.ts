/** The part of a Durable Object's storage the hosts use (so they stay plain TypeScript, testable anywhere). */
export interface ObjectStorage {
  get<T = unknown>(key: string): Promise<T | undefined>
  list<T = unknown>(options: { prefix: string }): Promise<Map<string, T>>
  put(entries: Record<string, unknown>, options?: { allowUnconfirmed?: boolean }): Promise<void>
  delete(keys: string[]): Promise<number>
  deleteAll(): Promise<void>
  setAlarm(scheduledTime: number): Promise<void>
  deleteAlarm(): Promise<void>
}
