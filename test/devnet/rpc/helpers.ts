import { blake2AsHex } from '@polkadot/util-crypto';
import { WebSocket } from 'ws';
import { Chain } from '../../../src/devnet/chain.js';
import type { BlockHooks } from '../../../src/devnet/chain.js';
import { InvalidInputError } from '../../../src/errors/index.js';
import { TxRejected } from '../../../src/devnet/node-types.js';
import type { ChainInfo, TxStatus } from '../../../src/devnet/node-types.js';
import type { ServedNode } from '../../../src/devnet/rpc/index.js';
import { loadRuntime } from '../../../src/devnet/runtime.js';
import { StateStore } from '../../../src/devnet/state-store.js';
import { StorageCodec } from '../../../src/devnet/storage-codec.js';
import type { Hex } from '../../../src/devnet/storage-codec.js';

/*
 * A node without the node: the real Chain, StateStore and runtime, with no-op hooks, a genesis holding a few subtensor
 * items, and a toy pool. Extrinsics are not checked: anything but the "bad" ones is accepted and included in the next
 * block, which `produce` (or devnet_newBlock) builds. Storage writes queued with `writeNext` land in the next block.
 */

export const runtime = loadRuntime();
export const codec = new StorageCodec(runtime);

/** The extrinsic the fake node refuses with a bad signature. */
export const BAD_XT = '0xdeadbeef' as Hex;
/** The extrinsic the fake node accepts but reports invalid at block time. */
export const INVALID_LATER_XT = '0x0bad' as Hex;

export interface FakeNode extends ServedNode {
  /** Produces one block with the pool's extrinsics and reports their statuses. */
  produce(): void;
  /** Queues a storage write for the next block. */
  writeNext(key: Hex, value: Hex | null): void;
  /** Produce a block right after each accepted extrinsic (as --block-time 0). */
  autoBlock: boolean;
  /** Refuse every extrinsic with a bad signature. */
  rejectAll: boolean;
}

/** Builds the fake node; the genesis has Tempo(1) = 10 and Weights(1, 0..2). */
export function makeFakeNode(): FakeNode {
  const state = new StateStore();
  const nextWrites = new Map<Hex, Hex | null>();
  const pool: Array<{ xt: Hex; watch?: (s: TxStatus) => void }> = [];
  const hooks: BlockHooks = {
    onInitialize: (ctx) => {
      for (const [k, v] of nextWrites) ctx.state.set(k, v);
      nextWrites.clear();
    },
    applyExtrinsic: (_ctx, xt) => (xt === INVALID_LATER_XT ? { included: false, reason: 'stale' } : { included: true, success: true }),
    onFinalize: () => {},
  };
  const chain = new Chain(runtime, state, hooks);
  chain.produce([], Date.now(), (ctx) => {
    ctx.state.set(codec.key('subtensorModule', 'tempo', 1), codec.encode('subtensorModule', 'tempo', 10));
    for (let uid = 0; uid < 3; uid++) {
      ctx.state.set(codec.key('subtensorModule', 'weights', 1, uid), codec.encode('subtensorModule', 'weights', [[uid, 65535], [(uid + 1) % 3, 100 * (uid + 1)]]));
    }
  });
  const info: ChainInfo = {
    chainName: 'Yumaval Devnet',
    nodeName: 'yumaval-devnet',
    nodeVersion: '0.1.0',
    properties: { ss58Format: 42, tokenDecimals: 9, tokenSymbol: 'TAO' },
  };
  const node: FakeNode = {
    runtime,
    chain,
    state,
    info,
    autoBlock: false,
    rejectAll: false,
    submit(xt, watch) {
      if (xt === BAD_XT || node.rejectAll) throw new TxRejected(1010, 'Invalid Transaction', 'Transaction has a bad signature');
      pool.push(watch === undefined ? { xt } : { xt, watch });
      watch?.('ready');
      if (node.autoBlock) setImmediate(() => node.produce());
      return blake2AsHex(xt, 256) as Hex;
    },
    accountNextIndex(address) {
      if (address === 'bad') throw new InvalidInputError('address', 'is not an SS58 address or public key');
      return pool.length;
    },
    pending: () => pool.map((p) => p.xt),
    admin(method, params) {
      if (method === 'newBlock') {
        const count = params[0] ?? 1;
        if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) throw new InvalidInputError('count', 'expected a positive integer');
        for (let i = 0; i < count; i++) node.produce();
        return chain.head.number;
      }
      if (method === 'big') return { balance: 2n ** 70n, small: 5n };
      throw new RangeError(`no admin method ${method}`);
    },
    adminMethods: () => ['newBlock', 'big'],
    produce() {
      const batch = pool.splice(0, pool.length);
      const produced = chain.produce(batch.map((p) => p.xt));
      batch.forEach((p, i) => {
        const outcome = produced.outcomes[i];
        if (outcome?.included === true) {
          p.watch?.({ inBlock: produced.block.hash });
          p.watch?.({ finalized: produced.block.hash });
        } else {
          p.watch?.({ invalid: outcome?.included === false ? outcome.reason : 'unknown' });
        }
      });
    },
    writeNext(key, value) {
      nextWrites.set(key, value);
    },
  };
  return node;
}

interface Pending {
  resolve: (v: Record<string, unknown>) => void;
}

/** A raw WebSocket JSON-RPC client: requests by id, notifications collected by subscription. */
export class RawClient {
  private nextId = 1;
  private readonly pending = new Map<unknown, Pending>();
  /** Every frame received, parsed (or the raw text when not JSON). */
  readonly frames: unknown[] = [];
  readonly notifications: Array<{ method: string; subscription: string; result: unknown }> = [];
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = (data as Buffer).toString('utf8');
      let msg: unknown;
      try {
        msg = JSON.parse(text);
      } catch {
        this.frames.push(text);
        return;
      }
      this.frames.push(msg);
      const items = Array.isArray(msg) ? msg : [msg];
      for (const item of items as Array<Record<string, unknown>>) {
        if (typeof item.method === 'string') {
          const params = item.params as { subscription: string; result: unknown };
          this.notifications.push({ method: item.method, subscription: params.subscription, result: params.result });
        } else if (this.pending.has(item.id)) {
          this.pending.get(item.id)?.resolve(item);
          this.pending.delete(item.id);
        }
      }
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    });
  }

  static async connect(url: string): Promise<RawClient> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new RawClient(ws);
  }

  /** Sends a request and resolves with the whole response object. */
  request(method: string, params: unknown = []): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const done = new Promise<Record<string, unknown>>((resolve) => this.pending.set(id, { resolve }));
    this.ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    return done;
  }

  /** The result of a request, failing the test on an error reply. */
  async call(method: string, params: unknown = []): Promise<unknown> {
    const res = await this.request(method, params);
    if ('error' in res) throw new Error(`${method}: ${JSON.stringify(res.error)}`);
    return res.result;
  }

  /** Sends a raw frame and resolves with the next frame received. */
  async sendRaw(frame: string | Buffer): Promise<unknown> {
    const before = this.frames.length;
    this.ws.send(frame);
    await this.until(() => this.frames.length > before);
    return this.frames[before];
  }

  /** Waits until `cond` holds (checked after every frame), or fails after `ms`. */
  until(cond: () => boolean, ms = 5000): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for frames')), ms);
      const check = (): void => {
        if (cond()) {
          clearTimeout(timer);
          resolve();
        } else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }

  /** Notifications of one subscription. */
  of(subscription: unknown): unknown[] {
    return this.notifications.filter((n) => n.subscription === subscription).map((n) => n.result);
  }

  close(): Promise<void> {
    if (this.ws.readyState === this.ws.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}
