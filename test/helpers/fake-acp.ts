// A small ACP server that behaves like the reference one (agntcy/workflow-srv): `values` snapshots only, no end
// marker (the stream just closes), interrupts learned from /wait, errors as {"detail": …}, SSE ids per connection
// and a bare `:` keep-alive. Scripted by the user's text, and it records what it was sent.
import { serve } from '@hono/node-server'
import type { AddressInfo } from 'node:net'
import { Hono } from 'hono'

export interface FakeAcp {
  url: string
  inputs: unknown[]
  configs: unknown[]
  resumes: unknown[]
  cancels: string[]
  close(): Promise<void>
}

interface FakeRun {
  run_id: string
  status: 'pending' | 'interrupted' | 'success' | 'error'
  creation: Record<string, unknown>
  snapshots: string[]
  values?: unknown
}

const AGENT = '11111111-2222-8333-8444-555555555555'

export async function startFakeAcp(options: { threads?: boolean; textField?: boolean } = {}): Promise<FakeAcp> {
  const textField = options.textField ?? true
  const runs = new Map<string, FakeRun>()
  const state: Omit<FakeAcp, 'url' | 'close'> = { inputs: [], configs: [], resumes: [], cancels: [] }
  const app = new Hono()
  const values = (text: string) => (textField ? { message: text } : { messages: [{ role: 'ai', content: text }] })
  const userText = (input: unknown): string => {
    const i = input as { message?: string; messages?: { role: string; content: string }[] }
    return i.message ?? i.messages?.filter((m) => m.role === 'user').at(-1)?.content ?? ''
  }
  const detail = (status: 404 | 409 | 422, message: string) => Response.json({ detail: message }, { status })

  /** One SSE event per snapshot, ids counting from 1 on this connection, and a glued keep-alive first. */
  const sse = (run: FakeRun, snapshots: string[]) => {
    let body = ':'
    snapshots.forEach((text, i) => {
      run.values = values(text)
      body += `id: ${i + 1}\nevent: agent_event\ndata: ${JSON.stringify({ type: 'values', run_id: run.run_id, status: 'pending', values: run.values })}\n\n`
    })
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } })
  }

  app.post('/agents/search', () =>
    Response.json([
      {
        agent_id: AGENT,
        metadata: { ref: { name: 'org.example.mail', version: '0.1.0' }, description: 'Writes mail' },
      },
    ]),
  )
  app.get('/agents/:id/descriptor', (c) => {
    if (c.req.param('id') !== AGENT) return detail(404, 'Agent not found')
    return Response.json({
      metadata: { ref: { name: 'org.example.mail', version: '0.1.0' }, description: 'Writes mail' },
      specs: {
        capabilities: {
          threads: options.threads ?? false,
          interrupts: true,
          callbacks: false,
          streaming: { values: true },
        },
        input: textField
          ? { type: 'object', properties: { message: { type: 'string' } } }
          : { type: 'object', properties: { messages: { type: 'array' } } },
        output: { type: 'object' },
        config: { type: 'object', properties: { style: { type: 'string' } } },
        interrupts: [
          {
            interrupt_type: 'mail_send_approval',
            interrupt_payload: {
              type: 'object',
              properties: { subject: { type: 'string' }, body: { type: 'string' } },
            },
            resume_payload: {
              type: 'object',
              properties: { approved: { type: 'boolean' }, reason: { type: 'string' } },
              required: ['approved'],
            },
          },
        ],
      },
    })
  })
  app.post('/runs/stream', async (c) => {
    const body = (await c.req.json()) as Record<string, unknown>
    state.inputs.push(body.input)
    state.configs.push(body.config)
    const run: FakeRun = { run_id: crypto.randomUUID(), status: 'pending', creation: body, snapshots: [] }
    runs.set(run.run_id, run)
    const text = userText(body.input)
    if (/send/.test(text)) {
      // The reference server closes the stream before the interrupt; /wait has it.
      run.status = 'interrupted'
      return sse(run, ['Dear Bob'])
    }
    if (/fail/.test(text)) {
      run.status = 'error'
      return sse(run, ['Dear'])
    }
    if (/slow/.test(text)) return sse(run, ['Dear'])
    run.status = 'success'
    // A rewrite midway: the third snapshot does not extend the second.
    return sse(run, ['Dear', 'Dear Bob', 'Hi Bob, see you.'])
  })
  app.get('/runs/:id', (c) => {
    const run = runs.get(c.req.param('id'))
    return run
      ? Response.json({
          run_id: run.run_id,
          agent_id: AGENT,
          created_at: new Date().toISOString(),
          updated_at: new Date().toISOString(),
          status: run.status,
          creation: run.creation,
        })
      : detail(404, 'Run not found')
  })
  app.get('/runs/:id/wait', (c) => {
    const run = runs.get(c.req.param('id'))
    if (!run) return detail(404, 'Run not found')
    const meta = {
      run_id: run.run_id,
      agent_id: AGENT,
      created_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
      status: run.status,
      creation: run.creation,
    }
    if (run.status === 'interrupted')
      return Response.json({
        run: meta,
        output: { type: 'interrupt', interrupt: { mail_send_approval: { subject: 'Hello', body: 'Dear Bob' } } },
      })
    if (run.status === 'error')
      return Response.json({
        run: meta,
        output: { type: 'error', run_id: run.run_id, errcode: 1, description: 'The mail server is down.' },
      })
    return Response.json({ run: meta, output: { type: 'result', values: run.values } })
  })
  app.post('/runs/:id', async (c) => {
    const run = runs.get(c.req.param('id'))
    if (!run) return detail(404, 'Run not found')
    if (run.status !== 'interrupted') return detail(409, 'Run is not interrupted')
    const payload = (await c.req.json()) as { approved?: boolean }
    state.resumes.push(payload)
    run.status = 'success'
    run.values = values(payload.approved ? 'Sent.' : 'Not sent.')
    return Response.json({
      run_id: run.run_id,
      agent_id: AGENT,
      created_at: '',
      updated_at: '',
      status: 'pending',
      creation: run.creation,
    })
  })
  app.get('/runs/:id/stream', (c) => {
    const run = runs.get(c.req.param('id'))
    if (!run) return detail(404, 'Run not found')
    return sse(run, [textField ? String((run.values as { message: string }).message) : 'Sent.'])
  })
  app.post('/runs/:id/cancel', (c) => {
    state.cancels.push(c.req.param('id'))
    return c.body(null, 204)
  })

  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
  })
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ...state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
