import { execFileSync } from "node:child_process";
import { createMemoryCgroup, inCgroup, parseMemoryQuantity } from "../harness/cgroup";
import { itUnless } from "../harness/skippable";

describe("parseMemoryQuantity", () => {
  it.each([
    ["512Mi", 512 * 2 ** 20],
    ["1Gi", 2 ** 30],
    ["500M", 500e6],
    ["1048576", 1048576],
    ["1.5Gi", 1.5 * 2 ** 30],
    ["", undefined],
    ["lots", undefined],
    [undefined, undefined],
  ])("%p is %p bytes", (q, bytes) => {
    expect(parseMemoryQuantity(q)).toBe(bytes);
  });
});

// Where the machine lets this process make cgroups (root, writable /sys/fs/cgroup) these run; elsewhere they are
// reported as skipped (the scale bench then runs the module uncontained and says so).
const probe = createMemoryCgroup(`cheiron-unit-probe-${process.pid}`, 64 * 2 ** 20);
probe?.remove();
const withCgroups = itUnless(
  probe ? undefined : "this machine lets no process make a memory cgroup (root and a writable /sys/fs/cgroup)",
);

describe("createMemoryCgroup", () => {
  withCgroups("contains a process from its start, so Node sizes its heap from the limit", () => {
    const cg = createMemoryCgroup(`cheiron-unit-${process.pid}`, 512 * 2 ** 20)!;
    try {
      const [cmd, args] = inCgroup(cg, process.execPath, [
        "-e",
        "console.log(JSON.stringify([process.constrainedMemory(), require('v8').getHeapStatistics().heap_size_limit]))",
      ]);
      const [constrained, heapLimit] = JSON.parse(execFileSync(cmd, args).toString());
      expect(constrained).toBe(512 * 2 ** 20);
      // Uncontained on a machine with gigabytes the heap limit is GBs; inside 512 MiB Node picks about half.
      expect(heapLimit).toBeLessThanOrEqual(300 * 2 ** 20);
      expect(cg.oomKills()).toBe(0);
    } finally {
      cg.remove();
    }
  });

  withCgroups("counts a process killed for going past the limit", () => {
    const cg = createMemoryCgroup(`cheiron-unit-oom-${process.pid}`, 64 * 2 ** 20)!;
    try {
      const [cmd, args] = inCgroup(cg, process.execPath, [
        "-e",
        "const keep = []; for (let i = 0; i < 40; i++) keep.push(Buffer.alloc(8 * 2 ** 20, 1));",
      ]);
      expect(() => execFileSync(cmd, args, { stdio: "ignore" })).toThrow();
      expect(cg.oomKills()).toBe(1);
    } finally {
      cg.remove();
    }
  });
});
