import { Chain } from '../../../src/devnet/chain.js';
import type { BlockHooks } from '../../../src/devnet/chain.js';
import { DispatchError } from '../../../src/devnet/dispatch.js';
import type { CallArgs, EventSpec } from '../../../src/devnet/dispatch.js';
import { loadRuntime } from '../../../src/devnet/runtime.js';
import { StateStore } from '../../../src/devnet/state-store.js';
import { StorageCodec } from '../../../src/devnet/storage-codec.js';
import type { Hex } from '../../../src/devnet/storage-codec.js';
import { readAccount, SubtensorStore, subtensorGenesis, subtensorModule } from '../../../src/devnet/subtensor/index.js';
import type { SubtensorGenesis } from '../../../src/devnet/subtensor/index.js';

/*
 * A devnet without RPC or extrinsics: a Chain whose hooks call the SubtensorModule directly. A "call" is queued under
 * a one-byte stand-in extrinsic and applied in the next block the way the extrinsic pipeline applies one: its writes
 * are undone when it fails with a DispatchError.
 */

/** A dev account by URI: its public key and address. */
export function account(uri: string): { publicKey: Hex; address: string } {
  const a = readAccount(uri, 'test');
  return { publicKey: a.publicKey, address: a.address };
}

/** What a test drives. */
export interface TestNet {
  chain: Chain;
  codec: StorageCodec;
  genesis: SubtensorGenesis;
  /** Events by block. */
  events: Map<number, EventSpec[]>;
  /** The store of the head (or of `at`). */
  store(at?: number): SubtensorStore;
  /** Produces empty blocks until the head is `block`. */
  advanceTo(block: number): void;
  /** Applies one call in the next block: 'ok' or the error name. */
  call(signer: string, call: string, args: CallArgs): string;
  /** Applies one call in block `block` (the head must be below it). */
  callAt(block: number, signer: string, call: string, args: CallArgs): string;
}

/** A devnet from a config, its genesis produced. */
export function testNet(config: unknown): TestNet {
  const runtime = loadRuntime();
  const codec = new StorageCodec(runtime);
  const genesis = subtensorGenesis(config);
  const module = subtensorModule();
  const events = new Map<number, EventSpec[]>();
  const queue: Array<{ signer: string; call: string; args: CallArgs }> = [];
  const results: string[] = [];
  const deposit = (block: number) => (e: EventSpec): void => {
    events.set(block, [...(events.get(block) ?? []), e]);
  };
  const hooks: BlockHooks = {
    onInitialize: (ctx) => module.onInitialize?.(ctx, deposit(ctx.number)),
    applyExtrinsic: (ctx, xt) => {
      const q = queue[Number(xt)];
      if (q === undefined) throw new RangeError(`no queued call ${xt}`);
      const handler = module.calls?.[q.call];
      if (handler === undefined) throw new RangeError(`no handler for ${q.call}`);
      const save = ctx.state.checkpoint();
      const mine: EventSpec[] = [];
      try {
        handler({ block: ctx, storage: codec, signer: account(q.signer), deposit: (e) => mine.push(e) }, q.args);
        mine.forEach(deposit(ctx.number));
        results.push('ok');
        return { included: true, success: true };
      } catch (err) {
        if (!(err instanceof DispatchError)) throw err;
        ctx.state.restore(save);
        results.push(err.error);
        return { included: true, success: false };
      }
    },
    onFinalize: () => undefined,
  };
  const chain = new Chain(runtime, new StateStore(), hooks);
  chain.produce([], 0, (ctx) => genesis.write(ctx, codec));
  const net: TestNet = {
    chain,
    codec,
    genesis,
    events,
    store: (at = chain.state.head) => new SubtensorStore(chain.state, codec, at),
    advanceTo(block) {
      while (chain.state.head < block) chain.produce([], chain.state.head + 1);
    },
    call(signer, call, args) {
      queue.push({ signer, call, args });
      chain.produce([`0x${(queue.length - 1).toString(16).padStart(8, '0')}` as Hex], chain.state.head + 1);
      return results[results.length - 1] as string;
    },
    callAt(block, signer, call, args) {
      if (chain.state.head >= block) throw new RangeError(`block ${block} is already produced (head ${chain.state.head})`);
      net.advanceTo(block - 1);
      return net.call(signer, call, args);
    },
  };
  return net;
}
