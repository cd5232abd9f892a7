import typescriptEslint from "@typescript-eslint/eslint-plugin";
import tsParser from "@typescript-eslint/parser";
import path from "node:path";
import { fileURLToPath } from "node:url";
import js from "@eslint/js";
import { FlatCompat } from "@eslint/eslintrc";
import globals from "globals";

const __filename = fileURLToPath(import.meta.url);
const __dirname = path.dirname(__filename);
const compat = new FlatCompat({
  baseDirectory: __dirname,
  recommendedConfig: js.configs.recommended,
  allConfig: js.configs.all,
});

export default [
  {
    ignores: [
      "**/node_modules",
      "**/dist",
      "**/dist-*",
      "coverage",
      "jest.config.cjs",
      "jest.sequencer.cjs",
      "eslint.config.mjs",
    ],
  },
  ...compat.extends("eslint:recommended", "plugin:@typescript-eslint/recommended"),
  {
    plugins: {
      "@typescript-eslint": typescriptEslint,
    },

    languageOptions: {
      parser: tsParser,
      parserOptions: {
        project: ["./tsconfig.check.json"],
        tsconfigRootDir: __dirname,
        sourceType: "module",
      },
      globals: {
        ...globals.node,
      },
    },

    rules: {
      "@typescript-eslint/no-floating-promises": "error",
    },
  },
  {
    // Tests read API objects as plain JSON.
    files: ["test/**/*.ts", "**/*.test.ts", "bench/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // A focused or skipped test hides the rest of the suite. The one sanctioned skip (something the suite needs is
    // missing, and only where integration tests are not required) is test/harness/skippable.ts.
    files: ["**/*.ts"],
    ignores: ["test/harness/skippable.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector:
            "MemberExpression[object.name=/^(it|test|describe)$/][property.name=/^(only|skip)$/]",
          message:
            "No .only/.skip: use describeUnless/itUnless of test/harness/skippable.ts for a missing prerequisite.",
        },
        {
          selector: "CallExpression[callee.name=/^(fit|fdescribe|xit|xtest|xdescribe)$/]",
          message: "No focused or disabled tests.",
        },
      ],
    },
  },
  {
    // Runtime code never imports test code: the test helpers live under test/ (test/unit/helpers, test/harness).
    files: ["src/**/*.ts", "capabilities/**/*.ts", "pepr.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["**/test/**", "test/**"], message: "Test helpers are for tests only." },
          ],
        },
      ],
    },
  },
];
