// Where the apiserver is and who Cheiron is: loaded once per process (kubeconfig or in-cluster), never per call.
// A token file (the in-cluster projected token rotates) is re-read when the file changes, checked at most
// once a second; other authenticators (exec plugins, OIDC) are asked again every minute.
import { readFileSync, statSync } from "node:fs";
import { KubeConfig } from "@kubernetes/client-node";

export interface ApiConfig {
  server: URL;
  tls: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized: boolean };
  /** The Authorization header value (or undefined), current as of now. */
  authorization(): Promise<string | undefined>;
  /** Forget the cached credentials (after a 401), so the next call reads them afresh. */
  invalidate(): void;
}

const AUTH_REFRESH_MS = 60_000;
const STAT_EVERY_MS = 1_000;

/** Re-reads `path` only when its mtime, size or inode changed (checked at most once a second). */
export function tokenFileReader(path: string, now: () => number = Date.now) {
  let token: string | undefined;
  let stamp = "";
  let checkedAt = -Infinity;
  return {
    read(): string | undefined {
      if (token !== undefined && now() - checkedAt < STAT_EVERY_MS) return token;
      checkedAt = now();
      const st = statSync(path);
      const next = `${st.ino}:${st.size}:${st.mtimeMs}`;
      if (next !== stamp || token === undefined) {
        token = readFileSync(path, "utf8").trim();
        stamp = next;
      }
      return token;
    },
    invalidate() {
      token = undefined;
      stamp = "";
    },
  };
}

export function loadApiConfig(): ApiConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error("No current cluster in the kubeconfig");
  const user = kc.getCurrentUser();
  const buf = (file?: string, data?: string) =>
    file ? readFileSync(file) : data ? Buffer.from(data, "base64") : undefined;
  const tls = {
    ca: buf(cluster.caFile, cluster.caData),
    cert: buf(user?.certFile, user?.certData),
    key: buf(user?.keyFile, user?.keyData),
    rejectUnauthorized: !cluster.skipTLSVerify,
  };
  const tokenFile = (user?.authProvider?.config as { tokenFile?: string } | undefined)?.tokenFile;
  const staticToken = user?.token;
  let cached: { value?: string; at: number } | undefined;
  const file = tokenFile ? tokenFileReader(tokenFile) : undefined;
  return {
    server: new URL(cluster.server),
    tls,
    async authorization() {
      if (file) return `Bearer ${file.read()}`;
      if (staticToken) return `Bearer ${staticToken}`;
      if (!user) return undefined;
      if (cached && Date.now() - cached.at < AUTH_REFRESH_MS) return cached.value;
      const opts: { headers: Record<string, string> } = { headers: {} };
      await kc.applyToHTTPSOptions(opts);
      cached = { value: opts.headers.Authorization, at: Date.now() };
      return cached.value;
    },
    invalidate() {
      file?.invalidate();
      cached = undefined;
    },
  };
}
