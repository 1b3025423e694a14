import prisma from "~/db.server";
import { MiraklError, type MiraklClient } from "~/integrations/mirakl";
import { companyKey, suggestCarrier, type CarrierMapEntry, type MarketplaceCarrier } from "~/domain/orders/carriers";
import { mergeConnectionSettings } from "~/connections/connections.server";
import { workUnits } from "~/worker/registry.server";
import { reportMiraklFailure } from "~/sync/mirakl-failures.server";

/**
 * A connection's carriers (SH21, read daily and on demand) and its carrier map (issue 12): which marketplace
 * carrier each Shopify tracking company ships with. The fulfilment flow resolves carriers from these with the pure
 * `resolveCarrier`; the Carriers page edits the map.
 */

/** SH21 is "daily discovery": a list older than this is read again before it is used. */
export const CARRIERS_MAX_AGE_MS = 24 * 60 * 60_000;

interface Connection {
  id: string;
  shop: string;
}

export async function storedCarriers(connectionId: string): Promise<MarketplaceCarrier[]> {
  const rows = await prisma.miraklCarrier.findMany({ where: { connectionId }, orderBy: { label: "asc" } });
  return rows.map((row) => ({
    code: row.code,
    label: row.label,
    standardCode: row.standardCode,
    trackingUrl: row.trackingUrl,
  }));
}

/**
 * Reads SH21 and replaces the stored list (a carrier the marketplace dropped is dropped here too; mappings to it
 * then block their shipments with a reason, rather than send a code Mirakl refuses). Returns the new list, or null
 * when Mirakl could not be read (reported; the stored list stays).
 */
export async function refreshCarriers(
  connection: Connection,
  mirakl: MiraklClient,
  now: Date,
): Promise<MarketplaceCarrier[] | null> {
  let listed;
  try {
    listed = await mirakl.listCarriers();
  } catch (error) {
    if (!(error instanceof MiraklError)) throw error;
    await reportMiraklFailure(connection, error, "SH21 carriers", now);
    return null;
  }
  const carriers = listed.map((c) => ({
    code: c.code,
    label: c.label || c.code,
    standardCode: c.standard_code || null,
    trackingUrl: c.tracking_url || null,
  }));
  await prisma.$transaction([
    prisma.miraklCarrier.deleteMany({
      where: { connectionId: connection.id, code: { notIn: carriers.map((c) => c.code) } },
    }),
    ...carriers.map((carrier) =>
      prisma.miraklCarrier.upsert({
        where: { connectionId_code: { connectionId: connection.id, code: carrier.code } },
        create: { connectionId: connection.id, ...carrier, readAt: now },
        update: { ...carrier, readAt: now },
      }),
    ),
  ]);
  return carriers;
}

/** The stored list, read again from SH21 first when it is missing or a day old. */
export async function currentCarriers(connection: Connection, mirakl: MiraklClient, now: Date) {
  const newest = await prisma.miraklCarrier.findFirst({
    where: { connectionId: connection.id },
    orderBy: { readAt: "desc" },
    select: { readAt: true },
  });
  if (!newest || now.getTime() - newest.readAt.getTime() >= CARRIERS_MAX_AGE_MS) {
    const refreshed = await refreshCarriers(connection, mirakl, now);
    if (refreshed) return refreshed;
  }
  return storedCarriers(connection.id);
}

export async function carrierMap(shop: string, connectionId: string): Promise<CarrierMapEntry[]> {
  const rows = await prisma.carrierMapping.findMany({ where: { shop, connectionId } });
  return rows.map((row) => ({
    companyKey: row.companyKey,
    miraklCode: row.miraklCode,
    confirmed: row.confirmedAt !== null,
  }));
}

/**
 * A Shopify company the shop ships with, seen on a fulfilment or listed by Shopify: remembered for the Carriers
 * page with the app's suggestion (unconfirmed), unless it is already there. Returns whether it was new.
 */
export async function noteCompany(
  shop: string,
  connectionId: string,
  company: string,
  carriers: readonly MarketplaceCarrier[],
): Promise<boolean> {
  const key = companyKey(company);
  if (!key) return false;
  const suggestion = suggestCarrier(company, carriers);
  if (!suggestion) return false; // nothing to propose: the page lists it among the unmapped companies
  const created = await prisma.carrierMapping.createMany({
    data: [{ shop, connectionId, companyKey: key, company: company.trim(), miraklCode: suggestion.code }],
    skipDuplicates: true,
  });
  return created.count > 0;
}

export type MapCarrierResult = { ok: true } | { ok: false; problem: string };

/**
 * The merchant maps (or confirms) a company to one of the marketplace's carriers. The fulfilment unit runs again
 * at once: it resolves blocked shipments on every run, so those waiting for this company go out by themselves.
 */
export async function mapCarrier(
  shop: string,
  connectionId: string,
  company: string,
  miraklCode: string,
  now = new Date(),
): Promise<MapCarrierResult> {
  const key = companyKey(company);
  if (!key) return { ok: false, problem: "Enter the carrier's name as Shopify shows it" };
  const connection = await prisma.marketplaceConnection.findFirst({
    where: { id: connectionId, shop },
    select: { id: true },
  });
  if (!connection) return { ok: false, problem: "No such connection" };
  const carrier = await prisma.miraklCarrier.findUnique({
    where: { connectionId_code: { connectionId, code: miraklCode } },
  });
  if (!carrier) return { ok: false, problem: `${miraklCode} is not one of the marketplace's carriers` };
  await prisma.carrierMapping.upsert({
    where: { connectionId_companyKey: { connectionId, companyKey: key } },
    create: { shop, connectionId, companyKey: key, company: company.trim(), miraklCode, confirmedAt: now },
    update: { miraklCode, confirmedAt: now },
  });
  await workUnits.fulfilments.markDirty(connectionId, shop, now);
  return { ok: true };
}

/**
 * The carrier a fulfilment naming no tracking company ships as (null: such a shipment waits for a person). Like a
 * mapping, saving it runs the fulfilment unit again, which releases the shipments it blocked.
 */
export async function setDefaultCarrier(
  shop: string,
  connectionId: string,
  miraklCode: string | null,
  now = new Date(),
): Promise<MapCarrierResult> {
  const connection = await prisma.marketplaceConnection.findFirst({
    where: { id: connectionId, shop },
    select: { id: true },
  });
  if (!connection) return { ok: false, problem: "No such connection" };
  if (miraklCode && !(await storedCarriers(connectionId)).some((c) => c.code === miraklCode))
    return { ok: false, problem: `${miraklCode} is not one of the marketplace's carriers` };
  if (!(await mergeConnectionSettings(shop, connectionId, { defaultCarrierCode: miraklCode })))
    return { ok: false, problem: "No such connection" };
  await workUnits.fulfilments.markDirty(connectionId, shop, now);
  return { ok: true };
}

/**
 * The companies the connection's fulfilments named, and its blocked shipments one per (company, order): what the
 * Carriers page lists besides Shopify's known companies, and how many orders each unmapped company holds back.
 */
export async function shipmentCompanies(shop: string, connectionId: string) {
  const [seen, blocked] = await Promise.all([
    prisma.marketplaceShipment.findMany({
      where: { shop, connectionId },
      distinct: ["company"],
      select: { company: true },
    }),
    prisma.marketplaceShipment.groupBy({
      by: ["company", "orderId"],
      where: { shop, connectionId, status: "BLOCKED" },
    }),
  ]);
  return { seen: seen.map((s) => s.company), blocked };
}

export async function unmapCarrier(shop: string, connectionId: string, company: string): Promise<void> {
  await prisma.carrierMapping.deleteMany({ where: { shop, connectionId, companyKey: companyKey(company) } });
}
