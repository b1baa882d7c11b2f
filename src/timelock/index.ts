/*
 * The chain's drand timelock scheme (`tle`, Boneh–Franklin IBE on BLS12-381 with AES-256-GCM) for timelocked weight
 * commits, the SCALE payload they carry, and the reveal-round computation. docs/timelock.md has the byte layout.
 */
export { encrypt, decrypt, parseCiphertext, checkRound, isUndecryptable, CIPHERTEXT_OVERHEAD, CIPHER_SUITE } from './tle.js';
export type { TleCiphertext, RandomSource } from './tle.js';
export { decodePublicKey, decodeSignature, identityPoint, roundMessage, serializeGt, G1_BYTES, G2_BYTES } from './ibe.js';
export { encodeWeightsPayload, decodeWeightsPayload, readPayloadAsChain, HOTKEY_BYTES } from './payload.js';
export type { WeightsTlockPayload, ChainPayloadReading } from './payload.js';
export { payloadFromJson, payloadToJson } from './payload-json.js';
export type { WeightsPayloadJson } from './payload-json.js';
export { epochIndex } from './epoch-index.js';
export { revealRound, firstRevealBlock, roundAt, SECURITY_BLOCK_OFFSET, DEFAULT_BLOCK_TIME_SECONDS } from './reveal-round.js';
export type { RevealRoundInput, RevealPlan, RevealSchedule } from './reveal-round.js';
export { TimelockWorker } from './off-thread.js';
export { TimelockRoundError, TimelockCiphertextError, TimelockKeyError, TimelockPayloadError } from './errors.js';
export { QUICKNET_PUBLIC_KEY_HEX, QUICKNET_CHAIN_HASH, QUICKNET_GENESIS_TIME, QUICKNET_PERIOD_SECONDS, QUICKNET_DST } from './quicknet.js';
