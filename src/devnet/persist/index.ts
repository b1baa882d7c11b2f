export { DevnetDb } from './devnet-db.js';
export type { StoredBlock } from './devnet-db.js';
