import type { SynapseSpec } from './types.js';

/**
 * The SDK subnet template's `Dummy` synapse (template/protocol.py): `dummy_input: int` (required),
 * `dummy_output: Optional[int] = None`, no hash fields. Served by every reference axon for interop tests.
 */
export const DUMMY_SPEC: SynapseSpec = Object.freeze({
  name: 'Dummy',
  fields: Object.freeze({
    dummy_input: Object.freeze({ type: 'int', required: true }),
    dummy_output: Object.freeze({ type: 'int', required: false, default: null }),
  }),
  requiredHashFields: Object.freeze([]) as readonly string[],
});
