// Log lines carry what clients and upstreams sent (paths, agent names, error messages); none of it can forge a line of
// its own: control characters are escaped and a line break only ever starts an indented continuation.
import { describe, expect, it } from 'vitest'
import { createBridge, logLine } from '../../src/bridge/app.js'
import type { AgentBackend } from '../../src/core/index.js'

describe('log lines', () => {
  it('escapes control characters and indents what follows a line break', () => {
    expect(logLine('GET /x\r\nGET /forged 200')).toBe('GET /x\\x0d\n  GET /forged 200')
    expect(logLine('a\u001b[31mred\u0000')).toBe('a\\x1b[31mred\\x00')
    // A stack's frames are already indented and stay as they are.
    expect(logLine('Error: boom\n    at f (x.ts:1:1)')).toBe('Error: boom\n    at f (x.ts:1:1)')
  })

  it('a path with an encoded line break logs as one line', async () => {
    const lines: string[] = []
    const app = createBridge({ agents: [{ id: 'demo', dialect: 'demo', delayMs: 0 }], log: (l) => lines.push(l) })
    await app.request('/v1/responses/resp_1%0D%0AGET%20%2Fadmin%20demo%20200%200.1ms')
    expect(lines.length).toBeGreaterThan(0)
    for (const line of lines) for (const row of line.split('\n').slice(1)) expect(row).toMatch(/^ {2}/)
    expect(lines.join('\n')).not.toMatch(/^GET \/admin/m)
  })

  it('an error message with a line break in it cannot start a line', async () => {
    const lines: string[] = []
    const broken: AgentBackend = {
      info: () => {
        throw new Error('upstream said:\nGET /forged - 200 0.1ms')
      },
      run: async function* () {},
    }
    const app = createBridge({ agents: [{ id: 'broken', backend: broken }], log: (l) => lines.push(l) })
    await app.request('/acp/agents/broken/descriptor')
    const logged = lines.join('\n')
    expect(logged).toContain('upstream said:')
    expect(logged).not.toMatch(/^GET \/forged/m)
  })
})
