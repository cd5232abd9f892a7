// Why Cheiron waits a moment before writing into a namespace it has just seen created (src/controllers/settle.ts).
// On a fresh control plane with PRE namespaces (default 1,000), a client watches namespaces; for each sample it
// creates a namespace, waits for its own watch to deliver it, waits DELAY ms more, and creates a Secret there.
// Printed per delay: the Secret create's latency and how many creates the apiserver's NamespaceLifecycle
// admission held for more than 25 ms (its 50 ms wait when its own namespace cache has not seen the namespace).
//   npm run bench:ns-race                      # delays 0,2,5,10 ms, 60 samples each
//   DELAYS=0,5 SAMPLES=200 npm run bench:ns-race
import { readFileSync } from "node:fs";
import { percentile } from "./load";
import { startControlPlane, stopControlPlane } from "../test/harness/control-plane";
import { sleep } from "../test/harness/proc";
import { buildK8s } from "../scripts/k8s-build";
import { Api, bounded, Watch } from "./scale-kube";
import { readAdmissionSlow } from "./scale-metrics";

const DELAYS = (process.env.DELAYS || "0,2,5,10").split(",").map(Number);
const SAMPLES = Number(process.env.SAMPLES || 60);
const PRE = Number(process.env.PRE ?? 1000);

async function main() {
  const bin = process.env.CHEIRON_K8S_BIN || buildK8s();
  const cp = await startControlPlane(bin);
  try {
    const api = new Api(cp.server, cp.adminToken, readFileSync(cp.caFile), 16);
    const seen = new Map<string, () => void>();
    const watch = new Watch(api, "/api/v1/namespaces", (t, o) => {
      if (t === "ADDED") seen.get(o.metadata.name)?.();
    });
    await watch.start();
    const pre = Array.from({ length: PRE }, (_, i) => `pre-${i}`);
    await bounded(pre, 16, async name => {
      await api.must("POST", "/api/v1/namespaces", { metadata: { name } });
    });
    await sleep((PRE / 20) * 1000 + 5000); // the controller-manager's default ServiceAccounts, at 20/s
    const rows: Record<number, number[]> = {};
    for (const d of DELAYS) rows[d] = [];
    const before = await readAdmissionSlow(api);
    let k = 0;
    for (let round = 0; round < SAMPLES; round++) {
      for (const d of DELAYS) {
        const name = `race-${k++}`;
        const delivered = new Promise<void>(r => seen.set(name, r));
        await api.must("POST", "/api/v1/namespaces", { metadata: { name } });
        await delivered;
        if (d) await sleep(d);
        const t0 = performance.now();
        await api.must("POST", `/api/v1/namespaces/${name}/secrets`, { metadata: { name: "s" } });
        rows[d].push(performance.now() - t0);
      }
    }
    const held = (await readAdmissionSlow(api)).namespaceLifecycle - before.namespaceLifecycle;
    console.log("delay ms  samples  p50 ms  p99 ms  max ms  Secret creates over 45 ms");
    for (const d of DELAYS) {
      const ms = rows[d];
      console.log(
        `${String(d).padStart(8)} ${String(ms.length).padStart(8)} ${percentile(ms, 50).toFixed(1).padStart(7)}` +
          ` ${percentile(ms, 99).toFixed(1).padStart(7)} ${Math.max(...ms)
            .toFixed(1)
            .padStart(7)}` +
          ` ${String(ms.filter(x => x > 45).length).padStart(26)}`,
      );
    }
    console.log(
      `NamespaceLifecycle held ${held} creates over 25 ms in all (these Secrets and the controller-manager's` +
        ` default ServiceAccounts of the same namespaces)`,
    );
    watch.stop();
  } finally {
    await stopControlPlane(cp);
  }
}

main().then(
  () => process.exit(0),
  e => (console.error(e), process.exit(1)),
);
