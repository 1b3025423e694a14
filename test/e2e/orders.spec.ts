import { expect, test } from "@playwright/test";
import { countAfterReload, openHydrated } from "./hydrated";

// A customer orders on the demo marketplace (the Mirakl simulator, shop 3001 on DEMO_PORT + 1); the app reads
// it with its next order poll (once a minute on Mirakl's clock), decides each line and sends OR21. The bottle
// is stocked at the warehouse the demo connection sells from; the stove's offer has no Shopify variant.
// Neither SKU is used by the other specs, whose stock figures this order must not move.
const simulatorUrl = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3457) + 1}`;
const MIRAKL_SHOP = 3001;
const STOCKED = "BOT-INS-08";
const NO_VARIANT = "STOVE-CMP-OLD";

test("an order placed on the demo marketplace is decided line by line, paid, made in Shopify and shipped through the carrier map", async ({
  page,
  request,
}) => {
  // One order poll a minute, plus the decision: allow two polls; then the debit and one more poll.
  test.setTimeout(360_000);

  await openHydrated(page, "/app/demo/marketplace");
  await page.getByLabel(`Quantity for ${STOCKED}`).fill("2");
  await page.getByLabel(`Quantity for ${NO_VARIANT}`).fill("1");
  await page.getByRole("button", { name: "Place order" }).click();
  const placed = page.getByText(/^Order SIM-\d+-A placed$/);
  await expect(placed).toBeVisible();
  const orderId = /Order (SIM-\d+-A) placed/.exec((await placed.textContent()) ?? "")![1]!;

  // The Orders page lists it once read, and shows the decision once sent.
  await openHydrated(page, `/app/orders?q=${orderId}`);
  await expect
    .poll(
      async () => {
        await page.reload();
        // allTextContents does not wait for the row: before the app has read the order there is none.
        return (await page.locator("tbody tr").filter({ hasText: orderId }).allTextContents()).join(" ");
      },
      { timeout: 170_000, intervals: [2_000, 5_000] },
    )
    .toContain("Partly accepted");

  // Mirakl applied it: the bottle line accepted, the stove line refused.
  const orders = (await (await request.get(`${simulatorUrl}/_sim/orders?shop_id=${MIRAKL_SHOP}`)).json()) as {
    order_id: string;
    order_lines: { offer_sku: string; order_line_state: string }[];
  }[];
  const onMirakl = orders.find((order) => order.order_id === orderId)!;
  const stateOf = (sku: string) => onMirakl.order_lines.find((line) => line.offer_sku === sku)!.order_line_state;
  expect(stateOf(NO_VARIANT)).toBe("REFUSED");
  expect(["WAITING_DEBIT_PAYMENT", "SHIPPING"]).toContain(stateOf(STOCKED));

  // The order page says why, line by line, and the timeline tells what happened.
  await page.getByRole("link", { name: orderId }).click();
  await expect(page.getByRole("heading", { name: new RegExp(orderId) })).toBeVisible();
  await expect(page.getByText(new RegExp(`Refuse line ${orderId}-2: .*${NO_VARIANT}`)).first()).toBeVisible();
  await expect(page.getByText(new RegExp(`Accept line ${orderId}-1`)).first()).toBeVisible();
  await expect(page.getByText(/OR21 sent: accepted .*; refused /)).toBeVisible();

  // A minute later Mirakl debits the customer (moved on here rather than waited for); the app's next read sees
  // the order to ship and creates its Shopify order: the Order page links to it, the demo store lists it.
  await request.post(`${simulatorUrl}/_sim/clock/advance`, { data: { ms: 61_000 } });
  const shopifyLink = page.getByRole("link", { name: /^Open #\d+ in Shopify$/ });
  await expect.poll(countAfterReload(page, shopifyLink), { timeout: 150_000, intervals: [2_000, 5_000] }).toBe(1);
  const shopifyName = /#\d+/.exec((await shopifyLink.textContent()) ?? "")![0];
  await expect(page.getByText(/Created Shopify order #\d+ .*no receipt sent to the customer/).first()).toBeVisible();

  await openHydrated(page, "/app/demo/shopify");
  const row = page.locator("tr").filter({ hasText: orderId });
  await expect(row).toContainText(shopifyName);
  await expect(row).toContainText(STOCKED);

  // The merchant ships one bottle with a carrier the demo map leaves unmapped: the marketplace takes only its own
  // carriers, so the Orders page says the order waits for its carrier (and nothing reaches Mirakl).
  const fulfilForm = () =>
    page.locator("form").filter({ has: page.getByRole("button", { name: `Fulfil ${shopifyName}` }) });
  await fulfilForm().getByLabel("Carrier", { exact: true }).selectOption("Mondial Relay");
  await fulfilForm().getByLabel(`${STOCKED} (2 to fulfil)`).fill("1");
  await fulfilForm()
    .getByRole("button", { name: `Fulfil ${shopifyName}` })
    .click();
  await expect(page.getByText(/fulfilment #\d+\.1 created.*the app accepted it/)).toBeVisible();
  const fulfilment = async () => {
    await page.reload();
    return (await page.locator("tbody tr").filter({ hasText: orderId }).allTextContents()).join(" ");
  };
  await openHydrated(page, `/app/orders?q=${orderId}`);
  await expect.poll(fulfilment, { timeout: 30_000, intervals: [1_000] }).toContain("Carrier not mapped");

  // The Carriers page shows it first, blocked; mapping it sends the waiting tracking by itself.
  await openHydrated(page, "/app/carriers");
  // Other specs add connections: the demo's is one tab among them.
  await page.getByRole("tab", { name: "Decathlon (demo)" }).click();
  await expect(page.getByText(/Blocked: 1 order waits/).first()).toBeVisible();
  await page.getByLabel("Marketplace carrier for Mondial Relay", { exact: true }).selectOption("COLISSIMO");
  await page.getByRole("button", { name: "Map: Marketplace carrier for Mondial Relay" }).click();
  await expect(page.getByText('"Mondial Relay" now ships as COLISSIMO')).toBeVisible();
  await openHydrated(page, `/app/orders?q=${orderId}`);
  await expect.poll(fulfilment, { timeout: 30_000, intervals: [1_000] }).toContain("Partly fulfilled");
  let mirakl = (await (await request.get(`${simulatorUrl}/_sim/orders?shop_id=${MIRAKL_SHOP}`)).json()) as {
    order_id: string;
    order_state: string;
    shipping_carrier_code: string | null;
  }[];
  expect(mirakl.find((o) => o.order_id === orderId)).toMatchObject({
    order_state: "SHIPPING",
    shipping_carrier_code: "COLISSIMO",
  });

  // The second bottle ships with UPS (mapped): every unit is fulfilled, so Mirakl is told the order shipped.
  await openHydrated(page, "/app/demo/shopify");
  await fulfilForm().getByLabel("Carrier", { exact: true }).selectOption("UPS");
  await fulfilForm()
    .getByRole("button", { name: `Fulfil ${shopifyName}` })
    .click();
  await expect(page.getByText(/fulfilment #\d+\.2 created.*the app accepted it/)).toBeVisible();
  await openHydrated(page, `/app/orders?q=${orderId}`);
  await expect.poll(fulfilment, { timeout: 30_000, intervals: [1_000] }).toContain("Shipped on Mirakl");
  mirakl = (await (await request.get(`${simulatorUrl}/_sim/orders?shop_id=${MIRAKL_SHOP}`)).json()) as typeof mirakl;
  expect(mirakl.find((o) => o.order_id === orderId)).toMatchObject({
    order_state: "SHIPPED",
    shipping_carrier_code: "UPS",
  });

  // A bottle comes back: the merchant refunds it in Shopify. The demo connection has no default refund reason, so
  // the refund waits on the Order page for one; once chosen, Mirakl gets one OR28 with it.
  await openHydrated(page, "/app/demo/shopify");
  await page.getByLabel(`${STOCKED} to refund (2 left)`).fill("1");
  await page.getByRole("button", { name: `Refund ${shopifyName}` }).click();
  await expect(page.getByText(/refund of 1 unit.*Shopify sent refunds\/create and the app accepted it/)).toBeVisible();
  await openHydrated(page, `/app/orders?q=${orderId}`);
  const orderPage = await page.getByRole("link", { name: orderId }).getAttribute("href");
  await openHydrated(page, orderPage!);
  const refundReason = page.getByLabel("Refund reason");
  await expect.poll(countAfterReload(page, refundReason), { timeout: 30_000, intervals: [1_000] }).toBe(1);
  await expect(page.getByText("No refund reason: the marketplace needs one with every refund").first()).toBeVisible();
  await refundReason.selectOption("16");
  await page.getByRole("button", { name: "Send with this reason" }).click();
  const refundsOnMirakl = async () => {
    const orders = (await (await request.get(`${simulatorUrl}/_sim/orders?shop_id=${MIRAKL_SHOP}`)).json()) as {
      order_id: string;
      order_lines: { refunds?: { reason_code: string; amount: number }[] }[];
    }[];
    return orders.find((o) => o.order_id === orderId)!.order_lines.flatMap((l) => l.refunds ?? []);
  };
  await expect.poll(refundsOnMirakl, { timeout: 30_000, intervals: [1_000] }).toHaveLength(1);
  expect((await refundsOnMirakl())[0]).toMatchObject({ reason_code: "16" });
  // Mirakl holds the refund as soon as it answers; the app records it just after: reload until the page says so.
  const refundSent = page.getByText(/Refund sent to Mirakl \(OR28\)/);
  await expect.poll(countAfterReload(page, refundSent), { timeout: 30_000, intervals: [1_000] }).toBeGreaterThan(0);
});
