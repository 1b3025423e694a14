import { z } from "zod";
import prisma from "~/db.server";
import { parseConnectionSettings } from "~/domain/connection-settings";
import { companyKey } from "~/domain/orders/carriers";
import { SHOPIFY_TRACKING_COMPANIES } from "~/domain/orders/shopify-carriers";
import { mergeConnectionSettings } from "~/connections/connections.server";
import { ConnectionUnavailableError, miraklClientFor } from "~/sync/mirakl-client.server";
import {
  mapCarrier,
  noteCompany,
  refreshCarriers,
  storedCarriers,
  unmapCarrier,
} from "~/sync/fulfilments/carriers.server";

/** The Carriers page (issue 12): per connection, the marketplace's carriers and which Shopify company ships as which. */

export async function loadCarriersPage(shop: string, requestedConnectionId: string | null) {
  const connections = await prisma.marketplaceConnection.findMany({
    where: { shop },
    select: { id: true, name: true, settings: true },
    orderBy: { name: "asc" },
  });
  const selected = connections.find((c) => c.id === requestedConnectionId) ?? connections[0] ?? null;
  if (!selected) return { connections: [], selected: null };
  const settings = parseConnectionSettings(selected.settings);
  const carriers = await storedCarriers(selected.id);
  const readAt = await prisma.miraklCarrier.findFirst({
    where: { connectionId: selected.id },
    orderBy: { readAt: "desc" },
    select: { readAt: true },
  });
  const labelOf = new Map(carriers.map((c) => [c.code, c.label]));
  const mappings = await prisma.carrierMapping.findMany({
    where: { shop, connectionId: selected.id },
    orderBy: [{ company: "asc" }],
  });
  const mappedKeys = new Set(mappings.map((m) => m.companyKey));
  return {
    connections: connections.map(({ id, name }) => ({ id, name })),
    selected: {
      id: selected.id,
      name: selected.name,
      carriers,
      carriersReadAt: readAt?.readAt.toISOString() ?? null,
      defaultCarrierCode: settings.defaultCarrierCode,
      /** PC01 `disable_seller_alternative_carrier`, as the last "Test connection" read it; null: not tested. */
      alternativeCarriersAllowed: settings.lastCheck?.sellerAlternativeCarriers ?? null,
      // Suggestions waiting for a person first, then carriers the marketplace no longer lists, then the rest.
      mappings: mappings
        .map((m) => ({
          company: m.company,
          miraklCode: m.miraklCode,
          miraklLabel: labelOf.get(m.miraklCode) ?? null,
          confirmed: m.confirmedAt !== null,
        }))
        .sort((a, b) => rank(a) - rank(b) || a.company.localeCompare(b.company)),
      /** Shopify's known companies not mapped yet, offered when adding one. */
      unmappedCompanies: SHOPIFY_TRACKING_COMPANIES.filter((c) => !mappedKeys.has(companyKey(c))),
    },
  };
}

const rank = (m: { confirmed: boolean; miraklLabel: string | null }) =>
  !m.confirmed ? 0 : m.miraklLabel === null ? 1 : 2;

export type CarriersPage = Awaited<ReturnType<typeof loadCarriersPage>>;

const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("refresh") }),
  z.object({ intent: z.literal("map"), company: z.string().trim().min(1).max(255), code: z.string().min(1).max(100) }),
  z.object({ intent: z.literal("unmap"), company: z.string().trim().min(1).max(255) }),
  z.object({ intent: z.literal("default"), code: z.string().max(100) }),
]);

export type CarriersAction = { ok: true; message: string } | { ok: false; problem: string };

export async function applyCarriersAction(
  shop: string,
  connectionId: string,
  form: Record<string, unknown>,
  now = new Date(),
): Promise<CarriersAction> {
  const parsed = actionSchema.safeParse(form);
  if (!parsed.success) return { ok: false, problem: "The form could not be read: reload the page" };
  const connection = await prisma.marketplaceConnection.findFirst({
    where: { id: connectionId, shop },
    select: { id: true },
  });
  if (!connection) return { ok: false, problem: "No such connection" };
  const action = parsed.data;
  switch (action.intent) {
    case "refresh": {
      let mirakl;
      try {
        mirakl = await miraklClientFor(shop, connectionId);
      } catch (error) {
        if (error instanceof ConnectionUnavailableError) return { ok: false, problem: error.message };
        throw error;
      }
      const carriers = await refreshCarriers({ id: connectionId, shop }, mirakl, now);
      if (!carriers)
        return { ok: false, problem: "Mirakl could not be read: see the exception on the Exceptions page" };
      let suggested = 0;
      for (const company of SHOPIFY_TRACKING_COMPANIES)
        if (await noteCompany(shop, connectionId, company, carriers)) suggested++;
      return {
        ok: true,
        message: `${carriers.length} marketplace carriers read${suggested ? `; ${suggested} new suggestions to confirm` : ""}`,
      };
    }
    case "map": {
      const result = await mapCarrier(shop, connectionId, action.company, action.code, now);
      return result.ok ? { ok: true, message: `"${action.company}" now ships as ${action.code}` } : result;
    }
    case "unmap":
      await unmapCarrier(shop, connectionId, action.company);
      return { ok: true, message: `"${action.company}" is no longer mapped` };
    case "default": {
      const code = action.code || null;
      if (code && !(await storedCarriers(connectionId)).some((c) => c.code === code))
        return { ok: false, problem: `${code} is not one of the marketplace's carriers` };
      await mergeConnectionSettings(shop, connectionId, { defaultCarrierCode: code });
      return { ok: true, message: code ? `Fulfilments without a carrier ship as ${code}` : "No default carrier" };
    }
  }
}
