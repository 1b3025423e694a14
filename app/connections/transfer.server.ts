import { z } from "zod";
import prisma from "~/db.server";
import { connectionNameSchema, miraklBaseUrlSchema } from "~/connections/connection-form";
import { keylessConnectionData, toSummary, type ConnectionSummary } from "~/connections/connections.server";
import { connectionSettingsSchema, parseConnectionSettings } from "~/domain/connection-settings";
import { companyKey } from "~/domain/orders/carriers";

/**
 * Agencies set up one store and copy its marketplace connections to the next: an export carries
 * names, URLs, shop ids, settings and the confirmed carrier map, never an API key (not even encrypted: keys are bound to their
 * shop). Imported connections arrive disabled with "API key required" until a key is entered.
 */

export const EXPORT_FORMAT = "mirakl-bridge/connections";
export const EXPORT_VERSION = 1;
export const IMPORT_MAX_BYTES = 1_000_000;

const exportedConnectionSchema = z.object({
  name: connectionNameSchema,
  baseUrl: miraklBaseUrlSchema,
  miraklShopId: z
    .string()
    .regex(/^\d{1,20}$/, "miraklShopId must be a number")
    .nullable()
    .default(null),
  settings: connectionSettingsSchema.default(() => connectionSettingsSchema.parse({})),
  /** Confirmed carrier mappings (carrier codes are the marketplace's, the same in every shop). */
  carrierMap: z
    .array(
      z.object({
        company: z.string().trim().min(1).max(255),
        miraklCode: z.string().min(1).max(100),
      }),
    )
    .max(1000)
    .default([]),
});

export const connectionExportSchema = z.object({
  format: z.literal(EXPORT_FORMAT, {
    error: `This is not a Mirakl Bridge connections export (expected "format": "${EXPORT_FORMAT}")`,
  }),
  version: z.literal(EXPORT_VERSION, {
    error: `Unsupported export version (this app reads version ${EXPORT_VERSION})`,
  }),
  exportedAt: z.string().optional(),
  connections: z
    .array(exportedConnectionSchema)
    .min(1, "The export has no connections in it")
    .max(100, "At most 100 connections per import"),
});
export type ConnectionExport = z.input<typeof connectionExportSchema>;

export async function exportConnections(shop: string, now = new Date()) {
  const rows = await prisma.marketplaceConnection.findMany({ where: { shop }, orderBy: { name: "asc" } });
  const mappings = await prisma.carrierMapping.findMany({
    where: { shop, confirmedAt: { not: null } },
    orderBy: { company: "asc" },
    select: { connectionId: true, company: true, miraklCode: true },
  });
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: now.toISOString(),
    connections: rows.map((row) => {
      // Only the fields listed here leave the shop: no key, no ciphertext, no ids, no test results.
      const {
        lastCheck: _lastCheck,
        partialAcceptanceForbidden: _learnt,
        shippingPlatform: _platform,
        ...settings
      } = parseConnectionSettings(row.settings);
      const carrierMap = mappings
        .filter((m) => m.connectionId === row.id)
        .map(({ company, miraklCode }) => ({ company, miraklCode }));
      return { name: row.name, baseUrl: row.baseUrl, miraklShopId: row.miraklShopId, settings, carrierMap };
    }),
  };
}

export type NameClash = "rename" | "skip";

export type ImportResult =
  | { ok: false; errors: string[] }
  | { ok: true; created: { name: string; originalName: string; connection: ConnectionSummary }[]; skipped: string[] };

/** Readable zod issues, pointing at the connection they are about. */
function describeIssues(error: z.ZodError, data: unknown): string[] {
  return error.issues.slice(0, 10).map((issue) => {
    const [head, index, ...rest] = issue.path;
    if (head === "connections" && typeof index === "number") {
      const name = (data as { connections?: { name?: unknown }[] })?.connections?.[index]?.name;
      const label = typeof name === "string" && name.trim() ? `"${name.trim()}"` : `#${index + 1}`;
      return `Connection ${label}${rest.length ? ` (${rest.join(".")})` : ""}: ${issue.message}`;
    }
    return issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message;
  });
}

function freeName(wanted: string, taken: Set<string>): string {
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? `${wanted} (imported)` : `${wanted} (imported ${n})`;
    if (!taken.has(candidate.toLowerCase())) return candidate.slice(0, 80);
  }
}

/** Validates the whole file first; nothing is created unless all of it is valid. */
export async function importConnections(shop: string, text: string, onClash: NameClash): Promise<ImportResult> {
  if (!text.trim()) return { ok: false, errors: ["Choose an export file or paste its contents"] };
  if (Buffer.byteLength(text, "utf8") > IMPORT_MAX_BYTES)
    return { ok: false, errors: ["This file is too large to be a connections export"] };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, errors: ["This is not valid JSON. Paste the whole file exported from another shop."] };
  }
  const parsed = connectionExportSchema.safeParse(data);
  if (!parsed.success) return { ok: false, errors: describeIssues(parsed.error, data) };

  const existing = await prisma.marketplaceConnection.findMany({ where: { shop }, select: { name: true } });
  const taken = new Set(existing.map((row) => row.name.toLowerCase()));
  const plan: { name: string; originalName: string; entry: (typeof parsed.data.connections)[number] }[] = [];
  const skipped: string[] = [];
  for (const entry of parsed.data.connections) {
    let name = entry.name;
    if (taken.has(name.toLowerCase())) {
      if (onClash === "skip") {
        skipped.push(name);
        continue;
      }
      name = freeName(name, taken);
    }
    taken.add(name.toLowerCase());
    plan.push({ name, originalName: entry.name, entry });
  }

  const rows = await prisma.$transaction(
    plan.map(({ name, entry }) =>
      prisma.marketplaceConnection.create({
        data: keylessConnectionData(shop, {
          name,
          baseUrl: entry.baseUrl,
          miraklShopId: entry.miraklShopId,
          // Shopify location ids belong to the source shop (they are global ids): kept, they would count as
          // "configured" and push 0 for every offer. The locations, their warehouse mapping, names and the
          // "rules saved" mark are chosen again here; buffers, holdback, cap and prices carry over.
          settings: {
            ...entry.settings,
            stock: { ...entry.settings.stock, locationIds: [], warehouses: [] },
            lastCheck: null,
            partialAcceptanceForbidden: false,
            shippingPlatform: null,
            stockConfiguredAt: null,
            locationNames: {},
          },
        }),
      }),
    ),
  );
  // The carrier map comes confirmed: whoever exported it confirmed it for the same marketplace.
  const now = new Date();
  await prisma.carrierMapping.createMany({
    data: plan.flatMap(({ entry }, index) =>
      entry.carrierMap.map((m) => ({
        shop,
        connectionId: rows[index]!.id,
        companyKey: companyKey(m.company),
        company: m.company,
        miraklCode: m.miraklCode,
        confirmedAt: now,
      })),
    ),
    skipDuplicates: true,
  });
  return {
    ok: true,
    created: plan.map((item, index) => ({
      name: item.name,
      originalName: item.originalName,
      connection: toSummary(rows[index]!),
    })),
    skipped,
  };
}
