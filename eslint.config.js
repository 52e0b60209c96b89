import { builtinModules } from "node:module";
import tseslint from "typescript-eslint";

// The layout's fences (docs/DESIGN.md "Packages"): a package is reached only
// through its package.json "exports", never by a path into its src or dist
// (`@featurewise/x/src/…`, `../../x/src/…`, `../packages/x/dist/…`). A
// package's `src/test-support.ts` (left out of its build) is the one file
// other packages' tests may reach by path.
const deepImport = {
  regex:
    "^(@featurewise/[^/]+|(\\.\\./)+(packages/)?[a-z][a-z0-9-]*)/(src|dist)(/(?!test-support\\.js$)|$)",
  message:
    'import another package through its package.json "exports" (its src/index.ts), not a path into its src or dist',
};

// Core is the math: no Node API and no other featurewise package.
const coreFence = [
  {
    group: ["node:*", ...builtinModules.filter((m) => !m.startsWith("_"))],
    message:
      "packages/core imports no Node API (it is free of I/O): take what it needs as an argument",
  },
  {
    group: ["@featurewise/*", "!@featurewise/core", "!@featurewise/core/*"],
    message:
      "packages/core imports no other featurewise package: the others depend on core, never the other way",
  },
];

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "fixtures/**", "bench/data/**"] },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["**/*.{ts,mts,js,mjs}"],
    rules: { "no-restricted-imports": ["error", { patterns: [deepImport] }] },
  },
  {
    files: ["packages/core/src/**/*.ts"],
    ignores: ["**/*.test.ts", "**/test-support.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [deepImport, ...coreFence] }] },
  },
);
