// Lint with type information: the rules that matter most here (floating promises, unsafe `any`,
// misused promises) need the type checker. `npm test` runs this through `npm run lint`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', '**/cdk.out/**', '.gennaker/**', 'bench/results/**', 'docs/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Async methods that satisfy a Promise-returning interface without awaiting are the norm
      // (stage implementations, test doubles); the rule would only make them wrap Promise.resolve.
      '@typescript-eslint/require-await': 'off',
      // `const { secret: _secret, ...rest } = x` is how a field is dropped from a copy.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
  {
    // Stage state is typed per stage type (functions/core/stage-api.ts): a context written into a
    // result, a checkpoint or a stage record is made of the stage type's save() patches. The types
    // refuse a literal context; this catches a field slipped in beside a spread patch.
    files: ['functions/**/*.ts', 'local/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "Property[key.name='context'] > ObjectExpression > Property",
          message: "write stage context through the stage type's stageState/stageFields save(), not a literal field",
        },
        {
          selector: "CallExpression[callee.property.name='checkpoint'] > ObjectExpression > Property",
          message: "checkpoint the stage type's stageState/stageFields save(), not a literal field",
        },
      ],
    },
  },
  {
    // vitest's asymmetric matchers (expect.any, expect.stringMatching, ...) are typed `any`, and
    // every use of one inside an expected object would be reported.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    // The page runs in browsers. Its tsconfig has Node's types only because it imports the API's
    // types (whose modules use Node); Node's globals would type-check there and fail in a browser.
    files: ['console/src/**/*.ts', 'console/src/**/*.tsx'],
    rules: {
      'no-restricted-globals': ['error', 'process', 'Buffer', 'global', 'require', '__dirname', '__filename', 'setImmediate'],
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*'], message: 'the console runs in browsers' }] }],
    },
  },
  {
    // Plain JavaScript (this file, the CLI's bin shim, the dependency-cruiser config) has no types to check.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', module: 'writable' } },
  },
);
