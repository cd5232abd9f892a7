// kubernetes-fluent-client, @kubernetes/client-node and a few of their dependencies ship ESM only:
// let ts-jest (allowJs) transform them instead of ignoring node_modules wholesale.
const esm = [
  "kubernetes-fluent-client",
  "@kubernetes/client-node",
  "openid-client",
  "oauth4webapi",
  "jose",
  "hpagent",
  "undici",
  "ws",
  "isomorphic-ws",
  "rfc4648",
  "stream-buffers",
  "tar-fs",
  "yaml",
  "quicktype-core",
  "@jsep-plugin",
  "jsep",
  "jsonpath-plus",
  "uuid",
];
const transformIgnorePatterns = [`/node_modules/(?!(${esm.join("|")})/)`];
const transform = {
  "^.+\\.[tj]sx?$": [
    "ts-jest",
    {
      tsconfig: { allowJs: true, module: "commonjs", esModuleInterop: true, isolatedModules: true },
      diagnostics: false,
    },
  ],
};
const SLOW_PODS = ["oom", "token-rotation"];
const common = {
  testEnvironment: "node",
  transform,
  transformIgnorePatterns,
  moduleFileExtensions: ["ts", "js", "mjs", "cjs", "json"],
};

module.exports = {
  // The scale test runs last (jest.sequencer.cjs says why).
  testSequencer: "<rootDir>/jest.sequencer.cjs",
  projects: [
    {
      ...common,
      displayName: "unit",
      testMatch: ["<rootDir>/src/**/*.test.ts", "<rootDir>/test/unit/**/*.test.ts"],
    },
    {
      ...common,
      displayName: "integration",
      testMatch: ["<rootDir>/test/integration/**/*.test.ts"],
      globalSetup: "<rootDir>/test/harness/global-setup.ts",
      globalTeardown: "<rootDir>/test/harness/global-teardown.ts",
      setupFilesAfterEnv: ["<rootDir>/test/harness/jest-setup.ts"],
    },
    // The built module run as its two Deployments, with its own control plane (test/deployed/cluster.ts).
    { ...common, displayName: "deployed", testMatch: ["<rootDir>/test/deployed/**/*.test.ts"] },
    // The fault matrix (issue 12 #2): the built watcher on a control plane of its own per file (test/faults/).
    {
      ...common,
      displayName: "faults",
      testMatch: ["<rootDir>/test/faults/**/*.test.ts"],
      setupFilesAfterEnv: ["<rootDir>/test/harness/jest-setup.ts"],
    },
    // A real node (kubelet, containerd, runc) pulling private images from local registries (issue 23,
    // test/harness/node-cluster.ts). Runs on the host's network, one file at a time: npm run test:node.
    {
      ...common,
      displayName: "node",
      testMatch: ["<rootDir>/test/node/**/*.test.ts"],
      globalSetup: "<rootDir>/test/node/global-setup.ts",
      globalTeardown: "<rootDir>/test/node/global-teardown.ts",
      setupFilesAfterEnv: ["<rootDir>/test/node/jest-setup.ts"],
    },
    // `npx pepr deploy` onto the same kind of cluster, the module as its own Pods on the node (issue 25 #3):
    // no module beside it. Host network and the node lock too: npm run test:pods.
    {
      ...common,
      displayName: "pods",
      testMatch: ["<rootDir>/test/pods/**/*.test.ts"],
      testPathIgnorePatterns: SLOW_PODS.map(f => `/test/pods/${f}\\.test\\.ts$`),
      globalSetup: "<rootDir>/test/pods/global-setup.ts",
      globalTeardown: "<rootDir>/test/node/global-teardown.ts",
      setupFilesAfterEnv: ["<rootDir>/test/node/jest-setup.ts"],
    },
    // The two Pod faults that wait on the kubelet's clock (npm run test:pods-slow, not in npm test): a token
    // rotation cannot come sooner than 80% of the API's least expirationSeconds (600 s), and the OOM kill lowers
    // the watcher's limit in 90 s steps. Together about 15 minutes.
    {
      ...common,
      displayName: "pods-slow",
      testMatch: SLOW_PODS.map(f => `<rootDir>/test/pods/${f}.test.ts`),
      globalSetup: "<rootDir>/test/pods/global-setup.ts",
      globalTeardown: "<rootDir>/test/node/global-teardown.ts",
      setupFilesAfterEnv: ["<rootDir>/test/node/jest-setup.ts"],
    },
    // `CHEIRON_START=deployed npm start` (issue 25 #6): npm start brings up its own node, so no global setup here
    // (the node and pods setups each start one). Host network and the node lock: npm run test:start.
    { ...common, displayName: "start", testMatch: ["<rootDir>/test/start/**/*.test.ts"] },
  ],
};
