// ESLint flat config: typescript-eslint recommended rules plus the layering rule
// (the browser-safe core never imports node:*; see scripts/check-layers.mjs for the full check).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const coreDirs = ['bytes', 'io', 'errors', 'formats', 'model', 'read', 'create', 'verify'];

export default tseslint.config(
  { ignores: ['dist/**', 'docs/api/**', 'node_modules/**', 'bench/.work/**', '.test-tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly', process: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly',
        setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', TextDecoder: 'readonly',
        TextEncoder: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', fetch: 'readonly',
        Blob: 'readonly', Response: 'readonly', Request: 'readonly', Headers: 'readonly', crypto: 'readonly',
        setImmediate: 'readonly', queueMicrotask: 'readonly', structuredClone: 'readonly', performance: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
      'no-control-regex': 'off',
    },
  },
  {
    files: coreDirs.map((d) => `src/${d}/**/*.ts`).concat(['src/index.ts']),
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'stream', 'buffer', 'zlib', 'util', 'events', 'http', 'https', 'net', 'url'], message: 'The browser-safe core must not import Node built-ins; put it under src/node/.' }] }],
      'no-restricted-globals': ['error', { name: 'Buffer', message: 'Use Uint8Array in the core.' }, { name: 'process', message: 'No process in the core.' }],
    },
  },
  {
    // the web pages are bundled for browsers: the browser-safe core only
    files: ['src/web/client/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'stream', 'buffer', 'zlib', 'util', 'events', 'http', 'https', 'net', 'url'], message: 'The web pages run in browsers: no Node built-ins.' },
        { group: ['**/node/*', '**/cli/*', '**/web/server/*'], message: 'The web pages may import only the browser-safe core.' },
      ] }],
      'no-restricted-globals': ['error', { name: 'Buffer', message: 'Use Uint8Array in browser code.' }, { name: 'process', message: 'No process in browser code.' }],
    },
  },
);
