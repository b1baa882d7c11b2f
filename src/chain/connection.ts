import { ApiPromise, WsProvider } from '@polkadot/api';
import { fn, intIn, resolveOptions } from '../options/index.js';
import type { Check } from '../options/index.js';
import { ChainConnectError, ChainTimeoutError } from './errors.js';

/*
 * One ApiPromise per chain URL and process, shared by every caller: re-creating clients is how the Python SDK leaked
 * sockets (bittensor#2585). The WsProvider reconnects by itself on a retry timer and @polkadot/api resubscribes on
 * open; this wrapper logs the reconnects and puts a deadline on every call, so that no await can hang on a dead
 * socket (bittensor#2444, validators frozen in submit after a reconnect).
 */

/** Options of a chain connection. */
export interface ConnectionOptions {
  /** ws:// or wss:// URL of the node. */
  url: string;
  /** Deadline to connect and load metadata. */
  connectTimeoutMs?: number;
  /** Default deadline of each call made through `call`. */
  callTimeoutMs?: number;
  /** Milliseconds between reconnect attempts. */
  retryMs?: number;
  /**
   * How long @polkadot/api keeps a decoded storage value and a call result in its caches (its default is 30 s). The
   * caches are bounded by this age, so their memory grows for this long after start and then stays flat.
   */
  cacheTtlMs?: number;
  /** Where reconnect notices go (stderr by default). Never receives secrets. */
  log?: (line: string) => void;
}

export const CONNECTION_DEFAULTS: Readonly<Required<Omit<ConnectionOptions, 'url'>>> = Object.freeze({
  connectTimeoutMs: 15_000,
  callTimeoutMs: 30_000,
  retryMs: 1_000,
  cacheTtlMs: 30_000,
  log: (line: string) => { process.stderr.write(`${line}\n`); },
});

const ms: Check = intIn(1, 600_000);

const CHECKS: Readonly<Record<keyof ConnectionOptions, Check>> = {
  url: (v) => (typeof v === 'string' && /^wss?:\/\/./.test(v) ? null : 'expected a ws:// or wss:// URL'),
  connectTimeoutMs: ms,
  callTimeoutMs: ms,
  retryMs: ms,
  cacheTtlMs: ms,
  log: fn('(line: string) => void'),
};

/** Merges the options with CONNECTION_DEFAULTS and checks them key by key (src/options). */
function resolveConnectionOptions(options: ConnectionOptions): Required<ConnectionOptions> {
  return resolveOptions<Required<ConnectionOptions>>({ thing: 'a connection option', things: 'connection options (at least `url`)', defaults: CONNECTION_DEFAULTS, checks: CHECKS }, options);
}

/** Races a promise against a deadline; the loser is abandoned (its result ignored). */
export function withDeadline<T>(promise: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ChainTimeoutError(label, ms)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** A shared connection to one chain. */
export class ChainConnection {
  private refs = 1;
  private constructor(
    readonly url: string,
    readonly api: ApiPromise,
    private readonly options: Required<ConnectionOptions>,
    /** Shared with the provider's handlers: a deliberate close is not a disconnect to report. */
    private readonly status: { connected: boolean; closing: boolean; reconnects: number; up: boolean },
  ) {}

  /** Whether the socket is up now, and how many times it reconnected since it was opened (for health and metrics). */
  get stats(): { connected: boolean; reconnects: number } {
    return { connected: this.status.up && !this.status.closing, reconnects: this.status.reconnects };
  }

  /** Opens a connection (or returns the shared one for this URL; each open needs its own close). */
  static async open(options: ConnectionOptions): Promise<ChainConnection> {
    const o = resolveConnectionOptions(options);
    const shared = OPEN.get(o.url);
    if (shared !== undefined) {
      const c = await shared;
      c.refs++;
      return c;
    }
    const opening = (async () => {
      const provider = new WsProvider(o.url, o.retryMs, {}, o.connectTimeoutMs, undefined, o.cacheTtlMs);
      const status = { connected: false, closing: false, reconnects: 0, up: false };
      provider.on('disconnected', () => {
        status.up = false;
        if (status.connected && !status.closing) o.log(`chain ${o.url}: disconnected; reconnecting every ${o.retryMs} ms`);
      });
      provider.on('connected', () => {
        if (status.connected) {
          status.reconnects++;
          o.log(`chain ${o.url}: reconnected`);
        }
        status.connected = true;
        status.up = true;
      });
      try {
        const api = await withDeadline(ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: true }), o.connectTimeoutMs, `connect to ${o.url}`);
        status.connected = true;
        status.up = true;
        return new ChainConnection(o.url, api, o, status);
      } catch (e) {
        await provider.disconnect().catch(() => undefined);
        throw e instanceof ChainTimeoutError ? new ChainConnectError(o.url, e.message) : new ChainConnectError(o.url, (e as Error).message);
      }
    })();
    OPEN.set(o.url, opening);
    try {
      return await opening;
    } catch (e) {
      OPEN.delete(o.url);
      throw e;
    }
  }

  /** Runs a chain call under a deadline (default: callTimeoutMs). */
  call<T>(label: string, f: (api: ApiPromise) => Promise<T>, ms: number = this.options.callTimeoutMs): Promise<T> {
    return withDeadline(f(this.api), ms, label);
  }

  /** Releases this handle; the socket closes when the last holder releases it. */
  async close(): Promise<void> {
    if (--this.refs > 0) return;
    OPEN.delete(this.url);
    this.status.closing = true;
    await this.api.disconnect();
  }
}

const OPEN = new Map<string, Promise<ChainConnection>>();
