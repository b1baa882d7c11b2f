import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { RawClient } from './helpers.js';
import { startDevnetProcess } from './devnet-process.js';
import type { DevnetProcess } from './devnet-process.js';

/*
 * Issue 15, finding 5: the devnet_* admin calls are unauthenticated, so a web page must not reach them. A browser
 * sends an Origin header on every WebSocket and on every cross-site POST, and a DNS-rebinding page reaches 127.0.0.1
 * under a foreign Host name: both are refused by default, against a real `yumaval devnet` process.
 */

let devnet: DevnetProcess;
beforeAll(async () => {
  devnet = await startDevnetProcess();
});
afterAll(async () => {
  await devnet?.stop();
});

/** Opens a WebSocket with extra headers: 'open', or the HTTP status it was refused with. */
function tryUpgrade(url: string, headers: Record<string, string>): Promise<{ ws: WebSocket | null; status: number | null }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve({ ws, status: null }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ ws: null, status: res.statusCode ?? null });
      res.resume();
    });
    ws.once('error', () => resolve({ ws: null, status: -1 }));
  });
}

/** POSTs `body` with the given headers; answers the status and the body. */
function post(port: number, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => { text += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const SET = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'devnet_setStorage', params: [[['0x1234', '0x01']]] });

describe('finding 5: browser origins and foreign Host names are refused (a real devnet process)', () => {
  it('refuses a WebSocket opened with Origin: http://evil.example (403), and devnet_newBlock does not run', async () => {
    const check = await RawClient.connect(devnet.url);
    const head = Number(((await check.call('chain_getHeader')) as { number: string }).number);
    const evil = await tryUpgrade(devnet.url, { Origin: 'http://evil.example' });
    if (evil.ws !== null) {
      // The old server let it in and ran the admin call.
      const c = new RawClientLike(evil.ws);
      await c.call('devnet_newBlock', [1]);
      evil.ws.close();
    }
    expect(evil.status).toBe(403);
    expect(Number(((await check.call('chain_getHeader')) as { number: string }).number)).toBe(head);
    // A foreign Host on the upgrade (DNS rebinding) is refused too; loopback names are not.
    expect((await tryUpgrade(devnet.url, { Host: `evil.example:${devnet.port}` })).status).toBe(403);
    for (const host of [`localhost:${devnet.port}`, `127.0.0.1:${devnet.port}`, 'localhost']) {
      const ok = await tryUpgrade(devnet.url, { Host: host });
      expect(ok.status, host).toBeNull();
      ok.ws?.close();
    }
    await check.close();
  });

  it('refuses a text/plain POST with a foreign Host and Origin (403); a plain loopback POST is served', async () => {
    const evil = await post(devnet.port, { 'content-type': 'text/plain', Host: 'evil.example', Origin: 'http://evil.example' }, SET);
    expect(evil.status).toBe(403);
    expect(evil.body).toMatch(/not allowed/);
    expect((await post(devnet.port, { 'content-type': 'text/plain', Origin: 'http://evil.example' }, SET)).status).toBe(403);
    expect((await post(devnet.port, { 'content-type': 'text/plain', Host: 'evil.example' }, SET)).status).toBe(403);
    const ok = await post(devnet.port, { 'content-type': 'application/json' }, JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'state_getStorage', params: ['0x1234'] }));
    expect(ok.status).toBe(200);
    // The refused setStorage never ran.
    expect(JSON.parse(ok.body)).toEqual({ jsonrpc: '2.0', id: 2, result: null });
  });

  it('--rpc-allow-origin and --rpc-allow-host let named ones in', async () => {
    const open = await startDevnetProcess(['--rpc-allow-origin', 'http://app.local:3000,http://other.local', '--rpc-allow-host', 'devnet.local']);
    try {
      const allowed = await tryUpgrade(open.url, { Origin: 'http://app.local:3000' });
      expect(allowed.status).toBeNull();
      allowed.ws?.close();
      expect((await tryUpgrade(open.url, { Origin: 'http://evil.example' })).status).toBe(403);
      expect((await post(open.port, { Host: `devnet.local:${open.port}`, Origin: 'http://other.local', 'content-type': 'application/json' }, SET)).status).toBe(200);
      expect((await post(open.port, { Host: 'evil.example' }, SET)).status).toBe(403);
    } finally {
      await open.stop();
    }
  });
});

/** RawClient over an already open socket (the old server's accepted evil connection). */
class RawClientLike {
  private next = 1;
  constructor(private readonly ws: WebSocket) {}
  call(method: string, params: unknown[]): Promise<unknown> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.ws.on('message', (d) => {
        const msg = JSON.parse((d as Buffer).toString()) as { id: number };
        if (msg.id === id) resolve(msg);
      });
      this.ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    });
  }
}
