import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import pluginQuery from '@tanstack/eslint-plugin-query'
import boundaries from 'eslint-plugin-boundaries'

// Who may import whom: lib/ui → features → app. Within features the base ones (pbx → settings →
// calls) serve the rest; agent composes alerts and history. A cycle, or src/ reaching into sim/ or
// server/ outside test setup, fails lint.
const base = ['lib', 'ui']
const core = [...base, 'session', 'pbx', 'settings', 'calls']
const mayImport = {
  lib: [],
  ui: ['lib'],
  // Who is signed in and their rights: below the PBX client (a 401 there ends the session).
  session: base,
  pbx: [...base, 'session'],
  settings: [...base, 'session', 'pbx'],
  calls: [...base, 'session', 'pbx', 'settings'],
  theme: core,
  history: core,
  supervisor: core,
  alerts: core,
  agent: [...core, 'alerts', 'history'],
  // A supervisor's reports and today's figures, on the server's call records.
  reports: core,
  app: [...core, 'theme', 'history', 'supervisor', 'alerts', 'agent', 'reports'],
  testing: [...core, 'sim', 'server'],
  // The server and simulator share the PBX's schemas and small helpers with the panel.
  sim: ['lib', 'pbx'],
  server: ['sim', 'lib', 'pbx'],
  e2e: ['sim'],
}
const features = ['session', 'pbx', 'settings', 'calls', 'theme', 'history', 'supervisor', 'alerts', 'agent', 'reports']
const elements = [
  { type: 'lib', pattern: 'src/lib' },
  { type: 'ui', pattern: 'src/components' },
  ...features.map((f) => ({ type: f, pattern: `src/features/${f}` })),
  { type: 'app', pattern: 'src/app' },
  { type: 'testing', pattern: 'src/testing' },
  { type: 'sim', pattern: 'sim' },
  { type: 'server', pattern: 'server' },
  { type: 'e2e', pattern: 'e2e' },
]
/** Tests may also use the test setup (MSW, the simulator behind it, fixtures). */
const policies = (tests) =>
  Object.entries(mayImport).map(([from, to]) => ({
    from: { element: { type: from } },
    allow: { to: { element: { type: [from, ...to, ...(tests && from !== 'e2e' ? ['testing'] : [])] } } },
  }))

export default tseslint.config(
  { ignores: ['dist', 'dist-server', 'test-results', 'playwright-report', 'bench/out', 'docs'] },
  {
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    files: ['**/*.{ts,tsx,js,mjs}'],
    languageOptions: { ecmaVersion: 2023, globals: { ...globals.browser, ...globals.node } },
    plugins: { 'react-hooks': reactHooks, '@tanstack/query': pluginQuery, boundaries },
    settings: { 'boundaries/elements': elements },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...pluginQuery.configs.recommended.rules,
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'boundaries/dependencies': ['error', { default: 'disallow', policies: policies(false) }],
    },
  },
  {
    files: ['**/*.test.{ts,tsx}'],
    rules: { 'boundaries/dependencies': ['error', { default: 'disallow', policies: policies(true) }] },
  },
)
