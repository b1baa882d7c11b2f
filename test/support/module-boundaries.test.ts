import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/*
 * The lint rule yumaval/module-boundaries (eslint.config.js): a file reaches another module only through
 * src/<module>/index.ts; tests and benchmarks of a module may reach into that module alone. Each case lints a small
 * in-memory source under a path it never writes, with the project's own ESLint configuration.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** The rule's messages for `code` linted as if it were the file at `filePath` (relative to the project root). */
async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  const messages = result!.messages;
  // Anything else (a parse error, another rule) would make the case meaningless.
  expect(messages.filter((m) => m.ruleId !== 'yumaval/module-boundaries')).toEqual([]);
  return messages.map((m) => m.message);
}

describe('yumaval/module-boundaries', () => {
  it('rejects a deep import across modules and names the entry to use instead', async () => {
    const errors = await boundaryErrors('src/cli/fake-command.ts', "import { ChainConnection } from '../chain/connection.js';\nexport const c = ChainConnection;\n");
    expect(errors).toEqual([
      "'../chain/connection.js' reaches into module src/chain/ past its entry; import from '../chain/index.js' (src/chain/index.ts is the module's only entry)",
    ]);
  });

  it('accepts the index of another module and any file of the same module', async () => {
    expect(await boundaryErrors('src/cli/fake-command.ts', "export { ChainConnection } from '../chain/index.js';\n")).toEqual([]);
    expect(await boundaryErrors('src/chain/weights/fake.ts', "export { ChainConnection } from '../connection.js';\nexport * from '../../chain/metagraph.js';\n")).toEqual([]);
  });

  it('checks every import form: type-only, re-exports, dynamic import() and typeof import()', async () => {
    const code = [
      "import type { Metagraph } from '../chain/types.js';",
      "export * from '../yuma/run-epoch.js';",
      "export { runEpoch } from '../yuma/run-epoch.js';",
      "export async function f(): Promise<unknown> { return (await import('../chain/metagraph.js')).syncMetagraph; }",
      "export type T = typeof import('../chain/hyperparams.js') | Metagraph;",
    ].join('\n');
    const errors = await boundaryErrors('src/service/fake.ts', code);
    expect(errors.map((e) => e.split(' reaches')[0])).toEqual([
      "'../chain/types.js'",
      "'../yuma/run-epoch.js'",
      "'../yuma/run-epoch.js'",
      "'../chain/metagraph.js'",
      "'../chain/hyperparams.js'",
    ]);
  });

  it("treats a sub-directory's index as a deep import: a module has one entry", async () => {
    const errors = await boundaryErrors('src/cli/fake-command.ts', "export { processAndEmit } from '../scoring/weights/index.js';\n");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("import from '../scoring/index.js'");
  });

  it("lets a test or benchmark of a module reach its internals, and only that module's", async () => {
    expect(await boundaryErrors('test/chain/fake.test.ts', "export { buildKeys } from '../../src/chain/raw-storage.js';\n")).toEqual([]);
    expect(await boundaryErrors('bench/chain/fake.bench.ts', "export { buildKeys } from '../../src/chain/raw-storage.js';\n")).toEqual([]);
    const other = await boundaryErrors('test/chain/fake.test.ts', "export { createDevnet } from '../../src/devnet/node.js';\n");
    expect(other).toHaveLength(1);
    expect(other[0]).toContain("import from '../../src/devnet/index.js'");
    const benchOther = await boundaryErrors('bench/replay/fake.bench.ts', "export { StorageCodec } from '../../src/devnet/storage-codec.js';\n");
    expect(benchOther).toHaveLength(1);
  });

  it('holds files that belong to no module (test/support, src/index.ts-like entries) to indexes only', async () => {
    expect(await boundaryErrors('test/support/fake.ts', "export { Prng } from '../../src/random/prng.js';\n")).toHaveLength(1);
    expect(await boundaryErrors('src/fake-entry.ts', "export * from './yuma/run-epoch.js';\n")).toHaveLength(1);
    expect(await boundaryErrors('src/fake-entry.ts', "export * from './yuma/index.js';\n")).toEqual([]);
  });

  it('ignores packages and files outside src/', async () => {
    expect(await boundaryErrors('src/cli/fake-command.ts', "export { Command } from 'commander';\nexport * from '../../package.json';\n")).toEqual([]);
    expect(await boundaryErrors('test/cli/fake.test.ts', "export * from '../devnet/rpc/helpers.js';\n")).toEqual([]);
  });
});
