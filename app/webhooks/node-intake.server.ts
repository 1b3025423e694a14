import type { IncomingMessage, ServerResponse } from "node:http";
import getRawBody from "raw-body";
import { appEnv } from "~/config.server";
import { isWebhookTopic } from "~/integrations/shopify/webhook-payloads";
import { logger } from "~/lib/logger.server";
import { payloadTooLargeMessage } from "~/lib/request-body.server";
import { takeWebhookDelivery } from "~/webhooks/intake.server";
import { mayBeWebhook, WEBHOOK_PATH_PREFIX } from "~/webhooks/webhook-path";

/**
 * The webhook intake as server.ts serves it: ahead of express and Remix, straight from Node's request. In a burst
 * Remix's request handling (a Fetch Request per delivery, route matching, a streamed Response) was a third of the
 * web thread's time per delivery, and express's own (its request and response decoration, the router, the body
 * parser's checks) a tenth of the rest; the intake itself is the same function the Remix routes call
 * (`takeWebhookDelivery`), so both answer alike. A request that is not a POST to a webhook topic goes on to
 * `next` (express, then Remix and its 404) with its body unread.
 */
export function receiveNodeWebhook(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const path = mayBeWebhook(req) ? req.url!.split("?", 1)[0]! : "";
  const topic = path.slice(WEBHOOK_PATH_PREFIX.length);
  if (!isWebhookTopic(topic)) return next();
  const limit = appEnv().WEBHOOK_MAX_BODY_BYTES;
  // The HMAC is over the bytes as sent, and Shopify does not compress what it signs.
  const encoding = (req.headers["content-encoding"] ?? "identity").toLowerCase();
  if (encoding !== "identity") return answer(res, 415, `Webhook body could not be read (content encoding ${encoding})`);
  // Within the limit (a declared length past it is refused before reading); every content type, as sent.
  getRawBody(req, { length: req.headers["content-length"], limit }).then(
    (body) =>
      takeWebhookDelivery({ header: (name) => headerValue(req, name), body }, topic).then(
        (taken) => answer(res, taken.status, taken.message),
        (error: unknown) => {
          // Nothing was stored for it (or it is a duplicate): Shopify retries a 5xx. No stack trace in the answer.
          logger.error("webhook: delivery not stored", { topic, error: String(error) });
          answer(res, 500, "Webhook could not be stored; retry");
        },
      ),
    (error: unknown) => answerUnreadable(res, error, limit),
  );
}

/** Node joins repeated headers into one string, except a few it keeps as arrays: the first value, as the library reads. */
function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function answer(res: ServerResponse, status: number, message?: string, close = false) {
  if (res.headersSent) return void res.end();
  const headers: Record<string, string | number> = close ? { Connection: "close" } : {};
  if (message === undefined) return void res.writeHead(status, { ...headers, "Content-Length": 0 }).end();
  const body = Buffer.from(message);
  res
    .writeHead(status, { ...headers, "Content-Type": "text/plain; charset=utf-8", "Content-Length": body.length })
    .end(body);
}

/** raw-body's failures: 413 past the limit, 400 for a body shorter than declared or cut off, 500 otherwise. */
function answerUnreadable(res: ServerResponse, error: unknown, limit: number) {
  const status = (error as { status?: number }).status ?? 400;
  const type = (error as { type?: string }).type;
  if (status >= 500) logger.warn("webhook: reading the body failed", { type, error: String(error) });
  // The unread rest of an oversized body is not worth keeping the connection for.
  if (status === 413) return answer(res, 413, payloadTooLargeMessage(limit), true);
  answer(res, status, `Webhook body could not be read (${type ?? "error"})`);
}
