import { describeNewerSpec } from './newer-spec-suite.js';

// Devnet serving mainnet's spec 424 (metadata V16): the shared suite of newer-spec-suite.ts.
describeNewerSpec(424, 'stored');
