// The owner-proof key: read from its Secret in the module's namespace, created once (32 random bytes) by the first
// watcher that finds none; a watcher that loses that race uses the winner's key; a key that is too short, or a read
// that fails otherwise than 404, stops the start (never a new key over an existing one).
import { ApiError } from "./api-error";
import { ApiClient, setApiClient } from "./client";
import { loadOwnershipKey } from "./ownership-key";

type KeySecret = { metadata: { name: string; namespace: string }; data?: { key?: string } };
const PATH = "/api/v1/namespaces/cheiron-test/secrets/cheiron-ownership-key";

/** One Secret that may exist; `created` holds what the watcher created; `onCreate` runs before a create lands. */
function setup(existing?: KeySecret["data"]) {
  let stored: KeySecret | undefined = existing
    ? { metadata: { name: "cheiron-ownership-key", namespace: "cheiron-test" }, data: existing }
    : undefined;
  const created: { path: string; body: KeySecret }[] = [];
  const api = {
    readError: undefined as ApiError | undefined,
    onCreate: undefined as (() => void) | undefined,
    created,
    /** Another watcher's Secret lands. */
    put: (data: KeySecret["data"]) =>
      (stored = { metadata: { name: "cheiron-ownership-key", namespace: "cheiron-test" }, data }),
  };
  const client = {
    async get(path: string) {
      if (api.readError) throw api.readError;
      if (path !== PATH || !stored) throw new ApiError("not found", 404, "NotFound");
      return stored;
    },
    async create(path: string, body: KeySecret) {
      api.onCreate?.();
      if (stored) throw new ApiError("exists", 409, "AlreadyExists");
      created.push({ path, body });
      stored = body;
      return body;
    },
  };
  setApiClient(client as unknown as ApiClient);
  return api;
}

const key32 = (fill: number) => Buffer.alloc(32, fill);

describe("loadOwnershipKey", () => {
  beforeEach(() => (process.env.CHEIRON_NAMESPACE = "cheiron-test"));
  afterEach(() => {
    delete process.env.CHEIRON_NAMESPACE;
    setApiClient(undefined);
  });

  it("uses the key that exists and creates nothing", async () => {
    const api = setup({ key: key32(7).toString("base64") });
    expect(await loadOwnershipKey()).toEqual(key32(7));
    expect(api.created).toEqual([]);
  });

  it("creates a random 32-byte key in the module's namespace when there is none, and uses it", async () => {
    const api = setup();
    const key = await loadOwnershipKey();
    expect(api.created).toHaveLength(1);
    const { path, body } = api.created[0];
    expect(path).toBe("/api/v1/namespaces/cheiron-test/secrets");
    expect(body.metadata).toMatchObject({
      name: "cheiron-ownership-key",
      namespace: "cheiron-test",
    });
    expect(key).toHaveLength(32);
    expect(key).toEqual(Buffer.from(body.data!.key!, "base64"));
  });

  it("uses the other watcher's key when that one created it first (409)", async () => {
    const api = setup();
    api.onCreate = () => api.put({ key: key32(9).toString("base64") });
    expect(await loadOwnershipKey()).toEqual(key32(9));
    expect(api.created).toEqual([]);
  });

  it("refuses a key shorter than 32 bytes and does not replace it", async () => {
    const api = setup({ key: Buffer.alloc(16, 1).toString("base64") });
    await expect(loadOwnershipKey()).rejects.toThrow(/holds no usable key/);
    expect(api.created).toEqual([]);
  });

  it("rethrows a failed read that is not a 404, creating nothing", async () => {
    const api = setup();
    api.readError = new ApiError("forbidden", 403, "Forbidden");
    await expect(loadOwnershipKey()).rejects.toMatchObject({ status: 403 });
    expect(api.created).toEqual([]);
  });
});
