import { u8aConcat, hexToU8a, stringToU8a } from '@polkadot/util';
import { base58Encode, blake2AsU8a } from '@polkadot/util-crypto';
import type { CallContext, RpcDef } from './method-types.js';
import type { Params } from './params.js';

/*
 * system_* and chainSpec_v1_*: what a Substrate dev node (`--dev`) says about itself. A devnet has no peers and is
 * never syncing; it authors its own blocks, so its role is Authority, and its chain type is Development.
 */

/**
 * A libp2p peer id in the form nodes print (12D3KooW...): base58 of the identity multihash of a protobuf Ed25519 public
 * key. The key is derived from the genesis hash, so one devnet keeps one id across restarts. Nothing connects to it;
 * it only has to look like a peer id to tools that display it.
 */
export function devnetPeerId(genesisHash: string): string {
  const key = blake2AsU8a(u8aConcat(stringToU8a('yumaval devnet peer'), hexToU8a(genesisHash)), 256);
  // 0x00 0x24: identity multihash of 36 bytes; 0x08 0x01 0x12 0x20: protobuf {KeyType = Ed25519, Data = 32 bytes}.
  return base58Encode(u8aConcat(new Uint8Array([0x00, 0x24, 0x08, 0x01, 0x12, 0x20]), key));
}

const none: readonly string[] = [];

const method = (name: string, params: readonly string[], call: (ctx: CallContext, p: Params) => unknown, aliases?: readonly string[]): RpcDef =>
  aliases === undefined ? { kind: 'method', name, params, call } : { kind: 'method', name, params, call, aliases };

/** The system_* and chainSpec_v1_* methods. */
export function systemMethods(): RpcDef[] {
  return [
    method('system_name', none, ({ node }) => node.info.nodeName),
    method('system_version', none, ({ node }) => node.info.nodeVersion),
    method('system_chain', none, ({ node }) => node.info.chainName),
    method('system_chainType', none, () => 'Development'),
    method('system_properties', none, ({ node }) => node.info.properties),
    method('system_health', none, () => ({ peers: 0, isSyncing: false, shouldHavePeers: false })),
    method('system_localPeerId', none, ({ node }) => devnetPeerId(node.chain.genesisHash)),
    method('system_localListenAddresses', none, ({ node }) => [`/ip4/127.0.0.1/tcp/30333/p2p/${devnetPeerId(node.chain.genesisHash)}`]),
    method('system_nodeRoles', none, () => ['Authority']),
    method('system_peers', none, () => []),
    method('system_syncState', none, ({ node }) => {
      const head = node.chain.head.number;
      return { startingBlock: 0, currentBlock: head, highestBlock: head };
    }),
    method('system_accountNextIndex', ['account'], ({ node }, p) => node.accountNextIndex(p.string(0)), ['account_nextIndex']),
    method('chainSpec_v1_chainName', none, ({ node }) => node.info.chainName),
    method('chainSpec_v1_genesisHash', none, ({ node }) => node.chain.genesisHash),
    method('chainSpec_v1_properties', none, ({ node }) => node.info.properties),
  ];
}
