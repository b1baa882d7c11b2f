import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from 'undici';
import { createAgent, send } from '../../src/dendrite/send.js';
import { closedPort, httpServer, rawServer, type TestServer } from './servers.js';

const LIMITS = { timeoutMs: 3_000, maxResponseBytes: 64 * 1024 };
const req = (url: string, body = '{"x":1}') => ({ url: `${url}/Dummy`, headers: { name: 'Dummy' }, body });

let agent: Agent;
const servers: TestServer[] = [];
async function track(s: Promise<TestServer>): Promise<TestServer> {
  const t = await s;
  servers.push(t);
  return t;
}

beforeAll(() => { agent = createAgent({ connectionsPerOrigin: 4, connectTimeoutMs: 10_000 }); });
afterAll(async () => {
  await agent.destroy();
  for (const s of servers) await s.close();
});

describe('send', () => {
  it('returns the status, headers and body of a JSON answer, and sends the request as given', async () => {
    let seen: { method?: string; url?: string; name?: string; type?: string; body?: string } = {};
    const s = await track(httpServer((q, res, body) => {
      seen = { method: q.method, url: q.url, name: q.headers['name'] as string, type: q.headers['content-type'] as string, body };
      res.writeHead(200, { 'content-type': 'application/json', 'bt_header_axon_status_code': '200' });
      res.end('{"dummy_output":8}');
    }));
    const out = await send(agent, req(s.url, '{"dummy_input":4}'), LIMITS);
    expect(out).toMatchObject({ kind: 'response', status: 200, body: '{"dummy_output":8}' });
    if (out.kind === 'response') expect(out.headers['bt_header_axon_status_code']).toBe('200');
    expect(seen).toEqual({ method: 'POST', url: '/Dummy', name: 'Dummy', type: 'application/json', body: '{"dummy_input":4}' });
  });

  it('keeps the connection alive between requests to the same axon', async () => {
    const s = await track(httpServer((_q, res) => res.end('{}')));
    for (let i = 0; i < 20; i++) expect((await send(agent, req(s.url), LIMITS)).kind).toBe('response');
    // undici may open a second connection when a request is sent before it has put the first one back in the pool.
    expect(s.connections).toBeLessThanOrEqual(2);
  });

  it('fails a server that never answers at the total deadline', async () => {
    const s = await track(httpServer(() => undefined));
    const out = await send(agent, req(s.url), { ...LIMITS, timeoutMs: 400 });
    expect(out).toMatchObject({ kind: 'failure', failure: 'timeout' });
    expect(out.elapsedMs).toBeGreaterThanOrEqual(390);
    expect(out.elapsedMs).toBeLessThan(2_000);
  });

  it('fails a server that trickles its body at the total deadline, though each read is fast', async () => {
    const s = await track(httpServer((_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      const t = setInterval(() => { if (!res.destroyed) res.write('1,'); else clearInterval(t); }, 20);
      res.on('close', () => clearInterval(t));
    }));
    const out = await send(agent, req(s.url), { ...LIMITS, timeoutMs: 600 });
    expect(out).toMatchObject({ kind: 'failure', failure: 'timeout' });
    if (out.kind === 'failure') expect(out.detail).toMatch(/reading the body/);
    expect(out.elapsedMs).toBeGreaterThanOrEqual(590);
    expect(out.elapsedMs).toBeLessThan(2_500);
  });

  it('fails headers that trickle in at the total deadline', async () => {
    const s = await track(rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\n');
      const t = setInterval(() => { if (!socket.destroyed) socket.write('x-slow: 1\r\n'); else clearInterval(t); }, 20);
      socket.on('close', () => clearInterval(t));
    }));
    const out = await send(agent, req(s.url), { ...LIMITS, timeoutMs: 500 });
    expect(out).toMatchObject({ kind: 'failure', failure: 'timeout' });
  });

  it('refuses a declared Content-Length over the cap without reading, and stops an undeclared body at the cap', async () => {
    const cap = 10_000;
    const declared = await track(httpServer((_q, res) => { res.writeHead(200, { 'content-length': String(cap + 1) }); res.end('x'.repeat(cap + 1)); }));
    const streamed = await track(httpServer((_q, res) => {
      // Chunked, endless: only the cap stops it.
      res.writeHead(200, { 'content-type': 'application/json' });
      const t = setInterval(() => {
        if (res.destroyed) { clearInterval(t); return; }
        res.write('x'.repeat(4096));
      }, 1);
      res.on('close', () => clearInterval(t));
    }));
    const a = await send(agent, req(declared.url), { ...LIMITS, maxResponseBytes: cap });
    expect(a).toMatchObject({ kind: 'failure', failure: 'too-large' });
    if (a.kind === 'failure') expect(a.detail).toMatch(/Content-Length 10001/);
    const b = await send(agent, req(streamed.url), { ...LIMITS, maxResponseBytes: cap });
    expect(b).toMatchObject({ kind: 'failure', failure: 'too-large' });
    expect(b.elapsedMs).toBeLessThan(2_000);
    // The cap is exact: a body of exactly the cap is read.
    const exact = await track(httpServer((_q, res) => res.end('7'.repeat(cap))));
    expect(await send(agent, req(exact.url), { ...LIMITS, maxResponseBytes: cap })).toMatchObject({ kind: 'response', body: '7'.repeat(cap) });
  });

  it('maps a connection refused to refused', async () => {
    const port = await closedPort();
    expect(await send(agent, req(`http://127.0.0.1:${port}`), LIMITS)).toMatchObject({ kind: 'failure', failure: 'refused' });
  });

  it('maps a reset or close before the answer to disconnected, a body cut short or badly chunked to payload', async () => {
    const reset = await track(rawServer((socket) => socket.resetAndDestroy()));
    expect(await send(agent, req(reset.url), LIMITS)).toMatchObject({ kind: 'failure', failure: 'disconnected' });
    const closed = await track(rawServer((socket) => socket.end()));
    expect(await send(agent, req(closed.url), LIMITS)).toMatchObject({ kind: 'failure', failure: 'disconnected' });
    const short = await track(rawServer((socket) => { socket.end('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"a":'); }));
    expect(await send(agent, req(short.url), LIMITS)).toMatchObject({ kind: 'failure', failure: 'payload' });
    const chunk = await track(rawServer((socket) => { socket.end('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n'); }));
    expect(await send(agent, req(chunk.url), LIMITS)).toMatchObject({ kind: 'failure', failure: 'payload' });
  });

  it('maps an answer that is not HTTP to bad-response', async () => {
    const s = await track(rawServer((socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n\r\n')));
    expect(await send(agent, req(s.url), LIMITS)).toMatchObject({ kind: 'failure', failure: 'bad-response' });
  });

  it('does not follow a redirect', async () => {
    let followed = 0;
    const target = await track(httpServer((_q, res) => { followed++; res.end('{}'); }));
    const s = await track(httpServer((_q, res) => { res.writeHead(307, { location: `${target.url}/Dummy` }); res.end(); }));
    const out = await send(agent, req(s.url), LIMITS);
    expect(out).toMatchObject({ kind: 'response', status: 307 });
    if (out.kind === 'response') expect(out.headers['location']).toBe(`${target.url}/Dummy`);
    expect(followed).toBe(0);
  });

  it('returns a non-JSON body as text, and fails invalid UTF-8 as parse', async () => {
    const html = await track(httpServer((_q, res) => { res.writeHead(500, { 'content-type': 'text/html' }); res.end('<h1>oops</h1>'); }));
    expect(await send(agent, req(html.url), LIMITS)).toMatchObject({ kind: 'response', status: 500, body: '<h1>oops</h1>' });
    const bin = await track(httpServer((_q, res) => res.end(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))));
    expect(await send(agent, req(bin.url), LIMITS)).toMatchObject({ kind: 'failure', failure: 'parse' });
  });

  it('never throws on a bad URL or bad header values, and fails at once with no time left', async () => {
    expect(await send(agent, { url: 'not a url', headers: {}, body: '' }, LIMITS)).toMatchObject({ kind: 'failure', failure: 'client' });
    const s = await track(httpServer((_q, res) => res.end('{}')));
    expect(await send(agent, { url: `${s.url}/Dummy`, headers: { 'bad\nname': 'x' }, body: '' }, LIMITS)).toMatchObject({ kind: 'failure', failure: 'client' });
    expect(await send(agent, req(s.url), { ...LIMITS, timeoutMs: 0 })).toMatchObject({ kind: 'failure', failure: 'timeout' });
  });
});
