// The key of the owner proofs: a Secret in the module's namespace, created once by the first watcher that
// needs it (32 random bytes) and read at every start. Tenants cannot read it, so they cannot forge a proof.
import { randomBytes } from "node:crypto";
import { MODULE_NAMESPACE_DEFAULT, OWNERSHIP_KEY_SECRET } from "../constants";
import { apiClient } from "./client";
import { isConflict, isNotFound } from "./errors";
import { paths } from "./paths";

type KeySecret = { data?: { key?: string } };

export const moduleNamespace = () => process.env.CHEIRON_NAMESPACE || MODULE_NAMESPACE_DEFAULT;

export async function loadOwnershipKey(): Promise<Buffer> {
  const ns = moduleNamespace();
  const read = async () => {
    const s = await apiClient().get<KeySecret>(paths.secret(ns, OWNERSHIP_KEY_SECRET));
    const key = Buffer.from(s.data?.key ?? "", "base64");
    if (key.length < 32)
      throw new Error(`Secret ${ns}/${OWNERSHIP_KEY_SECRET} holds no usable key`);
    return key;
  };
  try {
    return await read();
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  try {
    await apiClient().create(paths.secrets(ns), {
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: OWNERSHIP_KEY_SECRET,
        namespace: ns,
        labels: { "app.kubernetes.io/part-of": "cheiron" },
      },
      type: "Opaque",
      data: { key: randomBytes(32).toString("base64") },
    });
  } catch (e) {
    if (!isConflict(e)) throw e; // another watcher created it first
  }
  return read();
}
