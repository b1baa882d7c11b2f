/**
 * The shapes shared by both ends of the axon wire protocol (bittensor SDK v10 `Synapse`, `TerminalInfo`):
 * the dendrite builds requests from them, the reference axon verifies them, and tasks declare their synapse with them.
 */

/** The pydantic type of a synapse field, which decides how Python's `str()` renders it for the body hash. */
export type FieldType = 'int' | 'float' | 'str' | 'bool' | 'list' | 'dict' | 'any';

/** One field of a synapse subclass, as pydantic declares it. */
export interface FieldSpec {
  readonly type: FieldType;
  /** A field without a default: the SDK sends a `bt_header_input_obj_<field>` header for it. */
  readonly required: boolean;
  /** The default of an optional field (JSON value); `null` stands for Python's `None`. */
  readonly default?: unknown;
  /**
   * The field accepts None (`Optional[T]`). When absent: true exactly for an optional field whose default is `null`
   * (the SDK's usual `x: Optional[T] = None`).
   */
  readonly nullable?: boolean;
}

/** A synapse class: its name (the route, `/Name`), its own fields, and its `required_hash_fields`. */
export interface SynapseSpec {
  readonly name: string;
  readonly fields: Readonly<Record<string, FieldSpec>>;
  readonly requiredHashFields: readonly string[];
}

/** The SDK's `TerminalInfo`, for the dendrite and the axon; absent keys are `None`. */
export interface TerminalInfo {
  status_code?: number | null;
  status_message?: string | null;
  process_time?: number | null;
  ip?: string | null;
  port?: number | null;
  version?: number | null;
  nonce?: number | bigint | null;
  uuid?: string | null;
  hotkey?: string | null;
  signature?: string | null;
}

/** Where a request goes: an axon as the metagraph publishes it (ip as text, IPv4 or IPv6). */
export interface AxonTarget {
  readonly ip: string;
  readonly port: number;
  /** The axon's hotkey, ss58. */
  readonly hotkey: string;
}

/** What signs for the dendrite: an sr25519 hotkey. */
export interface Signer {
  /** The hotkey, ss58. */
  readonly hotkey: string;
  /** Signs the bytes as `sp_core::sr25519::Pair::sign` does (no `<Bytes>` wrapping). */
  sign(message: Uint8Array): Uint8Array;
}

/** Per-request values the dendrite fills before signing (`preprocess_synapse_for_request`). */
export interface RequestContext {
  readonly signer: Signer;
  /** Fixed per dendrite instance (one per worker). */
  readonly uuid: string;
  /** Nanoseconds since the Unix epoch, strictly increasing per (hotkey, uuid). */
  readonly nonce: bigint;
  /** The synapse timeout in seconds. */
  readonly timeoutSeconds: number;
  /** Our own external IP, as the SDK reports it in `bt_header_dendrite_ip`. */
  readonly externalIp: string;
  /** `version_as_int`; defaults to 10002000 (SDK 10.2.0). */
  readonly version?: number;
}

/** A request ready for the transport: POST `url` with these headers and this JSON body. */
export interface BuiltRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}
