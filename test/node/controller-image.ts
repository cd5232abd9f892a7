// The Pepr controller image built here (scripts/image-build.ts), pushed for the node tests to the open local
// registry (no credentials: pepr deploy creates no pull Secret for it).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pushControllerImage } from "../../scripts/image-build";
import { craneFor } from "../harness/node-images";
import { nodeState } from "./state";

/** Pushes the controller image to the open registry; returns its reference. */
export function pushTestControllerImage(): string {
  const { nodeBin, open } = nodeState();
  const dir = mkdtempSync(join(tmpdir(), "cheiron-image-"));
  try {
    const crane = craneFor(nodeBin, dir, [open]);
    const ref = `${open.host}/pepr/controller:v1.1.4`;
    const t0 = Date.now();
    pushControllerImage(crane, ref);
    const manifest = JSON.parse(crane(["manifest", ref])) as { layers: { size: number }[] };
    const mb = manifest.layers.reduce((n, l) => n + l.size, 0) / 1e6;
    console.log(
      `[image] ${ref}: ${manifest.layers.length} layers, ${mb.toFixed(1)} MB compressed, built (or cached) and pushed in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    return ref;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
