import prisma from "~/db.server";

/**
 * Makes the database refuse the shop's timeline lines of one kind (as a connection dropped between two writes
 * would), so a test can show that the state they tell of is written with them or not at all. Returns the undo.
 */
export async function refuseTimelineLines(shop: string, kind: string): Promise<() => Promise<void>> {
  const name = `refuse_line_${Math.random().toString(36).slice(2, 10)}`;
  await prisma.$executeRawUnsafe(`
    CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'connection lost'; END $$`);
  await prisma.$executeRawUnsafe(`
    CREATE TRIGGER ${name} BEFORE INSERT ON "MarketplaceOrderEvent" FOR EACH ROW
    WHEN (NEW.kind = '${kind.replaceAll("'", "''")}' AND NEW.shop = '${shop.replaceAll("'", "''")}')
    EXECUTE FUNCTION ${name}()`);
  return async () => {
    await prisma.$executeRawUnsafe(`DROP TRIGGER ${name} ON "MarketplaceOrderEvent"`);
    await prisma.$executeRawUnsafe(`DROP FUNCTION ${name}()`);
  };
}
