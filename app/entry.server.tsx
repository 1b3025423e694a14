import { PassThrough } from "node:stream";
import { renderToPipeableStream } from "react-dom/server";
import { RemixServer, isRouteErrorResponse } from "@remix-run/react";
import { createReadableStreamFromReadable, type EntryContext } from "@remix-run/node";
import { isbot } from "isbot";
import { addDocumentResponseHeaders } from "~/shopify.server";
import { startEmbeddedWorkerIfConfigured } from "~/sync/index.server";
import { logger } from "~/lib/logger.server";

export const streamTimeout = 5000;

/** server.ts serves webhooks with it ahead of Remix, in this module graph (one database, one group commit). */
export { receiveNodeWebhook } from "~/webhooks/node-intake.server";
/** server.ts stops the worker and the database with it, once its requests in hand are answered. */
export { stopWorkerAndDatabase } from "~/worker/embedded.server";

// With the embedded database the worker lives in this process (PGlite is single-process).
startEmbeddedWorkerIfConfigured();

export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted || isRouteErrorResponse(error)) return; // a 404 is an answer, not a failure
  // Logged with the stack server-side; the browser only ever sees the error boundary's message.
  logger.error("request failed", {
    url: new URL(request.url).pathname,
    error: error instanceof Error ? error.stack : String(error),
  });
}

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  addDocumentResponseHeaders(request, responseHeaders);
  const userAgent = request.headers.get("user-agent");
  const callbackName = isbot(userAgent ?? "") ? "onAllReady" : "onShellReady";

  return new Promise((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} />, {
      [callbackName]: () => {
        const body = new PassThrough();
        const stream = createReadableStreamFromReadable(body);
        responseHeaders.set("Content-Type", "text/html");
        resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
        pipe(body);
      },
      onShellError(error) {
        reject(error);
      },
      onError(error) {
        responseStatusCode = 500;
        logger.error("render failed", { error: error instanceof Error ? error.stack : String(error) });
      },
    });
    setTimeout(abort, streamTimeout + 1000);
  });
}
