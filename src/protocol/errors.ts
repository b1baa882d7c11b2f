import { YumavalError } from '../errors/index.js';

/** A synapse input (a field value given to buildRequest, or a body received by the axon) that pydantic would refuse. */
export class SynapseInputError extends YumavalError {
  /** The field path, e.g. `dummy_input` or `dendrite.nonce`. */
  readonly field: string;

  constructor(synapse: string, field: string, detail: string) {
    super(`synapse ${synapse}, field ${field}: ${detail}`, 'ERR_SYNAPSE_INPUT');
    this.field = field;
  }
}

/** Request headers that cannot be turned into a synapse (the SDK's `SynapseParsingError`). */
export class SynapseHeadersError extends YumavalError {
  constructor(synapse: string, detail: string) {
    super(`synapse ${synapse}: cannot parse the headers (${detail})`, 'ERR_SYNAPSE_HEADERS');
  }
}

/** Text that Python's `json.loads` would refuse. */
export class PyJsonError extends YumavalError {
  constructor(detail: string) {
    super(`not valid JSON: ${detail}`, 'ERR_PY_JSON');
  }
}

/**
 * Text that Python's `json.loads` refuses with a plain ValueError (or RecursionError), not a JSONDecodeError: an
 * integer of more than 4,300 digits, bytes that are not UTF-8, nesting too deep. Starlette and FastAPI tell the two
 * apart (a JSONDecodeError is a 422, these a 400), so the axon does too.
 */
export class PyJsonValueError extends PyJsonError {}

/** JSON text with more values than the reader was allowed to take on (a bound on the work of one parse). */
export class PyJsonSizeError extends PyJsonError {
  constructor(readonly maxValues: number) {
    super(`more than ${maxValues} values`);
  }
}

/** A value that has no Python rendering here (a function, a symbol, a cycle, a non-finite bigint...). */
export class PyValueError extends YumavalError {
  constructor(detail: string) {
    super(`cannot render as a Python value: ${detail}`, 'ERR_PY_VALUE');
  }
}

/** A synapse spec that is not usable (bad route name, unknown field type, hash field that is not a field). */
export class SynapseSpecError extends YumavalError {
  constructor(synapse: string, detail: string) {
    super(`synapse spec ${synapse}: ${detail}`, 'ERR_SYNAPSE_SPEC');
  }
}

/** A signature that is not `0x` + 128 hex digits, or a public key that is not a valid ss58 address. */
export class SignatureFormatError extends YumavalError {
  constructor(detail: string) {
    super(`signature: ${detail}`, 'ERR_SIGNATURE_FORMAT');
  }
}
