import type { BlockFeed } from './block-feed.js';
import type { FinalityGate } from './finality-gate.js';
import type { ServedNode } from './node-extensions.js';
import type { Params } from './params.js';

/*
 * How a JSON-RPC method or subscription is declared. Every method module (methods-*.ts) exports a list of these; the
 * server registers them under their names and aliases, which is also the list rpc_methods returns.
 */

/** What a call sees. */
export interface CallContext {
  node: ServedNode;
  /** Every chain block, once, for head and storage subscriptions. */
  feed: BlockFeed;
  /** The connection's finality holds (finality-gate.ts), or null on a transport without subscriptions (HTTP). */
  gate: FinalityGate | null;
  /** Runs `fn` once this call's reply has been written (only during the call). */
  afterReply(fn: () => void): void;
}

/** A plain method: `call` returns the result (or a promise of it) or throws an RpcError. */
export interface MethodDef {
  kind: 'method';
  name: string;
  aliases?: readonly string[];
  /** The Rust parameter names, for named parameters (jsonrpsee accepts an object keyed by them). */
  params: readonly string[];
  call(ctx: CallContext, p: Params): unknown;
}

/** The sending end of one subscription. Notifications sent before the subscription's id is answered wait for it. */
export interface SubscriptionSink {
  /** Sends one notification with this result. */
  send(result: unknown): void;
  /** Sends one notification whose result is already JSON text (shared by many subscribers of the same block). */
  sendRaw(resultJson: string): void;
  /** Ends the subscription from the server's side, after what was sent (as a stream that finishes). */
  close(): void;
}

/**
 * A subscription: `start` validates the parameters and may throw an RpcError (the subscribe call then answers with the
 * error and no subscription exists), sends initial notifications through the sink, and returns its clean-up.
 */
export interface SubscriptionDef {
  kind: 'subscription';
  name: string;
  aliases?: readonly string[];
  unsubscribe: string;
  unsubscribeAliases?: readonly string[];
  /** The `method` of its notifications. */
  notification: string;
  params: readonly string[];
  start(ctx: CallContext, p: Params, sink: SubscriptionSink): (() => void) | void;
}

/** Either kind of declaration. */
export type RpcDef = MethodDef | SubscriptionDef;
