import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDevnet, type RpcServer, startRpcServer } from '../../src/devnet/index.js';
import { createLogger, createValidator } from '../../src/service/index.js';

/*
 * A chain that refuses connections when the service starts: the service keeps trying, and starts once the node is
 * there (here after about 1.5 s); a node that never comes ends the start with the watchdog's error (the CLI's exit 3).
 */

const dir = mkdtempSync(join(tmpdir(), 'yumaval-vstart-'));
const quiet = createLogger({ sink: { write: () => {} } });
let node: Awaited<ReturnType<typeof createDevnet>> | undefined;
let server: RpcServer | undefined;

afterAll(async () => {
  await server?.close();
  await node?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A loopback port that was free a moment ago (nothing listens on it until the test starts the node there). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('a refused connection at start-up', () => {
  it('is retried until the node is up, then the validator starts', async () => {
    const port = await freePort();
    const v = createValidator({
      chain: `ws://127.0.0.1:${port}`, netuid: 1, key: { uri: '//Alice' }, dev: true, db: join(dir, 'a.db'), logger: quiet, processMetrics: false,
      config: { stallSeconds: 30, stepIntervalSeconds: 0.5, dendriteWorkers: 1 },
    });
    const started = new Promise<number>((resolve) => v.on('started', (e) => resolve(e.block)));
    const starting = v.start();
    await new Promise((r) => setTimeout(r, 1_500));
    node = await createDevnet({ config: { subnets: [{ netuid: 1, tempo: 10, neurons: [{ hotkey: '//Alice', stake: '1000000000000', permit: true }] }] }, blockTimeMs: 300, log: () => {} });
    server = await startRpcServer(node, { port });
    node.start();
    await starting;
    expect(await started).toBeGreaterThanOrEqual(0);
    expect(v.health().chain).toBe('connected');
    await v.stop();
    expect((await v.stopped).kind).toBe('stop');
  }, 40_000);

  it('gives up with the watchdog error after stallSeconds when the node never comes', async () => {
    const port = await freePort();
    const v = createValidator({
      chain: `ws://127.0.0.1:${port}`, netuid: 1, key: { uri: '//Alice' }, dev: true, db: join(dir, 'b.db'), logger: quiet, processMetrics: false,
      config: { stallSeconds: 2, dendriteWorkers: 1 },
    });
    const t0 = Date.now();
    await expect(v.start()).rejects.toMatchObject({ code: 'ERR_WATCHDOG', reason: 'stalled-chain' });
    expect((await v.stopped).kind).toBe('watchdog');
    expect(Date.now() - t0).toBeLessThan(15_000);
  }, 30_000);
});
