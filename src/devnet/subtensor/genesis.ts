import type { StorageCodec } from '../storage-codec.js';
import { validateSubtensorConfig } from './config.js';
import type { SubnetParams } from './config.js';
import { addSubnet } from './registration.js';
import { SubtensorStore } from './store.js';
import type { WriteTarget } from './store.js';

/** The SubtensorModule part of the devnet's genesis, from the config file. */
export interface SubtensorGenesis {
  /** Writes the subnets and neurons into the genesis block being built (block 0: every neuron registers at 0). */
  write(ctx: WriteTarget, storage: StorageCodec): void;
  /** The dev URIs the config names, once each, in order of appearance (a neuron's hotkey, then its coldkey). */
  devAccounts: Array<{ uri: string; address: string }>;
  /** The validated subnets, every default applied. */
  subnets: SubnetParams[];
}

/**
 * Validates the config file (contracts/devnet.md) and prepares its genesis.
 * @throws InvalidInputError naming the place that is wrong, e.g. `subnets[0].neurons[2].hotkey`
 */
export function subtensorGenesis(config: unknown): SubtensorGenesis {
  const { subnets } = validateSubtensorConfig(config);
  const devAccounts: Array<{ uri: string; address: string }> = [];
  const seen = new Set<string>();
  for (const s of subnets) {
    for (const account of s.neurons.flatMap((n) => [n.hotkey, n.coldkey])) {
      if (account.uri === null || seen.has(account.uri)) continue;
      seen.add(account.uri);
      devAccounts.push({ uri: account.uri, address: account.address });
    }
  }
  return {
    subnets,
    devAccounts,
    write(ctx, storage) {
      const store = SubtensorStore.building(ctx, storage);
      subnets.forEach((s, i) => addSubnet(store, ctx.number, s, `subnets[${i}]`));
    },
  };
}
