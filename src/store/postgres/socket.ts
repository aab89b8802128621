import { Buffer } from "node:buffer";
import { EventEmitter } from "node:events";
import { connect } from "cloudflare:sockets";

/**
 * The TCP socket Postgres.js talks through in workerd (its `socket` option), instead of the one its
 * Cloudflare build brings: that one emits "error" after Postgres.js has dropped its listeners (when a
 * client ends, or an idle connection is closed), and an EventEmitter "error" with no listener throws,
 * so every closed connection became an unhandled rejection. Here a close we asked for is a close, and a
 * late error with nobody listening is dropped. Without closing, a Worker that opens a client per request
 * holds its connections until the request ends, which a long test run does not (Postgres refuses
 * connections past max_connections).
 */
export async function workerSocket(options: { host: string[]; port: number[] }): Promise<EventEmitter> {
  const raw = connect({ hostname: options.host[0] ?? "localhost", port: options.port[0] ?? 5432 });
  const writer = raw.writable.getWriter();
  const reader = raw.readable.getReader();
  let ending = false;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    tcp.readyState = "closed";
    tcp.emit("close");
  };
  const fail = (err: unknown) => {
    if (closed) return;
    if (!ending && tcp.listenerCount("error") > 0) tcp.emit("error", err);
    close();
  };
  const tcp = Object.assign(new EventEmitter(), {
    readyState: "open",
    write(data: Uint8Array, cb?: () => void) {
      writer.write(data).then(() => cb?.(), fail);
      return true;
    },
    end(data?: Uint8Array) {
      ending = true;
      const shut = () => void raw.close().catch(() => {});
      if (data) tcp.write(data, shut);
      else shut();
    },
    destroy() {
      tcp.end();
    },
  });
  raw.closed.then(close, fail);
  await raw.opened;
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        tcp.emit("data", Buffer.from(value));
      }
      close();
    } catch (err) {
      fail(err);
    }
  })();
  return tcp;
}
