import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/*
 * Child processes that run TypeScript from the sources load tsx's loader by an absolute file URL resolved from this
 * project. `node --import tsx` resolves the bare name from the child's working directory instead: it worked only where
 * some folder above that directory held a node_modules/tsx, and failed on a fresh machine (issue 14).
 * test/support/child-resolution.test.ts guards against the bare form coming back.
 */

/** tsx's ESM loader as a file URL, resolved from this project's own node_modules. */
export const TSX_LOADER: string = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Node arguments that run `script` (a .ts file) through tsx, whatever the child's working directory. */
export function tsxArgs(script: string, ...args: string[]): string[] {
  return ['--import', TSX_LOADER, script, ...args];
}
