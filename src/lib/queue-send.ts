/**
 * Sends queue bodies in as few calls as Queues allow: one `send` for a single body, else `sendBatch`
 * chunks of at most 100 messages and 256 KB in total (each body must fit the 128 KB message limit).
 */
const MAX_SEND_BATCH_BYTES = 200 * 1024;
const encoder = new TextEncoder();

/** UTF-8 size of a value's JSON, or its bound (length × 3) when that still fits `room`: the exact count only near a limit. */
export const jsonBytes = (v: unknown, room = 0) => {
  const json = JSON.stringify(v);
  return json.length * 3 <= room ? json.length * 3 : encoder.encode(json).length;
};

export async function sendAll(queue: Queue, bodies: readonly unknown[]): Promise<void> {
  const [only] = bodies;
  if (bodies.length === 1) {
    await queue.send(only, { contentType: "json" });
    return;
  }
  let chunk: MessageSendRequest[] = [];
  let size = 0;
  for (const body of bodies) {
    const n = jsonBytes(body, MAX_SEND_BATCH_BYTES - size);
    if (chunk.length === 100 || (chunk.length > 0 && size + n > MAX_SEND_BATCH_BYTES)) {
      await queue.sendBatch(chunk);
      chunk = [];
      size = 0;
    }
    chunk.push({ body, contentType: "json" });
    size += n;
  }
  if (chunk.length) await queue.sendBatch(chunk);
}
