import { z } from "zod";
import prisma from "~/db.server";
import { parseConnectionSettings } from "~/domain/connection-settings";
import { carrierCompanies } from "~/domain/orders/carrier-companies";
import type { MarketplaceCarrier } from "~/domain/orders/carriers";
import { SHOPIFY_TRACKING_COMPANIES } from "~/domain/orders/shopify-carriers";
import { ConnectionUnavailableError, miraklClientFor } from "~/sync/mirakl-client.server";
import {
  mapCarrier,
  noteCompany,
  refreshCarriers,
  setDefaultCarrier,
  shipmentCompanies,
  storedCarriers,
  unmapCarrier,
} from "~/sync/fulfilments/carriers.server";
import { importCarrierMapCsv } from "~/sync/fulfilments/carrier-map-csv.server";

/** The Carriers page (issue 12): per connection, the marketplace's carriers and which Shopify company ships as which. */

export async function loadCarriersPage(shop: string, requestedConnectionId: string | null) {
  const connections = await prisma.marketplaceConnection.findMany({
    where: { shop },
    select: { id: true, name: true, settings: true },
    orderBy: { name: "asc" },
  });
  // Without a choice, the page opens where shipments wait for a carrier (the exception's fix hint leads here).
  const blocked = requestedConnectionId
    ? null
    : await prisma.marketplaceShipment.findFirst({
        where: { shop, status: "BLOCKED" },
        orderBy: { firstSeenAt: "asc" },
        select: { connectionId: true },
      });
  const wanted = requestedConnectionId ?? blocked?.connectionId;
  const selected = connections.find((c) => c.id === wanted) ?? connections[0] ?? null;
  if (!selected) return { connections: [], selected: null };
  const settings = parseConnectionSettings(selected.settings);
  const carriers = await storedCarriers(selected.id);
  const readAt = await prisma.miraklCarrier.findFirst({
    where: { connectionId: selected.id },
    orderBy: { readAt: "desc" },
    select: { readAt: true },
  });
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
      ...(await companiesOf(shop, selected.id, carriers)),
    },
  };
}

/** Shopify's known companies, those on the connection's fulfilments and those in its map: blocked ones first. */
async function companiesOf(shop: string, connectionId: string, carriers: MarketplaceCarrier[]) {
  const [shipments, mapped] = await Promise.all([
    shipmentCompanies(shop, connectionId),
    prisma.carrierMapping.findMany({ where: { shop, connectionId } }),
  ]);
  return carrierCompanies({
    known: SHOPIFY_TRACKING_COMPANIES,
    ...shipments,
    mapped: mapped.map((m) => ({ ...m, confirmed: m.confirmedAt !== null })),
    carriers,
  });
}

export type CarriersPage = Awaited<ReturnType<typeof loadCarriersPage>>;

const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("refresh") }),
  z.object({ intent: z.literal("map"), company: z.string().trim().min(1).max(255), code: z.string().min(1).max(100) }),
  z.object({ intent: z.literal("unmap"), company: z.string().trim().min(1).max(255) }),
  z.object({ intent: z.literal("default"), code: z.string().max(100) }),
  z.object({ intent: z.literal("import"), csv: z.string().default("") }),
]);

/** Import problems beyond these are counted, not listed. */
const SHOWN_PROBLEMS = 50;

export type CarriersAction =
  | { ok: true; message: string }
  | { ok: false; problem: string; problems?: { line: number; message: string }[]; problemCount?: number };

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
      for (const { company } of (await companiesOf(shop, connectionId, carriers)).companies)
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
      const result = await setDefaultCarrier(shop, connectionId, code, now);
      if (!result.ok) return result;
      return { ok: true, message: code ? `Fulfilments without a carrier ship as ${code}` : "No default carrier" };
    }
    case "import": {
      const result = await importCarrierMapCsv(shop, connectionId, action.csv, now);
      if (!result.ok)
        return {
          ok: false,
          problem: "Nothing was imported: correct the file and import it again",
          problems: result.problems.slice(0, SHOWN_PROBLEMS),
          problemCount: result.problems.length,
        };
      return {
        ok: true,
        message: `Carrier map imported: ${result.added} added, ${result.changed} changed, ${result.removed} removed, ${result.unchanged} unchanged`,
      };
    }
  }
}
