import { blake2AsHex } from '@polkadot/util-crypto';
import type { RuntimeModule } from '../dispatch.js';

/*
 * The System pallet's own calls that a devnet can run without any other pallet: `remark` (does nothing) and
 * `remarkWithEvent` (deposits System.Remarked with the blake2_256 hash of the remark), as frame-system defines them.
 */

/** The built-in System calls. */
export function systemModule(): RuntimeModule {
  return {
    calls: {
      'system.remark': () => undefined,
      'system.remarkWithEvent': (ctx, args) => {
        ctx.deposit({ pallet: 'system', method: 'Remarked', data: [ctx.signer.publicKey, blake2AsHex(String(args.remark ?? '0x'), 256)] });
      },
    },
  };
}
