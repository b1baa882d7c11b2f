import { RuntimeDataError } from '../../errors/index.js';
import type { ConfigOnlyParams } from './config.js';
import type { SubtensorStore } from './store.js';

/*
 * The configuration-only parameters (docs/devnet.md) live in the devnet's state under one devnet-own key, not in the
 * module's memory: a devnet resumed from `--db` (whose `--config` is ignored) keeps them, and reads at a past block
 * see the values that block's epoch used. The same entry lists the subnets the devnet created, in netuid order, which
 * is the set of subnets whose epochs run.
 */

const KEY = 'subtensor:subnets';

type Entry = Record<string, ConfigOnlyParams>;

function entry(store: SubtensorStore): Entry {
  const v = store.private(KEY);
  if (v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new RuntimeDataError(`the devnet's subnet list (${KEY}) is not an object`);
  return v as Entry;
}

/** The subnets the devnet created and their configuration-only parameters, by netuid (ascending). */
export function configOnlySubnets(store: SubtensorStore): Map<number, ConfigOnlyParams> {
  return new Map(Object.entries(entry(store)).map(([k, v]): [number, ConfigOnlyParams] => [Number(k), v]).sort((a, b) => a[0] - b[0]));
}

/** Records a new subnet's configuration-only parameters. */
export function setConfigOnly(store: SubtensorStore, netuid: number, params: ConfigOnlyParams): void {
  const { yuma3, alphaSigmoidSteepness, activityCutoffFactorMilli, raoEmission } = params;
  store.setPrivate(KEY, { ...entry(store), [netuid]: { yuma3, alphaSigmoidSteepness, activityCutoffFactorMilli, raoEmission } });
}
