import { retryOnConflict } from "./conflict";

const conflict = { ok: false, status: 409, statusText: "Conflict" };

describe("retryOnConflict", () => {
  it("re-reads and retries after a 409, computing from the fresh object", async () => {
    const seen: number[] = [];
    let version = 1;
    const result = await retryOnConflict(
      version,
      async v => {
        seen.push(v);
        if (v < 3) throw conflict;
        return `wrote from v${v}`;
      },
      async () => ++version,
    );
    expect(result).toBe("wrote from v3");
    expect(seen).toEqual([1, 2, 3]);
  });

  it("gives up after the given number of tries and rethrows the 409", async () => {
    let calls = 0;
    const attempt = async () => {
      calls++;
      throw conflict;
    };
    await expect(retryOnConflict(0, attempt, async () => 0, 3)).rejects.toBe(conflict);
    expect(calls).toBe(3);
  });

  it("does not retry other errors", async () => {
    let calls = 0;
    const forbidden = { ok: false, status: 403 };
    const attempt = async () => {
      calls++;
      throw forbidden;
    };
    await expect(retryOnConflict(0, attempt, async () => 0)).rejects.toBe(forbidden);
    expect(calls).toBe(1);
  });
});
