/**
 * A random id, with a readable prefix for the bridge's own ids (`run_…`, `ctx_…`, `resp_…`). Message, call and
 * artifact ids stay bare, since dialects add their own prefixes (`msg_`, `fc_`) around them.
 * Web Crypto only, so it runs in Workers too.
 */
export const newId = (prefix?: string): string => {
  const id = crypto.randomUUID().replaceAll('-', '')
  return prefix ? `${prefix}_${id}` : id
}
