/**
 * Bounded request bodies. Anything that reads a body before authenticating it (webhooks: the HMAC covers the
 * whole body) must refuse an oversized one before reading it, or one large unauthenticated POST exhausts memory.
 */

export const payloadTooLargeMessage = (limitBytes: number) => `Request body larger than ${limitBytes} bytes`;

/** The 413 every refusal answers, thrown as Remix expects. */
export function payloadTooLarge(limitBytes: number): Response {
  return new Response(payloadTooLargeMessage(limitBytes), {
    status: 413,
    // The unread rest of the body is not worth keeping the connection for.
    headers: { Connection: "close" },
  });
}

/** True when the declared Content-Length alone is over the limit (or not a length at all). */
export function declaredLengthExceeds(contentLength: string | null | undefined, limitBytes: number): boolean {
  if (contentLength === null || contentLength === undefined || contentLength === "") return false;
  if (!/^\d+$/.test(contentLength.trim())) return true;
  return Number(contentLength) > limitBytes;
}

/**
 * The body's bytes, read at most up to `limitBytes`: a larger declared length is refused without reading, and a
 * body without one (chunked) is cut off as soon as it passes the limit. Throws a 413 Response.
 */
export async function readBodyWithin(request: Request, limitBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  if (declaredLengthExceeds(request.headers.get("content-length"), limitBytes)) throw payloadTooLarge(limitBytes);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limitBytes) {
      await reader.cancel().catch(() => undefined);
      throw payloadTooLarge(limitBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
