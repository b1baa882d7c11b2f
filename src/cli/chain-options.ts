import { InvalidOptionError, showValue } from '../errors/index.js';
import type { ChainConnection } from '../chain/index.js';

/*
 * Options shared by the commands that read a chain (`metagraph`, `hyperparams`), checked key by key before anything
 * connects, so a typo exits 2 at once instead of after a connect timeout. The chain module (and @polkadot/api with it)
 * is imported only when such a command runs, so the other commands do not pay for it at start-up.
 */

/** The chain and subnet a read command targets. */
export interface ChainTarget {
  /** ws:// or wss:// URL of the node. */
  chain: string;
  netuid: number;
  /** A block number or hash; null for the best head. */
  at: number | string | null;
}

/** Checks --chain, --netuid and --at. */
export function parseChainTarget(raw: { chain?: unknown; netuid?: unknown; at?: unknown }): ChainTarget {
  const chain = raw.chain;
  if (typeof chain !== 'string' || !/^wss?:\/\/[^\s]+$/.test(chain)) {
    throw new InvalidOptionError('--chain', `expected a ws:// or wss:// URL, got ${chain === undefined ? 'nothing' : showValue(chain)}`);
  }
  const netuidText = String(raw.netuid ?? '');
  if (!/^\d+$/.test(netuidText) || Number(netuidText) > 65535) throw new InvalidOptionError('--netuid', `expected an integer from 0 to 65535, got ${JSON.stringify(netuidText)}`);
  let at: number | string | null = null;
  if (raw.at !== undefined) {
    const text = String(raw.at);
    if (/^\d+$/.test(text) && Number.isSafeInteger(Number(text))) at = Number(text);
    else if (/^0x[0-9a-fA-F]{64}$/.test(text)) at = text.toLowerCase();
    else throw new InvalidOptionError('--at', `expected a block number or a 0x-prefixed 32-byte block hash, got ${showValue(text)}`);
  }
  return { chain, netuid: Number(netuidText), at };
}

/** Opens the connection, runs `f`, and always closes it (an open socket would keep the process alive). */
export async function withChain<T>(url: string, f: (conn: ChainConnection) => Promise<T>): Promise<T> {
  const { ChainConnection } = await import('../chain/index.js');
  // The connection logs every disconnect as a reconnect; the one this command's own close causes is not news.
  let closing = false;
  const conn = await ChainConnection.open({ url, log: (line) => { if (!closing) process.stderr.write(`${line}\n`); } });
  try {
    return await f(conn);
  } finally {
    closing = true;
    await conn.close().catch(() => undefined);
  }
}

/** JSON with bigints as decimal strings (the contracts' rule for u64 quantities on output). */
export function toJsonText(value: unknown, pretty: boolean): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), pretty ? 2 : undefined);
}

/**
 * Writes a chain command's result and ends the process once stdout has taken it. Without this the process would wait
 * about 1.75 s more: @polkadot/rpc-core keeps each memoised call's subscription for 1750 ms after its last use
 * (refCountDelay), on timers that hold the event loop after the socket is closed.
 */
export function writeResultAndExit(text: string): void {
  process.stdout.write(`${text}\n`, () => process.exit(0));
}
