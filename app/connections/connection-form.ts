import { z } from "zod";

/**
 * Validation of the connection forms (server side; pure, no I/O). Every field error is a sentence a
 * merchant can act on; nothing from here is ever a stack trace.
 */

/** Plain http is only acceptable to a server on this machine (the demo and the Mirakl simulator). */
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

export function normaliseMiraklBaseUrl(url: URL): string {
  // Mirakl's own SDKs take ".../api"; we store the instance root and add "/api/..." per call.
  const pathname = url.pathname
    .replace(/\/+$/, "")
    .replace(/\/api$/i, "")
    .replace(/\/+$/, "");
  return `${url.protocol}//${url.host}${pathname}`;
}

export const miraklBaseUrlSchema = z
  .string({ error: "Enter the marketplace's Mirakl URL" })
  .trim()
  .min(1, "Enter the marketplace's Mirakl URL")
  .max(2048, "This URL is too long")
  .transform((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: "custom", message: "Enter a full URL, such as https://marketplace-prod.mirakl.net" });
      return z.NEVER;
    }
    const loopback = LOOPBACK_HOSTS.has(url.hostname);
    if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
      ctx.addIssue({
        code: "custom",
        message: "The URL must start with https:// (plain http is only allowed for 127.0.0.1 or localhost)",
      });
      return z.NEVER;
    }
    if (url.username || url.password) {
      ctx.addIssue({
        code: "custom",
        message: "Remove the user name and password from the URL; the API key goes in its own field",
      });
      return z.NEVER;
    }
    if (url.search || url.hash || value.includes("?") || value.includes("#")) {
      ctx.addIssue({ code: "custom", message: "Remove the query string (?…) and fragment (#…) from the URL" });
      return z.NEVER;
    }
    return normaliseMiraklBaseUrl(url);
  });

export const connectionNameSchema = z
  .string({ error: "Give the connection a name" })
  .trim()
  .min(1, "Give the connection a name")
  .max(80, "Keep the name under 80 characters");

const optionalShopIdSchema = z
  .string()
  .trim()
  .max(20, "A Mirakl shop id is a number of at most 20 digits")
  .regex(/^\d*$/, "A Mirakl shop id is a number (leave it empty if the key has one shop)")
  .transform((value) => (value === "" ? null : value));

const apiKeyValue = z
  .string()
  .trim()
  .max(512, "This API key is too long")
  .refine((value) => value === "" || value.length >= 8, "This API key is too short")
  .refine((value) => !/\s/.test(value), "An API key has no spaces in it");

export const newConnectionSchema = z.object({
  name: connectionNameSchema,
  baseUrl: miraklBaseUrlSchema,
  miraklShopId: optionalShopIdSchema.prefault(""),
  apiKey: apiKeyValue.refine((value) => value !== "", "Paste the API key from the Mirakl back office"),
});

/** Editing: a blank key keeps the stored one (the form never shows it). */
export const editConnectionSchema = z.object({
  name: connectionNameSchema,
  baseUrl: miraklBaseUrlSchema,
  miraklShopId: optionalShopIdSchema.prefault(""),
  apiKey: apiKeyValue.default(""),
});

export type NewConnectionForm = z.output<typeof newConnectionSchema>;
export type EditConnectionForm = z.output<typeof editConnectionSchema>;
export type ConnectionField = "name" | "baseUrl" | "miraklShopId" | "apiKey";
export type FieldErrors = Partial<Record<ConnectionField | "form", string>>;

/** First message per field, for inline display. */
export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = (typeof issue.path[0] === "string" ? issue.path[0] : "form") as keyof FieldErrors;
    errors[field] ??= issue.message;
  }
  return errors;
}

/** Reads the connection fields of a submitted form (missing ones as undefined, so zod names them). */
export function connectionFormValues(form: FormData) {
  const value = (name: string) => {
    const v = form.get(name);
    return typeof v === "string" ? v : undefined;
  };
  return {
    name: value("name"),
    baseUrl: value("baseUrl"),
    miraklShopId: value("miraklShopId"),
    apiKey: value("apiKey"),
  };
}
