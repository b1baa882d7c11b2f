// Lints the TypeScript sources, tests and benchmarks. assembly/ is AssemblyScript, checked by its own compiler (asc).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ROOT = path.dirname(fileURLToPath(import.meta.url));

/*
 * Module boundaries (ARCHITECTURE.md: "Every module has one entry file (index.ts). Other modules import only from
 * it"). A module is a directory src/<name>/. A relative import that resolves into src/<b>/ must name
 * src/<b>/index.js unless the importing file belongs to module b itself:
 * - src/<a>/**: a's own files freely; other modules through their index only.
 * - test/<a>/** and bench/<a>/**: a test or benchmark of module a may reach into src/<a>/ (white-box tests of its
 *   internals); every other module through its index only. test/support, bench/report.ts and the like belong to no
 *   module: index only. Tests of src/cli/x-command.ts live in test/cli/.
 * - src/cli.ts and src/index.ts (the entries of the CLI and the library) import modules through their indexes.
 * Static imports, `export ... from`, `import type`, dynamic `import('...')` and `typeof import('...')` are all checked;
 * a computed specifier cannot be, so there is none in src/.
 */
const moduleBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: "forbids importing another module's files other than its index.ts" },
    schema: [],
    messages: {
      deep: "'{{spec}}' reaches into module src/{{module}}/ past its entry; import from '{{entry}}' (src/{{module}}/index.ts is the module's only entry)",
    },
  },
  create(context) {
    const file = path.resolve(context.cwd ?? ROOT, context.filename);
    const rel = path.relative(ROOT, file).split(path.sep);
    // The module whose internals this file may reach: src/<a>/..., test/<a>/..., bench/<a>/... (null: none).
    const own = ['src', 'test', 'bench'].includes(rel[0]) && rel.length > 2 ? rel[1] : null;
    function check(node, spec) {
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = path.relative(ROOT, path.resolve(path.dirname(file), spec)).split(path.sep);
      if (target[0] !== 'src' || target.length < 3) return;
      const module = target[1];
      if (module === own) return;
      if (target.length === 3 && /^index\.(js|ts)$/.test(target[2])) return;
      let entry = path.relative(path.dirname(file), path.join(ROOT, 'src', module, 'index.js')).split(path.sep).join('/');
      if (!entry.startsWith('.')) entry = `./${entry}`;
      context.report({ node, messageId: 'deep', data: { spec, module, entry } });
    }
    const literal = (n) => (n?.type === 'Literal' ? n.value : n?.type === 'TSLiteralType' ? n.literal?.value : undefined);
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => check(node.source, literal(node.source)),
      // typescript-eslint 8 names the string `source` (`argument` before, deprecated now).
      TSImportType: (node) => check(node, literal(node.source ?? node.argument)),
    };
  },
};

export default tseslint.config(
  { ignores: ['dist/', 'build/', 'node_modules/', 'assembly/', 'coverage/', 'bench/results/', '**/*.tmp.*'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { yumaval: { rules: { 'module-boundaries': moduleBoundaries } } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
      'yumaval/module-boundaries': 'error',
    },
  },
);
