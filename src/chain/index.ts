export { ChainConnection, CONNECTION_DEFAULTS, withDeadline } from './connection.js';
export type { ConnectionOptions } from './connection.js';
export { ChainConnectError, ChainTimeoutError } from './errors.js';
