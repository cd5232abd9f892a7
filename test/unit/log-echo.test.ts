// npm start's echo of the module log (scripts/log-echo.ts): Cheiron's records only, from pino JSON and from the
// pino-pretty output of `pepr dev`, with only the known safe fields. The samples were printed by pepr's own Log.
import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { echoCheironLog, formatRecord, isCheiron, parseLog } from "../../scripts/log-echo";

// PEPR_PRETTY_LOGS=true (as pepr dev runs the module); "password" stands for any field not on the safe list.
const PRETTY =
  '[01:38:55.504] \u001b[32mINFO\u001b[39m (26360): \u001b[36mCheiron controller started\u001b[39m\n    \u001b[35mresyncSeconds\u001b[39m: 3600\n[01:38:55.504] \u001b[32mINFO\u001b[39m (26360): \u001b[36mCheiron CRDs ensured\u001b[39m\n    \u001b[35mcrds\u001b[39m: {\n      "a.cheiron.anny.co": "create",\n      "b.cheiron.anny.co": "unchanged"\n    }\n    \u001b[35mversion\u001b[39m: "0.1.0"\n    \u001b[35mpassword\u001b[39m: "hunter2"\n[01:38:55.505] \u001b[32mINFO\u001b[39m (n/26360): \u001b[36mIncoming request\u001b[39m\n    \u001b[35muid\u001b[39m: "x"\n    \u001b[35mnamespace\u001b[39m: "default"\n    \u001b[35moperation\u001b[39m: "CREATE"\n[01:38:55.505] \u001b[33mWARN\u001b[39m (26360): \u001b[36mCheiron reconcile will be retried\u001b[39m\n    \u001b[35mkey\u001b[39m: "ns/team"\n    \u001b[35mattempt\u001b[39m: 2\n    \u001b[35mretryInMs\u001b[39m: 1000\n    error: "409: conflict"\n';
const JSON_LINES =
  '{"level":30,"time":1796089136626,"pid":26372,"hostname":"vm","resyncSeconds":3600,"msg":"Cheiron controller started"}\n{"level":30,"time":1796089136627,"pid":26372,"hostname":"vm","crds":{"a.cheiron.anny.co":"create","b.cheiron.anny.co":"unchanged"},"version":"0.1.0","password":"hunter2","msg":"Cheiron CRDs ensured"}\n{"level":30,"time":1796089136627,"pid":26372,"hostname":"vm","uid":"x","namespace":"default","name":"n","operation":"CREATE","msg":"Incoming request"}\n{"level":40,"time":1796089136627,"pid":26372,"hostname":"vm","key":"ns/team","attempt":2,"retryInMs":1000,"error":"409: conflict","msg":"Cheiron reconcile will be retried"}\n';

const EXPECTED = [
  "[cheiron] 01:38:55 INFO  Cheiron controller started resyncSeconds=3600",
  '[cheiron] 01:38:55 INFO  Cheiron CRDs ensured crds={ "a.cheiron.anny.co": "create", "b.cheiron.anny.co": "unchanged" } version=0.1.0',
  "[cheiron] 01:38:55 WARN  Cheiron reconcile will be retried attempt=2 error=409: conflict key=ns/team retryInMs=1000",
];

describe("log echo", () => {
  it("prints Cheiron's pretty records with their safe fields, and nothing of Pepr's request lines", () => {
    const lines = parseLog(PRETTY).filter(isCheiron).map(formatRecord);
    expect(lines).toEqual(EXPECTED);
    expect(lines.join("\n")).not.toContain("hunter2");
    expect(lines.join("\n")).not.toContain("Incoming request");
  });

  it("reads pino JSON lines the same way", () => {
    const lines = parseLog(JSON_LINES).filter(isCheiron).map(formatRecord);
    expect(lines.map(l => l.replace(/^\[cheiron\] \S+/, ""))).toEqual(
      EXPECTED.map(l =>
        l
          .replace(/^\[cheiron\] \S+/, "")
          .replace(
            /crds=\{.*\} /,
            'crds={"a.cheiron.anny.co":"create","b.cheiron.anny.co":"unchanged"} ',
          ),
      ),
    );
    expect(lines.join("\n")).not.toContain("hunter2");
  });

  it("follows a growing file: a pretty record is printed once complete", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "cheiron-echo-")), "module.log");
    writeFileSync(file, "");
    const printed: string[] = [];
    const stop = echoCheironLog(file, l => printed.push(l), 50);
    const [head, ...rest] = PRETTY.split("\n");
    appendFileSync(file, `${head}\n`);
    await new Promise(r => setTimeout(r, 30));
    appendFileSync(file, `${rest.join("\n")}`);
    // Outcome, not timing: wait (bounded) until the poller has printed as many lines as expected.
    for (let i = 0; i < 200 && printed.length < EXPECTED.length; i++) {
      await new Promise(r => setTimeout(r, 50));
    }
    stop();
    expect(printed).toEqual(EXPECTED);
  });
});
