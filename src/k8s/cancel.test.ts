// StopSignal: the transport's one-shot stop per request behaves as an AbortSignal does for it.
import { describe, expect, it } from "@jest/globals";
import { StopSignal, untilAborted } from "./cancel";

describe("StopSignal", () => {
  it("aborts once: its listeners run once with the first reason, a removed one and a late one never", () => {
    const s = new StopSignal();
    const ran: string[] = [];
    const a = () => ran.push(`a:${String(s.reason)}`);
    const b = () => ran.push("b");
    s.addEventListener("abort", a);
    s.addEventListener("abort", b);
    s.removeEventListener("abort", b);
    s.abort("timeout");
    s.abort("cancel");
    s.addEventListener("abort", () => ran.push("late"));
    expect(ran).toEqual(["a:timeout"]);
    expect(s.aborted).toBe(true);
    expect(s.reason).toBe("timeout");
  });

  it("ends a wait with its reason (untilAborted), and a wait started after it at once", async () => {
    const s = new StopSignal();
    const waiting = untilAborted(new Promise(() => undefined), s);
    s.abort("cancel");
    await expect(waiting).rejects.toBe("cancel");
    await expect(untilAborted(Promise.resolve(1), s)).rejects.toBe("cancel");
  });
});
