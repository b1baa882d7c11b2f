/*
 * Writes test/fixtures/axon-vectors.json: the Python-derived part (derive-vectors.py, run here) plus sr25519
 * signatures made with @polkadot/util-crypto directly (Keyring //Alice, `pair.sign(utf8(message))`, i.e.
 * sr25519Sign without <Bytes> wrapping), independent of src/dendrite. sr25519 signatures are randomized: the fixture
 * keeps one signature per message and the test verifies it (and that fresh ones verify), it cannot compare bytes.
 * Run: npx tsx test/protocol/derive-signature.ts
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Keyring } from '@polkadot/keyring';
import { stringToU8a, u8aToHex, u8aWrapBytes } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';

await cryptoWaitReady();
const py = JSON.parse(execFileSync('python3', ['test/protocol/derive-vectors.py'], { encoding: 'utf8' })) as {
  requests: Record<string, { message: string }>;
  fixed: Record<string, unknown>;
};
const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
const alice = keyring.addFromUri('//Alice');
const signatures: Record<string, unknown> = {};
for (const [name, r] of Object.entries(py.requests)) {
  signatures[name] = {
    message: r.message,
    signature: u8aToHex(alice.sign(stringToU8a(r.message))),
    wrappedSignature: u8aToHex(alice.sign(u8aWrapBytes(stringToU8a(r.message)))),
  };
}
const out = {
  _method: [
    'pythonStr, jsonDumps, bodyHash, requests: CPython 3.11 + pydantic 2.13 (test/protocol/derive-vectors.py):',
    "str(Model(x=json.loads(text)).x), json.dumps(json.loads(text)), hashlib.sha3_256, and model_dump() of models with the",
    'field list of SDK 10.2.0 Synapse/TerminalInfo. signatures: @polkadot/util-crypto sr25519 with Keyring //Alice',
    '(derive-signature.ts): signature = alice.sign(utf8(message)); wrappedSignature = alice.sign(<Bytes>message</Bytes>).',
    'bodyBeforeSignature is the body with dendrite.signature null and total_size 0 (both filled later by the dendrite).',
  ].join(' '),
  publicKey: u8aToHex(alice.publicKey),
  ...py,
  signatures,
};
writeFileSync('test/fixtures/axon-vectors.json', `${JSON.stringify(out, null, 1)}\n`);
process.stdout.write('wrote test/fixtures/axon-vectors.json\n');
