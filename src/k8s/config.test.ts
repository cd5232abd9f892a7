import { mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tokenFileReader } from "./config";

describe("tokenFileReader (the in-cluster token rotates)", () => {
  it("re-reads the token once the file is replaced, at most once a second", () => {
    const dir = mkdtempSync(join(tmpdir(), "cheiron-token-"));
    const path = join(dir, "token");
    writeFileSync(path, "first\n");
    let now = 1_000;
    const reader = tokenFileReader(path, () => now);
    expect(reader.read()).toBe("first");
    // kubelet swaps a symlinked directory; an atomic rename has the same effect: a new inode
    writeFileSync(join(dir, "next"), "second-token\n");
    renameSync(join(dir, "next"), path);
    now += 500;
    expect(reader.read()).toBe("first"); // checked less than a second ago
    now += 600;
    expect(reader.read()).toBe("second-token");
  });

  it("invalidate() forces the next read (after a 401)", () => {
    const dir = mkdtempSync(join(tmpdir(), "cheiron-token-"));
    const path = join(dir, "token");
    writeFileSync(path, "a");
    const reader = tokenFileReader(path, () => 0);
    expect(reader.read()).toBe("a");
    writeFileSync(path, "b");
    reader.invalidate();
    expect(reader.read()).toBe("b");
  });
});
