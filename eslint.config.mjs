// @ts-check
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const bothClients = ['kafkajs', 'cassandra-driver'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/out-tsc/**', '**/node_modules/**', '.nx/**', '**/*.js', '**/*.mjs', 'e2e/.workdir/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@nx': nx },
    rules: {
      // Dependencies point inward (DESIGN.md): apps -> libs, `commitlog` depends on
      // nothing of the project, and only one lib owns each outside client.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:service', 'type:adapter', 'type:util', 'type:contracts', 'type:commitlog'], bannedExternalImports: bothClients },
            { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:adapter', 'type:util', 'type:contracts'], bannedExternalImports: bothClients },
            { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:util', 'type:contracts', 'type:commitlog'] },
            { sourceTag: 'client:kafka', bannedExternalImports: ['cassandra-driver'] },
            { sourceTag: 'client:cassandra', bannedExternalImports: ['kafkajs'] },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [], bannedExternalImports: bothClients },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: [], bannedExternalImports: bothClients },
            { sourceTag: 'type:commitlog', onlyDependOnLibsWithTags: [], bannedExternalImports: bothClients },
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:util', 'type:contracts'], bannedExternalImports: bothClients },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:infra', 'type:adapter', 'type:util', 'type:contracts'], bannedExternalImports: bothClients },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:testing', 'type:infra', 'type:adapter', 'type:service', 'type:util', 'type:contracts', 'type:commitlog'], bannedExternalImports: bothClients },
          ],
        },
      ],
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // Nest declares its option bags as classes; object literals are how they are meant to be passed.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      // Nest modules are classes with only static factories by design.
      '@typescript-eslint/no-extraneous-class': ['error', { allowWithDecorator: true }],
    },
  },
  {
    files: ['**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
