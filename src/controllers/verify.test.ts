// The controller's side of spec.verify with the registry check and Events faked: which registry hosts it
// remembers as contacted (the once-per-spacing limit across managers).
import type { Manager } from "../domain/model";
import { clusterManager, namespacedManager } from "../../test/unit/helpers/fixtures";
import type { WatcherCache } from "./cache";
import type { ManagerState } from "./report";
import { startCredentialChecks } from "./verify";
import { withSignal } from "../k8s/cancel";

jest.mock("pepr", () => ({ Log: { info: jest.fn(), warn: jest.fn() } }));
jest.mock("../k8s/report", () => ({ emitEvent: jest.fn(async () => undefined) }));
jest.mock("../metrics", () => ({ metrics: { credentialChecked: jest.fn() } }));
/** The cancellation signal each registry check ran under (src/k8s/cancel.ts). */
const signalsSeen: (AbortSignal | undefined)[] = [];
jest.mock("../k8s/registry-check", () => ({
  checkRegistryCredential: jest.fn(async () => {
    signalsSeen.push(jest.requireActual("../k8s/cancel").currentSignal());
    return { result: "Valid", message: "ok" };
  }),
}));
/** The hosts planChecks was given as contacted, at each call. */
const contactedSeen: string[][] = [];
jest.mock("../domain/verify", () => {
  const actual = jest.requireActual("../domain/verify");
  return {
    ...actual,
    planChecks: (...args: Parameters<typeof actual.planChecks>) => {
      contactedSeen.push([...(args[2] as Map<string, number>).keys()].sort());
      return actual.planChecks(...args);
    },
  };
});

const cache = { sourcesOf: () => [] } as unknown as WatcherCache;
const verifying = (name: string, registry: string): Manager =>
  namespacedManager(name, "team", {
    secrets: [{ name, registry, username: "u", password: "p" }],
    verify: { enabled: true },
  });
/** Runs one round of checks for a new manager, and lets it finish. */
async function round(m: Manager) {
  startCredentialChecks(cache, m, {} as ManagerState);
  await jest.advanceTimersByTimeAsync(0);
}

describe("startCredentialChecks: the contacted hosts", () => {
  // The module's memory outlives a test: each one starts a day after the last.
  let day = 0;
  beforeEach(() => {
    jest.useFakeTimers({ now: ++day * 86_400_000 });
    contactedSeen.length = 0;
  });
  afterEach(() => jest.useRealTimers());

  it("forgets a host once its spacing (60 s) has passed, and remembers it until then", async () => {
    await round(verifying("a", "a.io"));
    jest.advanceTimersByTime(30_000);
    await round(verifying("b", "b.io"));
    jest.advanceTimersByTime(50_000);
    await round(verifying("c", "c.io"));
    expect(contactedSeen).toEqual([[], ["a.io"], ["b.io"]]);
  });

  it("stays bounded however many registries come and go", async () => {
    for (let i = 0; i < 50; i++) {
      await round(clusterManager(`m${i}`, { ...verifying(`m${i}`, `r${i}.io`).spec }));
      jest.advanceTimersByTime(20_000);
    }
    expect(Math.max(...contactedSeen.map(seen => seen.length))).toBeLessThanOrEqual(3);
  });
});

describe("startCredentialChecks: the run that starts them", () => {
  beforeEach(() => jest.useFakeTimers({ now: 1000 * 86_400_000 }));
  afterEach(() => jest.useRealTimers());

  it("does not hand its cancellation signal to the checks, which outlive it", async () => {
    const run = new AbortController();
    signalsSeen.length = 0;
    withSignal(run.signal, () =>
      startCredentialChecks(cache, verifying("z", "z.io"), {} as ManagerState),
    );
    await jest.advanceTimersByTimeAsync(0);
    expect(signalsSeen).toEqual([undefined]);
  });
});
