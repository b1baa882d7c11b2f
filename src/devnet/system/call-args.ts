import type { CallArgs } from '../dispatch.js';
import type { Call } from '../extrinsic/check.js';

/** A call's arguments as JSON, by the metadata's names: camelCase (`versionKey`) and, when it differs, snake_case. */
export function callArgs(call: Call): CallArgs {
  const out: CallArgs = {};
  call.meta.args.forEach((arg, i) => {
    out[arg.name.toString()] = call.args[i]?.toJSON();
  });
  Object.keys(call.argsDef).forEach((name, i) => {
    if (!(name in out)) out[name] = call.args[i]?.toJSON();
  });
  return out;
}
