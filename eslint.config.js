import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.testbed*/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: globals.node } },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // A module of src/ is small enough to read at once: a longer one holds two jobs.
    files: ['src/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 400 }] },
  },
  {
    // The stubs load the real module with require() when first needed: that is their point.
    files: ['scripts/build-stubs/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Run by the executable's bare Node, as CommonJS.
    files: ['scripts/bench/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // Formatting is prettier's (npm run lint checks it): no rule here may disagree with it.
  prettier,
);
