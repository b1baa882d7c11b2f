import type { ChainConnection } from '../chain/index.js';

/*
 * What the commands that read a chain share once their options are checked (options.ts checks --chain, --netuid and
 * --at before anything connects, so a typo exits 2 at once instead of after a connect timeout): the connection, and
 * the output. The chain module (and @polkadot/api with it) is imported only when such a command runs, so the other
 * commands do not pay for it at start-up.
 */

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
