// The CRDs the watcher installs: the embedded copy cannot drift from crds/, and the apply decision and the
// calls (GET by name, server-side apply with force, wait for Established) on a fake client. The real apiserver
// is test/integration/crds.test.ts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { CRD_MODULE_VERSION, EMBEDDED_CRDS } from "../api/crds.generated";
import { readCrds, renderGenerated } from "../../scripts/gen-crds";
import type { ApiClient, RequestOptions } from "./client";
import { ApiError } from "./api-error";
import * as S from "./crd-stamp";
import { ensureCrd, ensureCrds } from "./crds";

const REPO = join(__dirname, "../..");

describe("embedded CRDs", () => {
  it("are crds/*.yaml exactly, with their hash and package.json's version (run npm run build if not)", () => {
    const fromYaml = readCrds();
    expect(EMBEDDED_CRDS).toEqual(fromYaml);
    expect(EMBEDDED_CRDS.map(c => c.name)).toEqual([
      "clusterimagepullsecretmanagers.cheiron.anny.co",
      "imagepullsecretmanagers.cheiron.anny.co",
    ]);
    const version = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).version;
    expect(CRD_MODULE_VERSION).toBe(version);
    const file = readFileSync(join(REPO, "src/api/crds.generated.ts"), "utf8");
    expect(file).toBe(renderGenerated(fromYaml, version));
  });

  it("hash the content: key order does not matter, any change of content does", () => {
    const crd = parse(readFileSync(join(REPO, "crds/imagepullsecretmanagers.yaml"), "utf8"));
    const reordered = Object.fromEntries(Object.entries(crd).reverse()) as unknown as S.CrdObject;
    expect(S.crdHash(reordered)).toBe(S.crdHash(crd));
    const changed = { ...crd, spec: { ...crd.spec, scope: "Cluster" } };
    expect(S.crdHash(changed)).not.toBe(S.crdHash(crd));
  });
});

describe("decideCrdAction", () => {
  const ours = { version: "0.2.0", hash: "abc" };
  const a = (version?: string, hash?: string) => ({
    [S.ANNOTATION_CRD_VERSION]: version ?? "",
    [S.ANNOTATION_CRD_HASH]: hash ?? "",
  });
  it.each([
    ["missing", undefined, false, "create"],
    ["same hash", a("0.2.0", "abc"), true, "unchanged"],
    ["same hash, other version", a("0.1.0", "abc"), true, "unchanged"],
    ["older module", a("0.1.9", "old"), true, "update"],
    ["same version, other content", a("0.2.0", "old"), true, "update"],
    ["installed by hand (no annotations)", undefined, true, "update"],
    ["newer module", a("0.10.0", "new"), true, "newer-in-cluster"],
  ])("%s -> %s", (_what, annotations, exists, expected) => {
    expect(S.decideCrdAction(annotations, ours, exists as boolean)).toBe(expected);
  });
});

/** A fake client: CRDs by name; an apply stores the body and marks it Established. */
function fakeClient(stored: Map<string, unknown>) {
  const calls: { method: string; path: string; opts?: RequestOptions }[] = [];
  const name = (path: string) => path.split("/").pop() ?? "";
  const client = {
    get: async (path: string) => {
      calls.push({ method: "GET", path });
      if (!stored.has(name(path))) throw new ApiError("not found", 404, "NotFound");
      return stored.get(name(path));
    },
    request: async (method: string, path: string, opts: RequestOptions) => {
      calls.push({ method, path, opts });
      const body = opts.body as S.CrdObject;
      stored.set(name(path), {
        ...body,
        status: { conditions: [{ type: "Established", status: "True" }] },
      });
      return body;
    },
  } as unknown as ApiClient;
  return { client, calls };
}

describe("ensureCrds", () => {
  it("applies missing CRDs with server-side apply and force, then leaves them alone", async () => {
    const stored = new Map<string, unknown>();
    const { client, calls } = fakeClient(stored);
    expect(Object.values(await ensureCrds(client))).toEqual(["create", "create"]);
    const writes = calls.filter(c => c.method !== "GET");
    expect(writes.map(w => [w.method, w.path, w.opts?.contentType, w.opts?.query])).toEqual(
      EMBEDDED_CRDS.map(c => [
        "PATCH",
        `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${c.name}`,
        "application/apply-patch+yaml",
        { force: true },
      ]),
    );
    const body = writes[0].opts?.body as S.CrdObject;
    expect(body.metadata.annotations).toEqual({
      [S.ANNOTATION_CRD_VERSION]: CRD_MODULE_VERSION,
      [S.ANNOTATION_CRD_HASH]: EMBEDDED_CRDS[0].hash,
    });
    expect(body.spec).toEqual(EMBEDDED_CRDS[0].object.spec);

    calls.length = 0;
    expect(Object.values(await ensureCrds(client))).toEqual(["unchanged", "unchanged"]);
    expect(calls.every(c => c.method === "GET")).toBe(true);
  });

  it("does not downgrade a CRD that a newer Cheiron installed", async () => {
    const crd = EMBEDDED_CRDS[1];
    const newer = S.stampCrd(crd.object, "99.0.0", "ffff");
    const { client, calls } = fakeClient(new Map([[crd.name, newer]]));
    expect(await ensureCrd(client, crd)).toBe("newer-in-cluster");
    expect(calls.map(c => c.method)).toEqual(["GET"]);
  });
});
