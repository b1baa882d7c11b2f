import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/*
 * Worker threads (piscina pools: the dendrite, tune) load a module next to the file that starts them: the compiled
 * `.js` when yumaval runs from dist/, the `.ts` through tsx's loader when it runs from the sources (vitest, tsx), so
 * the tests need no build step. tsx is named by an absolute URL resolved from this package: a bare `--import tsx` is
 * resolved from the process's working directory, which need not be inside the project (issue 14; the guard is
 * test/support/child-resolution.test.ts).
 */

/** A worker module's file and the execArgv it needs. */
export interface WorkerFile {
  filename: string;
  execArgv?: string[];
}

/**
 * The worker module `name` (without extension) beside the module whose `import.meta.url` is `from`.
 * @param from the caller's import.meta.url
 * @param name the worker module's base name, e.g. `./worker`
 */
export function workerFile(from: string, name: string): WorkerFile {
  const fromSource = from.endsWith('.ts');
  const filename = fileURLToPath(new URL(`${name}${fromSource ? '.ts' : '.js'}`, from));
  if (!fromSource) return { filename };
  return { filename, execArgv: ['--import', pathToFileURL(createRequire(from).resolve('tsx')).href] };
}
