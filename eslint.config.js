// Lint rules for every package: typescript-eslint's recommended set, the house rules, and the
// arrows between packages (docs/architecture.md): web → api over HTTP only; api → db; workers → db;
// db → nothing of ours; the API never loads onnxruntime or the queues' workers; the workers' model
// code (workers/src/ml) never reaches the database.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Imports of another package of ours, by workspace name or by a path into its folder. */
const packageOf = (name, folder) => [
  { group: [`@threadline/${name}`, `@threadline/${name}/*`], message: `${name} is not imported from here (docs/architecture.md: the arrows).` },
  {
    group: [`**/${folder}/src/**`, `**/${folder}/app/**`, `**/${folder}/lib/**`, `**/${folder}/components/**`],
    message: `Reach ${name} through its package exports or not at all (docs/architecture.md).`,
  },
];
const forbid = (files, ...patterns) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns: patterns.flat() }] } });
const DATABASE_DRIVERS = [
  {
    group: ['pg', '@prisma/*', '@threadline/db/sql', '@threadline/db/client', '@threadline/db/tenant'],
    message: 'workers/src/ml is pure: data comes in through the domain (@threadline/db), never from the database.',
  },
];
const ONNX_AND_QUEUE_WORKERS = [{ group: ['onnxruntime-node', 'onnxruntime-*'], message: 'The API never loads onnxruntime: scoring runs in the workers.' }];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/.next/**', '**/generated/**', '**/dist/**', '.threadline/**', 'web/next-env.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
    },
  },
  {
    files: ['**/*.test.ts', 'scripts/test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The time comes from a Clock (prisma/src/clock.ts), so tests can fix it and never depend on the hour.
    files: ['prisma/src/**/*.ts', 'api/src/**/*.ts', 'workers/src/**/*.ts'],
    ignores: ['**/*.test.ts', 'prisma/src/clock.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'Read the time from a Clock (@threadline/db/clock), not Date.now().',
        },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Read the time from a Clock (@threadline/db/clock), not new Date().' },
      ],
    },
  },
  forbid(['prisma/**/*.ts'], packageOf('api', 'api'), packageOf('workers', 'workers'), packageOf('web', 'web')),
  forbid(['api/**/*.ts'], packageOf('workers', 'workers'), packageOf('web', 'web'), ONNX_AND_QUEUE_WORKERS),
  forbid(['workers/**/*.ts'], packageOf('api', 'api'), packageOf('web', 'web')),
  forbid(['workers/src/ml/**/*.ts'], packageOf('api', 'api'), packageOf('web', 'web'), DATABASE_DRIVERS),
  forbid(['web/**/*.ts', 'web/**/*.tsx'], packageOf('api', 'api'), packageOf('workers', 'workers'), packageOf('db', 'prisma')),
);
