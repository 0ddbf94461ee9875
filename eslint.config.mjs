// @ts-check
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const bothClients = ['kafkajs', 'cassandra-driver'];

/**
 * Dependencies point inward (apps -> service -> adapters -> contracts/config), `commitlog`
 * depends on nothing of the project, and only one lib owns each outside client.
 * `testTags` are the extra tags tests may use (the test helpers).
 */
function boundaries(testTags) {
  const only = (...tags) => [...tags, ...testTags];
  return {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: [
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: only('type:service', 'type:adapter', 'type:util', 'type:contracts', 'type:commitlog'), bannedExternalImports: bothClients },
      { sourceTag: 'type:service', onlyDependOnLibsWithTags: only('type:adapter', 'type:util', 'type:contracts'), bannedExternalImports: bothClients },
      { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: only('type:util', 'type:contracts', 'type:commitlog') },
      { sourceTag: 'client:kafka', bannedExternalImports: ['cassandra-driver'] },
      { sourceTag: 'client:cassandra', bannedExternalImports: ['kafkajs'] },
      { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [], bannedExternalImports: bothClients },
      { sourceTag: 'type:util', onlyDependOnLibsWithTags: only(), bannedExternalImports: bothClients },
      { sourceTag: 'type:commitlog', onlyDependOnLibsWithTags: only(), bannedExternalImports: bothClients },
      { sourceTag: 'type:infra', onlyDependOnLibsWithTags: only('type:adapter', 'type:util', 'type:contracts'), bannedExternalImports: bothClients },
      { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:infra', 'type:adapter', 'type:util', 'type:contracts'], bannedExternalImports: bothClients },
      { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:testing', 'type:infra', 'type:adapter', 'type:service', 'type:util', 'type:contracts', 'type:commitlog'], bannedExternalImports: bothClients },
    ],
  };
}

export default tseslint.config(
  { ignores: ['**/dist/**', '**/out-tsc/**', '**/node_modules/**', '.nx/**', '**/*.js', '**/*.mjs', 'e2e/.workdir/**', '.meridian/**', 'libs/commitlog/corpus/out-tsc/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries([])],
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
    // The decoder's byte loops index typed arrays within bounds they have just checked;
    // `!` there is the cheap statement of that, where a fallback would cost on every byte.
    files: ['libs/commitlog/src/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['**/*.spec.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries(['type:testing'])],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
