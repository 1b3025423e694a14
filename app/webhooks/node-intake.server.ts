import express from "express";
import { appEnv } from "~/config.server";
import { isWebhookTopic } from "~/integrations/shopify/webhook-payloads";
import { logger } from "~/lib/logger.server";
import { payloadTooLargeMessage } from "~/lib/request-body.server";
import { takeWebhookDelivery } from "~/webhooks/intake.server";

const PREFIX = "/webhooks/";

/** One body reader per limit: express's raw parser (body-parser) reads within it and answers 413 past it. */
let rawBody: { limit: number; read: express.RequestHandler } | undefined;
function rawBodyReader(limit: number) {
  if (rawBody?.limit !== limit) {
    // Every content type, as sent: the HMAC is over the bytes, and Shopify does not compress what it signs.
    rawBody = { limit, read: express.raw({ type: () => true, limit, inflate: false }) };
  }
  return rawBody.read;
}

/**
 * The webhook intake as server.ts serves it: ahead of Remix, straight from Node's request. In a burst Remix's
 * request handling (a Fetch Request per delivery, route matching, a streamed Response) was a third of the web
 * thread's time per delivery; the intake itself is the same function the Remix routes call
 * (`takeWebhookDelivery`), so both answer alike. A path that is not a webhook topic goes on to Remix (its 404).
 */
export function receiveNodeWebhook(req: express.Request, res: express.Response, next: express.NextFunction): void {
  const topic = req.path.startsWith(PREFIX) ? req.path.slice(PREFIX.length) : "";
  if (!isWebhookTopic(topic)) return next();
  const limit = appEnv().WEBHOOK_MAX_BODY_BYTES;
  rawBodyReader(limit)(req, res, (readError?: unknown) => {
    if (readError) return answerUnreadable(res, readError, limit);
    // No body at all (neither a length nor chunks) leaves body-parser's `{}`: an empty body, refused as such.
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    takeWebhookDelivery({ header: (name) => headerValue(req, name), body }, topic).then(
      (answer) => {
        res.status(answer.status);
        if (answer.message) res.type("text/plain").send(answer.message);
        else res.end();
      },
      (error: unknown) => {
        // Nothing was stored for it (or it is a duplicate): Shopify retries a 5xx. No stack trace in the answer.
        logger.error("webhook: delivery not stored", { topic, error: String(error) });
        if (!res.headersSent) res.status(500).type("text/plain").send("Webhook could not be stored; retry");
      },
    );
  });
}

/** Node joins repeated headers into one string, except a few it keeps as arrays: the first value, as the library reads. */
function headerValue(req: express.Request, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function answerUnreadable(res: express.Response, error: unknown, limit: number) {
  const status = (error as { status?: number }).status ?? 400;
  const type = (error as { type?: string }).type;
  if (status >= 500) logger.warn("webhook: reading the body failed", { type, error: String(error) });
  // The unread rest of an oversized body is not worth keeping the connection for.
  if (status === 413) res.set("Connection", "close");
  res
    .status(status)
    .type("text/plain")
    .send(status === 413 ? payloadTooLargeMessage(limit) : `Webhook body could not be read (${type ?? "error"})`);
}
