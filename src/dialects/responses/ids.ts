// Responses item ids are canonical ids with the prefix OpenAI uses for that item type. Encoding always adds
// the prefix and decoding strips exactly one, so canonical → Responses → canonical keeps every id.

export const ITEM_PREFIX = {
  message: 'msg_',
  reasoning: 'rs_',
  function_call: 'fc_',
  mcp_call: 'mcp_',
  mcp_approval_request: 'mcpr_',
} as const

export type ItemKind = keyof typeof ITEM_PREFIX

export const itemId = (kind: ItemKind, id: string): string => ITEM_PREFIX[kind] + id

export const fromItemId = (kind: ItemKind, id: string): string =>
  id.startsWith(ITEM_PREFIX[kind]) ? id.slice(ITEM_PREFIX[kind].length) : id

export const RESPONSE_PREFIX = 'resp_'
