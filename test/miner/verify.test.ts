import { beforeAll, describe, expect, it } from 'vitest';
import { DUMMY_SPEC, buildRequest, fromHeaders, signerFromPair } from '../../src/protocol/index.js';
import { loadKey, type LoadedKey } from '../../src/keys/index.js';
import { NonceStore } from '../../src/miner/nonce-store.js';
import { defaultVerify } from '../../src/miner/verify.js';

/* default_verify with an injected clock: the exact edges of the nonce window (SDK: refused when nonce <= now - 4 s - timeout). */

let alice: LoadedKey;
let bob: LoadedKey;
const NOW = 1_800_000_000_000_000_000n;

beforeAll(async () => {
  [alice, bob] = (await Promise.all(['//Alice', '//Bob'].map((uri) => loadKey({ uri }, { dev: true })))) as [LoadedKey, LoadedKey];
});

function dumpFor(nonce: bigint, timeoutSeconds: number, uuid = 'edge', version?: number): ReturnType<typeof fromHeaders>['dump'] {
  const r = buildRequest(DUMMY_SPEC, { dummy_input: 1 }, { ip: '127.0.0.1', port: 1, hotkey: bob.address },
    { signer: signerFromPair(alice.pair), uuid, nonce, timeoutSeconds, externalIp: '127.0.0.1', ...(version !== undefined ? { version } : {}) });
  return fromHeaders(DUMMY_SPEC, r.headers).dump;
}

function ctx(nonces = new NonceStore(100)): Parameters<typeof defaultVerify>[2] {
  return { nonces, clockNs: () => NOW, myHotkey: bob.address, requireSignature: true };
}

describe('default_verify', () => {
  it('the window edge: now − 4 s − timeout is refused, 1 ns later is accepted', () => {
    const edge = NOW - 4_000_000_000n - 2_500_000_000n;
    const refused = defaultVerify(dumpFor(edge, 2.5), 2.5, ctx());
    expect(refused?.status).toBe(401);
    expect(refused?.message).toBe('Not Verified with error: Nonce is too old: acceptable delta is 6.50 seconds but request was 6.50 seconds old');
    expect(defaultVerify(dumpFor(edge + 1n, 2.5), 2.5, ctx())).toBeNull();
  });

  it('a future nonce is accepted (no upper bound), and then an older one on the same key is not', () => {
    const c = ctx();
    expect(defaultVerify(dumpFor(NOW + 3_600_000_000_000n, 12), 12, c)).toBeNull();
    expect(defaultVerify(dumpFor(NOW, 12), 12, c)?.message).toBe('Not Verified with error: Nonce is too old, a newer one was last processed');
    // Another uuid is another endpoint key.
    expect(defaultVerify(dumpFor(NOW, 12, 'other'), 12, c)).toBeNull();
  });

  it('a refused request does not record its nonce', () => {
    const c = ctx();
    const d = dumpFor(NOW, 12);
    (d.get('dendrite') as Map<string, unknown>).set('signature', `0x${'00'.repeat(64)}`);
    expect(defaultVerify(d, 12, c)?.status).toBe(401);
    expect(c.nonces.size).toBe(0);
    expect(defaultVerify(dumpFor(NOW, 12), 12, c)).toBeNull();
    expect(c.nonces.size).toBe(1);
  });

  it('a hotkey that is not ss58 is refused first, even unsigned with requireSignature off (the SDK builds the Keypair first)', () => {
    const d = dumpFor(NOW, 12);
    const dendrite = d.get('dendrite') as Map<string, unknown>;
    dendrite.set('hotkey', 'not-an-address');
    dendrite.set('signature', null);
    const r = defaultVerify(d, 12, { ...ctx(), requireSignature: false });
    expect(r?.status).toBe(401);
    expect(r?.message).toMatch(/is not an ss58 address/);
  });

  it('a dendrite below 7.2.0 skips the window but not the ordering', () => {
    const c = ctx();
    expect(defaultVerify(dumpFor(5n, 12, 'old', 7_001_999), 12, c)).toBeNull();
    expect(defaultVerify(dumpFor(5n, 12, 'old', 7_001_999), 12, c)?.status).toBe(401);
  });
});
