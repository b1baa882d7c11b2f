/*
 * The axon's last accepted nonce per "hotkey:uuid" (the SDK's `Axon.nonces` dict). The SDK's dict grows without
 * bound (one entry per dendrite uuid ever seen); this one keeps at most `capacity` keys and forgets the least
 * recently used. A forgotten key is then "unseen" again, which only lets a replay through if its nonce is also
 * inside the 4 s + timeout window: the same exposure the SDK has for a key it has never seen.
 */

/** A bounded map of endpoint key → last nonce (ns). */
export class NonceStore {
  private readonly map = new Map<string, bigint>();

  constructor(private readonly capacity: number) {}

  /** The last nonce accepted for the key, if any. */
  get(key: string): bigint | undefined {
    return this.map.get(key);
  }

  /** Records an accepted nonce (most recently used). */
  set(key: string, nonce: bigint): void {
    this.map.delete(key);
    this.map.set(key, nonce);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }

  /** Number of keys held. */
  get size(): number {
    return this.map.size;
  }
}
