import { readFileSync } from 'node:fs';
import { expandMetadata, Metadata, TypeRegistry } from '@polkadot/types';
import type { DecoratedMeta } from '@polkadot/types/metadata/decorate/types';
import { RuntimeDataError } from '../errors/index.js';

/*
 * The runtime the devnet serves: subtensor's spec-233 metadata (data/chain/, copied from ../shared/chain/), its type
 * registry and its runtime version. Everything that must match the chain byte for byte (storage keys, call indices,
 * extrinsic encoding, events, module errors) is derived from this metadata, never written by hand.
 */

/** Where the metadata lives: data/chain/ at the package root (two levels above src/devnet and dist/devnet). */
export const METADATA_URL = new URL('../../data/chain/subtensor-testnet-spec233.metadata.hex', import.meta.url);

/**
 * The runtimes devnet can serve (data/chain/, recorded from testnet and mainnet; ../shared/chain/README.md says
 * where each was published): 233 (the default: commit-reveal v2), 343 and 424 (timelocked commits, pallet Drand; 424
 * also schedules epochs from storage). One runtime per process: select it before the first load.
 */
export const DEVNET_SPECS = Object.freeze({
  233: new URL('../../data/chain/subtensor-testnet-spec233.metadata.hex', import.meta.url),
  343: new URL('../../data/chain/subtensor-finney-spec343.metadata.hex', import.meta.url),
  424: new URL('../../data/chain/subtensor-finney-spec424.metadata.hex', import.meta.url),
});

/** A runtime devnet can serve. */
export type DevnetSpec = keyof typeof DEVNET_SPECS;

let selected: DevnetSpec = 233;

/**
 * Chooses the runtime this process's devnet serves (default 233). The runtime is loaded once per process, so a
 * different spec after the first load is refused.
 */
export function selectDevnetSpec(spec: number): void {
  if (!(spec in DEVNET_SPECS)) throw new RuntimeDataError(`spec ${spec} is not one devnet has (${Object.keys(DEVNET_SPECS).join(', ')})`);
  if (cached !== undefined && cached.version.specVersion !== spec) {
    throw new RuntimeDataError(`this process already serves spec ${cached.version.specVersion}; one runtime per process`);
  }
  selected = spec as DevnetSpec;
}

/**
 * Runtime APIs left out of the advertised version. With the Metadata API listed, @polkadot/api asks for metadata v15
 * through `state_call`; without it, it reads `state_getMetadata` (v14), which is what this metadata is.
 */
const HIDDEN_APIS: ReadonlySet<string> = new Set(['0x37e397fc7c91f5e4']);

/** The runtime version as `state_getRuntimeVersion` returns it. */
export interface RuntimeVersionJson {
  specName: string;
  implName: string;
  authoringVersion: number;
  specVersion: number;
  implVersion: number;
  apis: Array<[string, number]>;
  transactionVersion: number;
  stateVersion: number;
}

/** The served runtime: registry, metadata (decoded and as hex) and the decorated storage, calls, events and errors. */
export interface DevnetRuntime {
  registry: TypeRegistry;
  metadata: Metadata;
  metadataHex: `0x${string}`;
  decorated: DecoratedMeta;
  version: RuntimeVersionJson;
}

let cached: DevnetRuntime | undefined;

/** Loads the served runtime once per process. */
export function loadRuntime(): DevnetRuntime {
  if (cached !== undefined) return cached;
  const raw = readFileSync(DEVNET_SPECS[selected], 'utf8').trim();
  const metadataHex = (raw.startsWith('0x') ? raw : `0x${raw}`) as `0x${string}`;
  const registry = new TypeRegistry();
  const metadata = new Metadata(registry, metadataHex);
  // Subtensor's own signed extensions carry no data; declaring them keeps the registry from warning on every load.
  registry.setMetadata(metadata, undefined, {
    SubtensorSignedExtension: { extrinsic: {}, payload: {} },
    CommitmentsSignedExtension: { extrinsic: {}, payload: {} },
    // Their names in specs 343 and 424 (no data either).
    SubtensorTransactionExtension: { extrinsic: {}, payload: {} },
    DrandPriority: { extrinsic: {}, payload: {} },
  });
  const decorated = expandMetadata(registry, metadata);
  const versionConst = decorated.consts.system?.version;
  if (versionConst === undefined) throw new RuntimeDataError('the served metadata has no System.Version constant');
  const v = versionConst.toJSON() as unknown as RuntimeVersionJson;
  const version: RuntimeVersionJson = {
    specName: v.specName,
    implName: v.implName,
    authoringVersion: v.authoringVersion,
    specVersion: v.specVersion,
    implVersion: v.implVersion,
    apis: v.apis.filter(([id]) => !HIDDEN_APIS.has(id)),
    transactionVersion: v.transactionVersion,
    stateVersion: v.stateVersion ?? 1,
  };
  cached = { registry, metadata, metadataHex, decorated, version };
  return cached;
}
