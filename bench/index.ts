// `npm run bench`: every benchmark suite, with fixed seeds. Tables go to stdout, JSON to bench/results/.
import { benchEpoch } from './yuma/epoch.bench.js';

await benchEpoch();
