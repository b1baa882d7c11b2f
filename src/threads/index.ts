export { workerFile } from './worker-file.js';
export type { WorkerFile } from './worker-file.js';
