// The first step of every HTTP/2 connection: a TLS connection that offers h2 and http/1.1 (ALPN). The client
// reads what the server chose to pick its transport (client.ts); transport-h2.ts opens its connections so.
import { isIP } from "node:net";
import tls from "node:tls";
import { TCP_KEEPALIVE_MS } from "./transport";

/** A TLS connection offering h2 and http/1.1 (ALPN); the caller reads `alpnProtocol` to see what was chosen. */
export function connectAlpn(
  origin: URL,
  tlsOptions: tls.ConnectionOptions,
  timeoutMs: number,
): Promise<tls.TLSSocket> {
  const host = origin.hostname.replace(/^\[(.*)\]$/, "$1");
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      ...tlsOptions,
      host,
      port: Number(origin.port || 443),
      servername: isIP(host) ? undefined : host,
      ALPNProtocols: ["h2", "http/1.1"],
    });
    const timer = setTimeout(
      () => socket.destroy(new Error(`no TLS handshake within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      socket.setKeepAlive(true, TCP_KEEPALIVE_MS); // TCP keep-alive, as the HTTP/1.1 agent's sockets have
      resolve(socket);
    });
    socket.once("error", e => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** The server answered a new connection without h2: the client goes back to choosing a transport. */
export class NotHttp2Error extends Error {}
