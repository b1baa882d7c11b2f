import { describeNewerSpec } from './newer-spec-suite.js';

// Devnet serving mainnet's spec 343 (metadata V14): the shared suite of newer-spec-suite.ts.
describeNewerSpec(343, 'formula');
