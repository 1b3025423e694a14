import type {
  FakeCustomer,
  FakeFulfillment,
  FakeFulfillmentOrder,
  FakeInventoryBehaviour,
  FakeLineItem,
  FakeLocation,
  FakeMailingAddress,
  FakeMoney,
  FakeOrder,
  FakeOrderTransaction,
  FakeRefund,
  FakeShippingLine,
  FakeShopStore,
  FakeTaxLine,
  FakeVariant,
} from "./store";

/**
 * What Shopify does to a shop when an order is created, fulfilled, cancelled or refunded, reduced to the
 * effects our sync observes (inventory states, fulfillment orders, statuses). Mutations and test seeding share it.
 */
export interface FakeUserError {
  field: string[] | null;
  message: string;
  code?: string | null;
}
export type ActionResult<T> = { ok: T; userErrors?: undefined } | { ok?: undefined; userErrors: FakeUserError[] };

const money = (value: number) => value.toFixed(2);

// ---- orderCreate --------------------------------------------------------------------------------------------

interface MoneyBagInput {
  shopMoney: { amount: string | number; currencyCode: string };
  presentmentMoney?: { amount: string | number; currencyCode: string } | null;
}
interface TaxLineInput {
  title: string;
  rate: string | number;
  priceSet?: MoneyBagInput | null;
  channelLiable?: boolean | null;
}
export interface MailingAddressInput {
  firstName?: string | null;
  lastName?: string | null;
  company?: string | null;
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  zip?: string | null;
  provinceCode?: string | null;
  province?: string | null;
  countryCode?: string | null;
  country?: string | null;
  phone?: string | null;
}
interface UpsertCustomerInput {
  id?: string | null;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  phone?: string | null;
  note?: string | null;
  tags?: string[] | null;
  taxExempt?: boolean | null;
}

/** OrderCreateOrderInput (2026-07), the fields the fake keeps; unknown fields are ignored as Shopify stores them. */
export interface CreateOrderInput {
  /** FULFILLED: the order is created with every line fulfilled (an imported order that already shipped). */
  fulfillmentStatus?: "FULFILLED" | "PARTIAL" | "RESTOCKED" | null;
  currency?: string | null;
  presentmentCurrency?: string | null;
  email?: string | null;
  phone?: string | null;
  note?: string | null;
  name?: string | null;
  tags?: string[] | null;
  sourceName?: string | null;
  sourceIdentifier?: string | null;
  sourceUrl?: string | null;
  financialStatus?: string | null;
  processedAt?: string | null;
  taxesIncluded?: boolean | null;
  test?: boolean | null;
  buyerAcceptsMarketing?: boolean | null;
  customAttributes?: Array<{ key: string; value: string }> | null;
  customer?: {
    toAssociate?: { id?: string | null; email?: string | null } | null;
    toUpsert?: UpsertCustomerInput | null;
  } | null;
  customerId?: string | null;
  shippingAddress?: MailingAddressInput | null;
  billingAddress?: MailingAddressInput | null;
  taxLines?: TaxLineInput[] | null;
  lineItems?: Array<{
    variantId?: string | null;
    sku?: string | null;
    title?: string | null;
    variantTitle?: string | null;
    vendor?: string | null;
    quantity: number;
    priceSet?: MoneyBagInput | null;
    taxLines?: TaxLineInput[] | null;
    properties?: Array<{ name: string; value: string }> | null;
    requiresShipping?: boolean | null;
    taxable?: boolean | null;
    giftCard?: boolean | null;
  }> | null;
  shippingLines?: Array<{
    title: string;
    code?: string | null;
    source?: string | null;
    priceSet: MoneyBagInput;
    taxLines?: TaxLineInput[] | null;
  }> | null;
  transactions?: Array<{
    kind?: string | null;
    status?: string | null;
    gateway?: string | null;
    amountSet: MoneyBagInput;
    authorizationCode?: string | null;
    processedAt?: string | null;
    test?: boolean | null;
  }> | null;
  metafields?: Array<{
    namespace?: string | null;
    key?: string | null;
    type?: string | null;
    value?: string | null;
  }> | null;
}

/** OrderCreateOptionsInput, plus the API version the request came in (processedAt rules changed in 2026-07). */
export interface CreateOrderOptions {
  inventoryBehaviour?: FakeInventoryBehaviour | null;
  sendReceipt?: boolean | null;
  sendFulfillmentReceipt?: boolean | null;
  apiVersion?: string;
}

/** Amounts in cents, shop and presentment side by side, so rounding happens once, at the cent. */
interface Cents {
  shop: number;
  presentment: number;
}
const cents = (amount: string | number) => Math.round(Number(amount) * 100);
const centsOf = (bag: MoneyBagInput): Cents => ({
  shop: cents(bag.shopMoney.amount),
  presentment: cents((bag.presentmentMoney ?? bag.shopMoney).amount),
});
const zero = (): Cents => ({ shop: 0, presentment: 0 });
const add = (a: Cents, b: Cents): Cents => ({ shop: a.shop + b.shop, presentment: a.presentment + b.presentment });
const sum = (values: Cents[]) => values.reduce(add, zero());
const toMoney = (c: Cents): FakeMoney => ({ shop: money(c.shop / 100), presentment: money(c.presentment / 100) });
const fromMoney = (m: FakeMoney): Cents => ({ shop: cents(m.shop), presentment: cents(m.presentment) });

/**
 * The tax a rate makes on a base, rounded to the cent: added on top when prices exclude tax, the share of the
 * price it already holds when they include it (`base × rate / (1 + rate)`).
 */
const taxOn = (base: number, rate: number, taxesIncluded: boolean) =>
  Math.round(taxesIncluded ? (base * rate) / (1 + rate) : base * rate);
const computedTax = (base: Cents, rate: number, taxesIncluded: boolean): Cents => ({
  shop: taxOn(base.shop, rate, taxesIncluded),
  presentment: taxOn(base.presentment, rate, taxesIncluded),
});

/** Splits `total` across `weights` in proportion, the rounding cents going to the largest remainders. */
function allocate(total: number, weights: number[]): number[] {
  const weightSum = weights.reduce((s, w) => s + w, 0);
  if (weightSum === 0) return weights.map((_, index) => (index === 0 ? total : 0));
  const exact = weights.map((w) => (total * w) / weightSum);
  const shares = exact.map(Math.floor);
  let left = total - shares.reduce((s, v) => s + v, 0);
  const order = exact
    .map((value, index) => ({ index, rest: value - Math.floor(value) }))
    .sort((a, b) => b.rest - a.rest);
  for (const { index } of order) {
    if (left <= 0) break;
    shares[index]! += 1;
    left -= 1;
  }
  return shares;
}

/**
 * Shopify's totals for an order: subtotal (line prices, which hold the tax when `taxesIncluded`), shipping,
 * total tax (lines and shipping), and the total price, which adds the tax only when prices exclude it.
 */
export function orderTotals(input: {
  taxesIncluded: boolean;
  lineItems: Array<Pick<FakeLineItem, "unitPrice" | "presentmentUnitPrice" | "quantity" | "taxLines">>;
  shippingLines: Array<Pick<FakeShippingLine, "price" | "taxLines">>;
}) {
  const subtotal = sum(
    input.lineItems.map((l) => ({
      shop: cents(l.unitPrice) * l.quantity,
      presentment: cents(l.presentmentUnitPrice) * l.quantity,
    })),
  );
  const shipping = sum(input.shippingLines.map((s) => fromMoney(s.price)));
  const tax = sum(
    [...input.lineItems, ...input.shippingLines].flatMap((owner) => owner.taxLines.map((t) => fromMoney(t.amount))),
  );
  const total = add(add(subtotal, shipping), input.taxesIncluded ? zero() : tax);
  return { subtotal: toMoney(subtotal), shipping: toMoney(shipping), tax: toMoney(tax), total: toMoney(total) };
}

/** Order.taxLines: the lines' and shipping's tax lines summed per title and rate, as Shopify shows them. */
export function orderTaxLines(order: Pick<FakeOrder, "lineItems" | "shippingLines">): FakeTaxLine[] {
  const byKey = new Map<string, FakeTaxLine & { cents: Cents }>();
  for (const taxLine of [...order.lineItems, ...order.shippingLines].flatMap((owner) => owner.taxLines)) {
    const key = `${taxLine.title}\u0000${taxLine.rate}`;
    const entry = byKey.get(key) ?? { ...taxLine, cents: zero() };
    entry.cents = add(entry.cents, fromMoney(taxLine.amount));
    byKey.set(key, entry);
  }
  return [...byKey.values()].map(({ cents: c, ...taxLine }) => ({ ...taxLine, amount: toMoney(c) }));
}

/** The order's amounts after removals (cancelled or refunded-and-cancelled units), as the `current*` fields serve them. */
export function currentOrderTotals(o: FakeOrder) {
  return orderTotals({
    taxesIncluded: o.taxesIncluded,
    shippingLines: o.shippingLines,
    lineItems: o.lineItems.map((li) => ({
      ...li,
      quantity: li.currentQuantity,
      taxLines: li.taxLines.map((t) => ({
        ...t,
        amount: {
          shop: ((Number(t.amount.shop) * li.currentQuantity) / li.quantity).toFixed(2),
          presentment: ((Number(t.amount.presentment) * li.currentQuantity) / li.quantity).toFixed(2),
        },
      })),
    })),
  });
}

/** Order.displayFinancialStatus when the input gives none: derived from the transactions, as Shopify documents. */
function financialStatusFrom(transactions: FakeOrderTransaction[], total: FakeMoney): string {
  const succeeded = (kinds: string[]) =>
    transactions
      .filter((t) => t.status === "SUCCESS" && kinds.includes(t.kind))
      .reduce((s, t) => s + cents(t.amount.shop), 0);
  const paid = succeeded(["SALE", "CAPTURE"]);
  const refunded = succeeded(["REFUND"]);
  if (refunded > 0) return refunded >= paid ? "REFUNDED" : "PARTIALLY_REFUNDED";
  if (paid > 0) return paid >= cents(total.shop) ? "PAID" : "PARTIALLY_PAID";
  if (succeeded(["AUTHORIZATION", "EMV_AUTHORIZATION"]) > 0) return "AUTHORIZED";
  return cents(total.shop) === 0 ? "PAID" : "PENDING";
}

const regionNames = new Intl.DisplayNames(["en"], { type: "region" });
function mailingAddress(input: MailingAddressInput | null | undefined): FakeMailingAddress | null {
  if (!input) return null;
  const countryCode = input.countryCode ?? null;
  return {
    firstName: input.firstName ?? null,
    lastName: input.lastName ?? null,
    company: input.company ?? null,
    address1: input.address1 ?? null,
    address2: input.address2 ?? null,
    city: input.city ?? null,
    zip: input.zip ?? null,
    provinceCode: input.provinceCode ?? null,
    province: input.province ?? null,
    countryCode,
    country: input.country ?? (countryCode ? (regionNames.of(countryCode) ?? countryCode) : null),
    phone: input.phone ?? null,
  };
}

const looksLikeEmail = (value: string) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value);

/**
 * Where Shopify assigns an order's fulfillment order, simply modelled: the first active location that fulfils
 * online orders (the primary first, then in creation order) where every tracked variant of the order is stocked
 * with enough `available` for all its units; when none has, the primary location. One location per order: the
 * fake never splits an order across locations.
 */
export function routeOrder(
  store: FakeShopStore,
  lines: Array<{ variant: FakeVariant | undefined; quantity: number }>,
): FakeLocation {
  const primary = store.primaryLocation();
  const needed = new Map<string, number>();
  for (const { variant, quantity } of lines) {
    if (!variant || !store.inventoryItems.get(variant.inventoryItemId)?.tracked) continue;
    needed.set(variant.inventoryItemId, (needed.get(variant.inventoryItemId) ?? 0) + quantity);
  }
  const candidates = [primary, ...[...store.locations.values()].filter((l) => l.id !== primary.id)].filter(
    (l) => l.isActive && l.fulfillsOnlineOrders,
  );
  const canFulfil = (location: FakeLocation) =>
    [...needed].every(([itemId, quantity]) => {
      const level = store.levelOf(itemId, location.id);
      return level !== undefined && level.quantities.available >= quantity;
    });
  return candidates.find(canFulfil) ?? primary;
}

/**
 * orderCreate, all or nothing: every check runs before anything is written, so an answer with userErrors leaves
 * the shop exactly as it was (no order, no customer, no stock moved, no order number used).
 */
export function createOrder(
  store: FakeShopStore,
  input: CreateOrderInput,
  options: CreateOrderOptions | FakeInventoryBehaviour = {},
): ActionResult<FakeOrder> {
  const { inventoryBehaviour, sendReceipt, sendFulfillmentReceipt, apiVersion } =
    typeof options === "string" ? { inventoryBehaviour: options } : options;
  const behaviour: FakeInventoryBehaviour = inventoryBehaviour ?? "BYPASS";
  const userErrors: FakeUserError[] = [];
  const refuse = (field: string[], message: string, code = "INVALID") => userErrors.push({ field, message, code });
  const lines = input.lineItems ?? [];
  if (lines.length === 0) refuse(["order", "lineItems"], "Line items must have at least one line item");

  // Currencies: the order's must be one the shop can take, its shop currency or an enabled presentment currency.
  const enabled = store.enabledPresentmentCurrencies();
  const currency = input.currency ?? store.currency;
  if (!enabled.includes(currency))
    refuse(
      ["order", "currency"],
      `Currency ${currency} is not supported by this shop: it sells in ${store.currency} and accepts ${enabled.join(", ")}`,
    );
  const presentmentCurrency = input.presentmentCurrency ?? currency;
  if (input.presentmentCurrency && !enabled.includes(presentmentCurrency))
    refuse(
      ["order", "presentmentCurrency"],
      `Presentment currency ${presentmentCurrency} is not enabled for this shop (enabled: ${enabled.join(", ")})`,
    );

  // processedAt: an unreadable date is refused; one in the future is clamped to now from 2026-07, refused before.
  const now = store.timestamp();
  let processedAt = now;
  if (input.processedAt != null) {
    const at = Date.parse(input.processedAt);
    if (Number.isNaN(at)) refuse(["order", "processedAt"], "Processed at is invalid", "PROCESSED_AT_INVALID");
    else if (at > Date.parse(now) && (apiVersion ?? "2026-07") < "2026-07")
      refuse(["order", "processedAt"], "Processed at can't be in the future", "PROCESSED_AT_INVALID");
    else processedAt = new Date(Math.min(at, Date.parse(now))).toISOString();
  }

  for (const [field, value] of [
    ["email", input.email],
    ["customer.toUpsert.email", input.customer?.toUpsert?.email],
    ["customer.toAssociate.email", input.customer?.toAssociate?.email],
  ] as const)
    if (value != null && !looksLikeEmail(value)) refuse(["order", ...field.split(".")], "Email is invalid");

  // The customer: toUpsert creates or updates one (by id, else by email), toAssociate names an existing one.
  let customerPlan: { existing: FakeCustomer | undefined; upsert: UpsertCustomerInput | null } | null = null;
  if (input.customer && input.customerId) {
    refuse(["order", "customerId"], "Only one of customer or customerId can be provided", "REDUNDANT_CUSTOMER_FIELDS");
  } else if (input.customer?.toUpsert) {
    const upsert = input.customer.toUpsert;
    const existing = upsert.id
      ? store.customers.get(upsert.id)
      : upsert.email
        ? store.customerByEmail(upsert.email)
        : undefined;
    if (upsert.id && !existing) refuse(["order", "customer", "toUpsert", "id"], "Customer does not exist");
    const phoneOwner = upsert.phone
      ? [...store.customers.values()].find((c) => c.phone === upsert.phone && c.id !== existing?.id)
      : undefined;
    if (phoneOwner) refuse(["order", "customer", "toUpsert", "phone"], "Phone has already been taken");
    customerPlan = { existing, upsert };
  } else if (input.customer?.toAssociate || input.customerId) {
    const id = input.customer?.toAssociate?.id ?? input.customerId;
    const field = input.customerId ? ["order", "customerId"] : ["order", "customer", "toAssociate", "id"];
    const existing = id ? store.customers.get(id) : undefined;
    if (!existing) refuse(field, id ? "Customer does not exist" : "Customer id is required");
    customerPlan = { existing, upsert: null };
  }

  // Tax lines belong on the order or on its lines, never both; order-level ones are split across taxable lines.
  const orderTaxLines = input.taxLines ?? [];
  if (orderTaxLines.length > 0 && lines.some((l) => (l.taxLines ?? []).length > 0))
    refuse(["order", "taxLines"], "Tax lines can be specified on the order or on the line items, but not both");
  if (orderTaxLines.length > 0 && lines.length > 0 && !lines.some((l) => l.taxable ?? true))
    refuse(["order", "taxLines"], "Tax lines can't be applied to an order without a taxable line item");

  const resolved = lines.map((line, index) => {
    const variant = line.variantId ? store.variants.get(line.variantId) : undefined;
    if (line.variantId && !variant)
      refuse(["order", "lineItems", String(index), "variantId"], "Variant does not exist");
    if (!line.variantId && !line.title) refuse(["order", "lineItems", String(index), "title"], "Title can't be blank");
    if (line.quantity <= 0)
      refuse(["order", "lineItems", String(index), "quantity"], "Quantity must be greater than 0");
    return { line, variant, quantity: line.quantity };
  });
  for (const [index, shippingLine] of (input.shippingLines ?? []).entries())
    if (Number(shippingLine.priceSet.shopMoney.amount) < 0)
      refuse(["order", "shippingLines", String(index), "priceSet"], "Price can't be negative");

  const location = routeOrder(store, resolved);
  if (behaviour === "DECREMENT_OBEYING_POLICY") {
    const claimed = new Map<string, number>();
    for (const [index, { variant, quantity }] of resolved.entries()) {
      if (!variant || !store.inventoryItems.get(variant.inventoryItemId)?.tracked) continue;
      const total = (claimed.get(variant.inventoryItemId) ?? 0) + quantity;
      claimed.set(variant.inventoryItemId, total);
      const level = store.levelOf(variant.inventoryItemId, location.id);
      if (!level || level.quantities.available < total)
        refuse(
          ["order", "lineItems", String(index)],
          `Unable to reserve inventory for ${variant.sku ?? "line item"}`,
          "INVENTORY_CLAIM_FAILED",
        );
    }
  }
  if (userErrors.length > 0) return { userErrors };

  // ---- every check passed: write ----
  const taxesIncluded = input.taxesIncluded ?? false;
  const taxLineFrom = (t: TaxLineInput, amount: Cents): FakeTaxLine => ({
    title: t.title,
    rate: Number(t.rate),
    amount: toMoney(amount),
    channelLiable: t.channelLiable === undefined ? false : t.channelLiable,
  });
  const lineItems: FakeLineItem[] = resolved.map(({ line, variant }) => {
    const price = line.priceSet
      ? centsOf(line.priceSet)
      : { shop: cents(variant?.price ?? 0), presentment: cents(variant?.price ?? 0) };
    const base = { shop: price.shop * line.quantity, presentment: price.presentment * line.quantity };
    const taxable = line.taxable ?? true;
    return {
      id: store.gid("LineItem"),
      variantId: variant?.id ?? null,
      sku: line.sku ?? variant?.sku ?? null,
      title: line.title ?? (variant ? (store.products.get(variant.productId)?.title ?? variant.title) : "Custom item"),
      variantTitle: line.variantTitle ?? variant?.title ?? null,
      vendor: line.vendor ?? null,
      quantity: line.quantity,
      currentQuantity: line.quantity,
      unitPrice: money(price.shop / 100),
      presentmentUnitPrice: money(price.presentment / 100),
      requiresShipping: line.requiresShipping ?? false,
      taxable,
      giftCard: line.giftCard ?? false,
      taxLines: (line.taxLines ?? []).map((t) =>
        taxLineFrom(
          t,
          t.priceSet ? centsOf(t.priceSet) : taxable ? computedTax(base, Number(t.rate), taxesIncluded) : zero(),
        ),
      ),
      properties: (line.properties ?? []).map(({ name, value }) => ({ name, value })),
    };
  });
  // Order-level tax lines: each one's amount (given, or its rate on the taxable lines) split across those lines.
  const taxableLines = lineItems.filter((l) => l.taxable);
  const bases = (side: keyof Cents) =>
    taxableLines.map((l) => cents(side === "shop" ? l.unitPrice : l.presentmentUnitPrice) * l.quantity);
  const shopBases = bases("shop");
  const presentmentBases = bases("presentment");
  const taxableBase: Cents = {
    shop: shopBases.reduce((s, v) => s + v, 0),
    presentment: presentmentBases.reduce((s, v) => s + v, 0),
  };
  for (const t of orderTaxLines) {
    const whole = t.priceSet ? centsOf(t.priceSet) : computedTax(taxableBase, Number(t.rate), taxesIncluded);
    const shopShares = allocate(whole.shop, shopBases);
    const presentmentShares = allocate(whole.presentment, presentmentBases);
    taxableLines.forEach((line, index) =>
      line.taxLines.push(taxLineFrom(t, { shop: shopShares[index]!, presentment: presentmentShares[index]! })),
    );
  }
  const shippingLines: FakeShippingLine[] = (input.shippingLines ?? []).map((s) => {
    const price = centsOf(s.priceSet);
    return {
      id: store.gid("ShippingLine"),
      title: s.title,
      code: s.code ?? null,
      source: s.source ?? null,
      price: toMoney(price),
      taxLines: (s.taxLines ?? []).map((t) =>
        taxLineFrom(t, t.priceSet ? centsOf(t.priceSet) : computedTax(price, Number(t.rate), taxesIncluded)),
      ),
    };
  });
  const totals = orderTotals({ taxesIncluded, lineItems, shippingLines });
  const transactions: FakeOrderTransaction[] = (input.transactions ?? []).map((t) => ({
    id: store.gid("OrderTransaction"),
    kind: t.kind ?? "SALE",
    status: t.status ?? "SUCCESS",
    gateway: t.gateway ?? null,
    amount: toMoney(centsOf(t.amountSet)),
    authorizationCode: t.authorizationCode ?? null,
    processedAt: t.processedAt ?? now,
    createdAt: now,
    test: t.test ?? false,
  }));

  const shippingAddress = mailingAddress(input.shippingAddress);
  const billingAddress = mailingAddress(input.billingAddress);
  const customerEmail = input.customer?.toUpsert?.email ?? input.customer?.toAssociate?.email ?? null;
  let customer: FakeCustomer | null = null;
  if (customerPlan) {
    customer = customerPlan.existing ?? {
      id: store.gid("Customer"),
      email: null,
      firstName: null,
      lastName: null,
      phone: null,
      note: null,
      tags: [],
      taxExempt: false,
      defaultAddress: null,
      createdAt: now,
      updatedAt: now,
    };
    const upsert = customerPlan.upsert;
    if (upsert) {
      customer.email = upsert.email ?? customer.email ?? input.email ?? null;
      if (upsert.firstName != null) customer.firstName = upsert.firstName;
      if (upsert.lastName != null) customer.lastName = upsert.lastName;
      if (upsert.phone != null) customer.phone = upsert.phone;
      if (upsert.note != null) customer.note = upsert.note;
      if (upsert.tags != null) customer.tags = [...new Set([...customer.tags, ...upsert.tags])].sort();
      if (upsert.taxExempt != null) customer.taxExempt = upsert.taxExempt;
    }
    customer.email ??= input.email ?? null; // "if no email is provided, the customer's email will be set to this field"
    // The shipping address (else billing) becomes the default address, and lends its names to a nameless customer.
    const address = shippingAddress ?? billingAddress;
    if (address) {
      customer.defaultAddress = address;
      customer.firstName ??= address.firstName;
      customer.lastName ??= address.lastName;
    }
    customer.updatedAt = now;
    store.customers.set(customer.id, customer);
  }

  const orderId = store.gid("Order");
  const order: FakeOrder = {
    id: orderId,
    name: input.name ?? store.nextOrderName(),
    email: customerEmail ?? input.email ?? customer?.email ?? null,
    phone: input.phone ?? null,
    note: input.note ?? null,
    buyerAcceptsMarketing: input.buyerAcceptsMarketing ?? false,
    currency,
    presentmentCurrency,
    sourceName: input.sourceName ?? null,
    sourceIdentifier: input.sourceIdentifier ?? null,
    sourceUrl: input.sourceUrl ?? null,
    tags: [...new Set(input.tags ?? [])].sort(),
    customAttributes: (input.customAttributes ?? []).map(({ key, value }) => ({ key, value })),
    customerId: customer?.id ?? null,
    shippingAddress,
    billingAddress,
    createdAt: now,
    processedAt,
    cancelledAt: null,
    cancelReason: null,
    cancelStaffNote: null,
    cancelNotifiedCustomer: false,
    financialStatus: input.financialStatus ?? financialStatusFrom(transactions, totals.total),
    taxesIncluded,
    test: input.test ?? false,
    subtotalPrice: totals.subtotal,
    totalShippingPrice: totals.shipping,
    totalTax: totals.tax,
    totalPrice: totals.total,
    lineItems,
    shippingLines,
    transactions,
    inventoryBehaviour: behaviour,
    sendReceipt: sendReceipt ?? false,
    sendFulfillmentReceipt: sendFulfillmentReceipt ?? false,
    fulfillmentOrders: [
      {
        id: store.gid("FulfillmentOrder"),
        orderId,
        locationId: location.id,
        status: "OPEN",
        createdAt: now,
        updatedAt: now,
        lineItems: lineItems.map((l) => ({
          id: store.gid("FulfillmentOrderLineItem"),
          lineItemId: l.id,
          totalQuantity: l.quantity,
          remainingQuantity: l.quantity,
        })),
      },
    ],
    fulfillments: [],
    refunds: [],
  };
  if (behaviour !== "BYPASS") {
    for (const line of lineItems)
      moveStock(store, line.variantId, location.id, line.quantity, "available", "committed");
  }
  store.orders.set(orderId, order);
  // Created already fulfilled (an order imported after it shipped): one fulfillment of every line, which takes
  // out of stock only what the order committed (nothing with BYPASS).
  if (input.fulfillmentStatus === "FULFILLED")
    createFulfillment(store, {
      lineItemsByFulfillmentOrder: order.fulfillmentOrders.map((fo) => ({ fulfillmentOrderId: fo.id })),
    });
  for (const m of input.metafields ?? []) {
    const id = store.gid("Metafield");
    store.metafields.set(id, {
      id,
      ownerId: orderId,
      namespace: m.namespace ?? "$app",
      key: m.key ?? "",
      type: m.type ?? "single_line_text_field",
      value: m.value ?? "",
    });
  }
  return { ok: order };
}

/** Order.displayFulfillmentStatus, from what was fulfilled and what is still to fulfil. */
export function fulfillmentStatusOf(order: FakeOrder): "FULFILLED" | "PARTIALLY_FULFILLED" | "UNFULFILLED" {
  const remaining = order.fulfillmentOrders.flatMap((fo) => fo.lineItems).reduce((s, l) => s + l.remainingQuantity, 0);
  const fulfilled = order.fulfillments
    .filter((f) => f.status === "SUCCESS")
    .flatMap((f) => f.lineItems)
    .reduce((s, l) => s + l.quantity, 0);
  return remaining === 0 && fulfilled > 0 ? "FULFILLED" : fulfilled > 0 ? "PARTIALLY_FULFILLED" : "UNFULFILLED";
}

/** Whether the order took its units into `committed` when it was created (any behaviour but BYPASS). */
const claimsInventory = (order: FakeOrder) => order.inventoryBehaviour !== "BYPASS";

/** Moves stock between two named states of the variant's level at a location (negative available is allowed, as at Shopify). */
function moveStock(
  store: FakeShopStore,
  variantId: string | null,
  locationId: string,
  quantity: number,
  from: "available" | "committed" | null,
  to: "available" | "committed" | null,
) {
  const variant = variantId ? store.variants.get(variantId) : undefined;
  if (!variant || !store.inventoryItems.get(variant.inventoryItemId)?.tracked) return;
  const level =
    store.levelOf(variant.inventoryItemId, locationId) ?? store.stock(variant.inventoryItemId, locationId, {});
  if (from) level.quantities[from] -= quantity;
  if (to) level.quantities[to] += quantity;
  level.updatedAt = store.timestamp();
}

/** orderCancel's arguments besides the order, reason and restock. */
export interface CancelOrderOptions {
  /** `refund` (deprecated) or `refundMethod.originalPaymentMethodsRefund`: give back what was paid and not refunded yet. */
  refund?: boolean | null;
  notifyCustomer?: boolean | null;
  /** At most 255 characters; never shown to the buyer. */
  staffNote?: string | null;
}

/**
 * orderCancel (2026-07). At Shopify it runs as a job; the fake applies it at once (the job is done) so a read right
 * after sees it. The order gets `cancelledAt` and the reason; its open fulfillment orders are cancelled and their
 * unfulfilled units leave `committed` (back to `available` with `restock`, gone otherwise); a refund, when asked,
 * gives back every unit not refunded yet, the shipping left and the money paid and not refunded, through one
 * refund (refunds/create) made before the order is announced cancelled (orders/cancelled). An authorized payment
 * is voided either way. Refused (our wording, the codes are Shopify's): an unknown order, one already cancelled, a
 * staff note over 255 characters. Not modelled: pending authorizations, returns, store-credit refunds.
 */
export function cancelOrder(
  store: FakeShopStore,
  orderId: string,
  reason: string,
  restock: boolean,
  options: CancelOrderOptions = {},
): ActionResult<FakeOrder> {
  const order = store.orders.get(orderId);
  if (!order) return { userErrors: [{ field: ["orderId"], message: "Order does not exist", code: "NOT_FOUND" }] };
  if (order.cancelledAt)
    return { userErrors: [{ field: ["orderId"], message: "Order has already been cancelled", code: "INVALID" }] };
  if ((options.staffNote?.length ?? 0) > 255)
    return {
      userErrors: [
        { field: ["staffNote"], message: "Staff note is too long (maximum is 255 characters)", code: "INVALID" },
      ],
    };
  if (options.refund) {
    const refundLineItems: NonNullable<CreateRefundInput["refundLineItems"]> = [];
    for (const line of order.lineItems) {
      const refundable = line.quantity - refundedUnits(order, line.id);
      const unfulfilled = order.fulfillmentOrders
        .filter((fo) => fo.status === "OPEN" || fo.status === "IN_PROGRESS")
        .flatMap((fo) => fo.lineItems)
        .filter((l) => l.lineItemId === line.id)
        .reduce((s, l) => s + l.remainingQuantity, 0);
      const cancelled = restock ? Math.min(unfulfilled, refundable) : 0;
      if (cancelled > 0) refundLineItems.push({ lineItemId: line.id, quantity: cancelled, restockType: "CANCEL" });
      if (refundable > cancelled)
        refundLineItems.push({ lineItemId: line.id, quantity: refundable - cancelled, restockType: "NO_RESTOCK" });
    }
    const owed = refundableMoney(order);
    const gateway = order.transactions.find((t) => ["SALE", "CAPTURE"].includes(t.kind.toUpperCase()))?.gateway;
    const refunded = createRefund(store, {
      orderId,
      refundLineItems,
      shipping: { fullRefund: true },
      transactions: owed > 0 ? [{ amount: money(owed / 100), gateway: gateway ?? "manual", kind: "REFUND" }] : [],
    });
    if (refunded.userErrors) return { userErrors: refunded.userErrors };
  }
  order.cancelledAt = store.timestamp();
  order.cancelReason = reason;
  order.cancelStaffNote = options.staffNote ?? null;
  order.cancelNotifiedCustomer = options.notifyCustomer ?? false;
  for (const fo of order.fulfillmentOrders) {
    for (const line of fo.lineItems) {
      const lineItem = order.lineItems.find((l) => l.id === line.lineItemId)!;
      if (claimsInventory(order))
        moveStock(
          store,
          lineItem.variantId,
          fo.locationId,
          line.remainingQuantity,
          "committed",
          restock ? "available" : null,
        );
      lineItem.currentQuantity -= line.remainingQuantity;
      line.remainingQuantity = 0;
    }
    if (fo.status !== "CLOSED") fo.status = "CANCELLED";
    fo.updatedAt = store.timestamp();
  }
  if (order.financialStatus === "AUTHORIZED") order.financialStatus = "VOIDED";
  store.emit({ topic: "orders/cancelled", order });
  return { ok: order };
}

export interface TrackingInput {
  company?: string | null;
  number?: string | null;
  numbers?: string[] | null;
  url?: string | null;
  urls?: string[] | null;
}

function trackingList(tracking: TrackingInput | null | undefined): FakeFulfillment["trackingInfo"] {
  if (!tracking) return [];
  const numbers = tracking.numbers?.length ? tracking.numbers : tracking.number ? [tracking.number] : [];
  const urls = tracking.urls?.length ? tracking.urls : tracking.url ? [tracking.url] : [];
  return numbers.map((number, index) => ({ company: tracking.company ?? null, number, url: urls[index] ?? null }));
}

export function createFulfillment(
  store: FakeShopStore,
  input: {
    lineItemsByFulfillmentOrder: Array<{
      fulfillmentOrderId: string;
      fulfillmentOrderLineItems?: Array<{ id: string; quantity: number }> | null;
    }>;
    trackingInfo?: TrackingInput | null;
  },
): ActionResult<FakeFulfillment> {
  const groups = input.lineItemsByFulfillmentOrder;
  const fulfillmentOrders = groups.map((g) => store.findFulfillmentOrder(g.fulfillmentOrderId));
  if (groups.length === 0 || fulfillmentOrders.some((fo) => !fo)) {
    return {
      userErrors: [
        { field: ["fulfillment", "lineItemsByFulfillmentOrder"], message: "Fulfillment order does not exist." },
      ],
    };
  }
  const order = store.orders.get(fulfillmentOrders[0]!.orderId)!;
  if (fulfillmentOrders.some((fo) => fo!.orderId !== order.id))
    return {
      userErrors: [{ field: ["fulfillment"], message: "All fulfillment orders must belong to the same order." }],
    };
  const lines: FakeFulfillment["lineItems"] = [];
  for (const [index, group] of groups.entries()) {
    const fo = fulfillmentOrders[index]!;
    if (fo.status === "CLOSED" || fo.status === "CANCELLED")
      return {
        userErrors: [{ field: ["fulfillment"], message: `Fulfillment order ${fo.id} is ${fo.status.toLowerCase()}.` }],
      };
    const requested = group.fulfillmentOrderLineItems?.length
      ? group.fulfillmentOrderLineItems
      : fo.lineItems.filter((l) => l.remainingQuantity > 0).map((l) => ({ id: l.id, quantity: l.remainingQuantity }));
    for (const item of requested) {
      const line = fo.lineItems.find((l) => l.id === item.id);
      if (!line || item.quantity <= 0 || item.quantity > line.remainingQuantity) {
        return {
          userErrors: [
            {
              field: ["fulfillment", "lineItemsByFulfillmentOrder"],
              message: "Invalid fulfillment order line item quantity requested.",
            },
          ],
        };
      }
    }
    for (const item of requested) {
      const line = fo.lineItems.find((l) => l.id === item.id)!;
      line.remainingQuantity -= item.quantity;
      const lineItem = order.lineItems.find((l) => l.id === line.lineItemId)!;
      if (claimsInventory(order)) moveStock(store, lineItem.variantId, fo.locationId, item.quantity, "committed", null);
      lines.push({
        id: store.gid("FulfillmentLineItem"),
        lineItemId: line.lineItemId,
        quantity: item.quantity,
        fulfillmentOrderLineItemId: line.id,
      });
    }
    fo.status = fo.lineItems.every((l) => l.remainingQuantity === 0) ? "CLOSED" : "IN_PROGRESS";
    fo.updatedAt = store.timestamp();
  }
  const now = store.timestamp();
  const fulfillment: FakeFulfillment = {
    id: store.gid("Fulfillment"),
    orderId: order.id,
    locationId: fulfillmentOrders[0]!.locationId,
    name: `${order.name}.${order.fulfillments.length + 1}`,
    status: "SUCCESS",
    createdAt: now,
    updatedAt: now,
    trackingInfo: trackingList(input.trackingInfo),
    lineItems: lines,
  };
  order.fulfillments.push(fulfillment);
  store.emit({ topic: "fulfillments/create", fulfillment });
  return { ok: fulfillment };
}

export function updateTracking(
  store: FakeShopStore,
  fulfillmentId: string,
  tracking: TrackingInput,
): ActionResult<FakeFulfillment> {
  const fulfillment = store.findFulfillment(fulfillmentId);
  if (!fulfillment) return { userErrors: [{ field: ["fulfillmentId"], message: "Fulfillment does not exist." }] };
  fulfillment.trackingInfo = trackingList(tracking);
  fulfillment.updatedAt = store.timestamp();
  store.emit({ topic: "fulfillments/update", fulfillment });
  return { ok: fulfillment };
}

/**
 * fulfillmentCancel (2026-07): the fulfillment becomes CANCELLED and its units are to fulfil again. Where they go
 * follows Shopify's description of the mutation: a fulfillment order still partly open takes them back into its
 * remaining quantities (OPEN again once nothing of it stays fulfilled); one that was entirely fulfilled stays
 * CLOSED and a new OPEN fulfillment order holds them. Our simplification: the new one is always at the original
 * location (Shopify may pick another when the items are no longer stocked there). An order that committed its
 * units commits them again (`committed` and `on_hand` +n). Refusals (our wording, not confirmed against Shopify):
 * an unknown fulfillment, one already cancelled, one of a cancelled order.
 */
export function cancelFulfillment(store: FakeShopStore, fulfillmentId: string): ActionResult<FakeFulfillment> {
  const fulfillment = store.findFulfillment(fulfillmentId);
  if (!fulfillment) return { userErrors: [{ field: ["id"], message: "Fulfillment does not exist." }] };
  if (fulfillment.status === "CANCELLED")
    return { userErrors: [{ field: ["id"], message: "Fulfillment is already cancelled." }] };
  const order = store.orders.get(fulfillment.orderId)!;
  if (order.cancelledAt) return { userErrors: [{ field: ["id"], message: "The fulfillment's order is cancelled." }] };
  const now = store.timestamp();
  const replacements = new Map<string, FakeFulfillmentOrder>();
  for (const line of fulfillment.lineItems) {
    const fo = order.fulfillmentOrders.find((f) => f.lineItems.some((l) => l.id === line.fulfillmentOrderLineItemId))!;
    const lineItem = order.lineItems.find((l) => l.id === line.lineItemId)!;
    if (claimsInventory(order)) moveStock(store, lineItem.variantId, fo.locationId, line.quantity, null, "committed");
    if (fo.status === "CLOSED" || fo.status === "CANCELLED") {
      let replacement = replacements.get(fo.id);
      if (!replacement) {
        replacement = {
          id: store.gid("FulfillmentOrder"),
          orderId: order.id,
          locationId: fo.locationId,
          status: "OPEN",
          createdAt: now,
          updatedAt: now,
          lineItems: [],
        };
        replacements.set(fo.id, replacement);
        order.fulfillmentOrders.push(replacement);
      }
      replacement.lineItems.push({
        id: store.gid("FulfillmentOrderLineItem"),
        lineItemId: line.lineItemId,
        totalQuantity: line.quantity,
        remainingQuantity: line.quantity,
      });
    } else {
      const foLine = fo.lineItems.find((l) => l.id === line.fulfillmentOrderLineItemId)!;
      foLine.remainingQuantity += line.quantity;
      fo.status = fo.lineItems.every((l) => l.remainingQuantity === l.totalQuantity) ? "OPEN" : "IN_PROGRESS";
      fo.updatedAt = now;
    }
  }
  fulfillment.status = "CANCELLED";
  fulfillment.updatedAt = now;
  store.emit({ topic: "fulfillments/update", fulfillment });
  return { ok: fulfillment };
}

export interface CreateRefundInput {
  orderId: string;
  note?: string | null;
  refundLineItems?: Array<{
    lineItemId: string;
    quantity: number;
    restockType?: string | null;
    locationId?: string | null;
  }> | null;
  /** ShippingRefundInput: `amount` (the shop's currency here) wins over `fullRefund`, as the schema documents. */
  shipping?: { amount?: string | number | null; fullRefund?: boolean | null } | null;
  transactions?: Array<{ amount: string | number; gateway: string; kind: string }> | null;
}

/** Units of the line already refunded, by every refund of the order. */
const refundedUnits = (order: FakeOrder, lineItemId: string) =>
  order.refunds
    .flatMap((r) => r.lineItems)
    .filter((l) => l.lineItemId === lineItemId)
    .reduce((s, l) => s + l.quantity, 0);

/** A shipping line's price and tax not refunded yet, in cents of the shop's currency. */
function shippingLeft(order: FakeOrder, line: FakeShippingLine): { price: number; tax: number } {
  const refunded = order.refunds.flatMap((r) => r.shippingLines).filter((l) => l.shippingLineId === line.id);
  return {
    price: cents(line.price.shop) - refunded.reduce((s, l) => s + cents(l.subtotal), 0),
    tax: line.taxLines.reduce((s, t) => s + cents(t.amount.shop), 0) - refunded.reduce((s, l) => s + cents(l.tax), 0),
  };
}

/** The shipping (price and its tax, in cents) an order has left to refund: what `shipping: { fullRefund: true }` gives back. */
export function refundableShipping(order: FakeOrder): { price: number; tax: number } {
  return order.shippingLines
    .map((line) => shippingLeft(order, line))
    .reduce((sum, left) => ({ price: sum.price + left.price, tax: sum.tax + left.tax }), { price: 0, tax: 0 });
}

/** What the order's successful SALE and CAPTURE transactions took, less its refund transactions, in cents. */
export function refundableMoney(order: FakeOrder): number {
  const paid = order.transactions
    .filter((t) => t.status.toUpperCase() === "SUCCESS" && ["SALE", "CAPTURE"].includes(t.kind.toUpperCase()))
    .reduce((s, t) => s + cents(t.amount.shop), 0);
  return paid - order.refunds.flatMap((r) => r.transactions).reduce((s, t) => s + cents(t.amount), 0);
}

/**
 * refundCreate (2026-07), all or nothing: every line is checked before anything moves. Per line, CANCEL takes
 * unfulfilled units off their fulfillment orders (committed units back to available), RETURN adds the units to
 * `available` at the location, NO_RESTOCK moves no stock. Each refund line carries its share of the line's taxes.
 * Shipping: `amount` spread over the shipping lines in order, or `fullRefund` for what is left, each with its
 * share of the shipping taxes. Money moves only through `transactions`, as at Shopify. Not modelled: duties,
 * refund methods (store credit), over-refunding checks. Announces refunds/create.
 */
export function createRefund(store: FakeShopStore, input: CreateRefundInput): ActionResult<FakeRefund> {
  const order = store.orders.get(input.orderId);
  if (!order) return { userErrors: [{ field: ["input", "orderId"], message: "Order does not exist" }] };
  const requested = input.refundLineItems ?? [];
  const asked = new Map<string, number>();
  for (const [index, item] of requested.entries()) {
    const lineItem = order.lineItems.find((l) => l.id === item.lineItemId);
    if (!lineItem)
      return {
        userErrors: [
          { field: ["input", "refundLineItems", String(index), "lineItemId"], message: "Line item does not exist" },
        ],
      };
    asked.set(lineItem.id, (asked.get(lineItem.id) ?? 0) + item.quantity);
    if (item.quantity <= 0 || asked.get(lineItem.id)! > lineItem.quantity - refundedUnits(order, lineItem.id)) {
      return {
        userErrors: [
          {
            field: ["input", "refundLineItems", String(index), "quantity"],
            message: "Quantity cannot refund more items than were purchased",
          },
        ],
      };
    }
  }
  // Shipping: the amount asked, or everything left, taken line by line.
  const shippingLines: FakeRefund["shippingLines"] = [];
  const shippingLeftTotal = refundableShipping(order).price;
  let shippingAsked =
    input.shipping?.amount != null ? cents(input.shipping.amount) : input.shipping?.fullRefund ? shippingLeftTotal : 0;
  if (shippingAsked < 0 || shippingAsked > shippingLeftTotal)
    return {
      userErrors: [
        {
          field: ["input", "shipping", "amount"],
          message: `Shipping refund amount must be between 0 and the ${money(shippingLeftTotal / 100)} left to refund`,
        },
      ],
    };
  for (const line of order.shippingLines) {
    if (shippingAsked === 0) break;
    const left = shippingLeft(order, line);
    const price = Math.min(left.price, shippingAsked);
    if (price <= 0) continue;
    shippingAsked -= price;
    shippingLines.push({
      id: store.gid("RefundShippingLine"),
      shippingLineId: line.id,
      subtotal: money(price / 100),
      tax: money((price === left.price ? left.tax : Math.round((left.tax * price) / left.price)) / 100),
    });
  }

  const lines: FakeRefund["lineItems"] = [];
  for (const item of requested) {
    const lineItem = order.lineItems.find((l) => l.id === item.lineItemId)!;
    const restockType = (item.restockType ?? "NO_RESTOCK") as FakeRefund["lineItems"][number]["restockType"];
    // Where the line's unfulfilled units are assigned now (fulfillmentOrderMove may have moved them).
    const holders = order.fulfillmentOrders.filter((f) =>
      f.lineItems.some((l) => l.lineItemId === lineItem.id && l.remainingQuantity > 0),
    );
    const locationId = item.locationId ?? holders[0]?.locationId ?? order.fulfillmentOrders[0]?.locationId ?? null;
    if (restockType === "CANCEL" && locationId) {
      let toCancel = item.quantity;
      for (const fo of holders) {
        const foLine = fo.lineItems.find((l) => l.lineItemId === lineItem.id)!;
        const cancelled = Math.min(foLine.remainingQuantity, toCancel);
        foLine.remainingQuantity -= cancelled;
        lineItem.currentQuantity -= cancelled;
        toCancel -= cancelled;
        fo.updatedAt = store.timestamp();
        if (claimsInventory(order))
          moveStock(store, lineItem.variantId, fo.locationId, cancelled, "committed", "available");
      }
    } else if (restockType === "RETURN" && locationId) {
      moveStock(store, lineItem.variantId, locationId, item.quantity, null, "available");
    }
    const lineTax = lineItem.taxLines.reduce((s, t) => s + cents(t.amount.shop), 0);
    lines.push({
      id: store.gid("RefundLineItem"),
      lineItemId: lineItem.id,
      quantity: item.quantity,
      restockType,
      locationId: restockType === "NO_RESTOCK" ? null : locationId,
      subtotal: money((cents(lineItem.unitPrice) * item.quantity) / 100),
      totalTax: money(Math.round((lineTax * item.quantity) / lineItem.quantity) / 100),
    });
  }
  const refund: FakeRefund = {
    id: store.gid("Refund"),
    orderId: order.id,
    createdAt: store.timestamp(),
    note: input.note ?? null,
    lineItems: lines,
    shippingLines,
    transactions: (input.transactions ?? []).map((t) => ({
      id: store.gid("OrderTransaction"),
      kind: "REFUND",
      status: "SUCCESS",
      amount: money(Number(t.amount)),
      gateway: t.gateway,
    })),
  };
  order.refunds.push(refund);
  const refundedTotal = order.refunds.flatMap((r) => r.transactions).reduce((s, t) => s + Number(t.amount), 0);
  if (refundedTotal > 0)
    order.financialStatus = refundedTotal >= Number(order.totalPrice.shop) ? "REFUNDED" : "PARTIALLY_REFUNDED";
  store.emit({ topic: "refunds/create", refund });
  return { ok: refund };
}

export interface MoveFulfillmentOrderInput {
  id: string;
  newLocationId: string;
  fulfillmentOrderLineItems?: Array<{ id: string; quantity: number }> | null;
}
export interface FulfillmentOrderMoveResult {
  moved: FakeFulfillmentOrder;
  original: FakeFulfillmentOrder;
  /** The deprecated `remainingFulfillmentOrder`: the original when it still holds unfulfilled units after a partial move. */
  remaining: FakeFulfillmentOrder | null;
}

/**
 * fulfillmentOrderMove (2026-07): reassigns a fulfillment order's unfulfilled units (all of them, or the given
 * line items and quantities) to another location. When the whole fulfillment order moves and nothing of it was
 * fulfilled, it keeps its id and changes location; otherwise the moved units go to a new fulfillment order at the
 * destination and the original keeps the rest (closed when nothing is left). Units the order committed follow:
 * `committed` goes down at the old location and up at the new one, `available` the other way, `on_hand` unchanged
 * at both. The fake never merges into another fulfillment order already at the destination.
 */
export function moveFulfillmentOrder(
  store: FakeShopStore,
  input: MoveFulfillmentOrderInput,
): ActionResult<FulfillmentOrderMoveResult> {
  const refuse = (field: string[], message: string): ActionResult<FulfillmentOrderMoveResult> => ({
    userErrors: [{ field, message, code: null }],
  });
  const fo = store.findFulfillmentOrder(input.id);
  if (!fo) return refuse(["id"], "Fulfillment order does not exist.");
  if (fo.status === "CLOSED" || fo.status === "CANCELLED")
    return refuse(["id"], `The fulfillment order is ${fo.status.toLowerCase()} and can't be moved.`);
  const destination = store.locations.get(input.newLocationId);
  if (!destination) return refuse(["newLocationId"], "Location does not exist.");
  if (!destination.isActive) return refuse(["newLocationId"], `${destination.name} is not an active location.`);
  if (destination.id === fo.locationId)
    return refuse(["newLocationId"], `The fulfillment order is already assigned to ${destination.name}.`);

  const requested = input.fulfillmentOrderLineItems?.length
    ? input.fulfillmentOrderLineItems
    : fo.lineItems.filter((l) => l.remainingQuantity > 0).map((l) => ({ id: l.id, quantity: l.remainingQuantity }));
  if (requested.length === 0) return refuse(["id"], "The fulfillment order has no unfulfilled line items to move.");
  const order = store.orders.get(fo.orderId)!;
  const moves: Array<{ line: FakeFulfillmentOrder["lineItems"][number]; lineItem: FakeLineItem; quantity: number }> =
    [];
  for (const [index, item] of requested.entries()) {
    const line = fo.lineItems.find((l) => l.id === item.id);
    if (!line || moves.some((m) => m.line === line))
      return refuse(["fulfillmentOrderLineItems", String(index), "id"], "Fulfillment order line item does not exist.");
    if (item.quantity <= 0 || item.quantity > line.remainingQuantity)
      return refuse(
        ["fulfillmentOrderLineItems", String(index), "quantity"],
        `Quantity must be between 1 and the ${line.remainingQuantity} unfulfilled units of the line item.`,
      );
    const lineItem = order.lineItems.find((l) => l.id === line.lineItemId)!;
    const variant = lineItem.variantId ? store.variants.get(lineItem.variantId) : undefined;
    if (
      variant &&
      store.inventoryItems.get(variant.inventoryItemId)?.tracked &&
      !store.levelOf(variant.inventoryItemId, destination.id)
    )
      return refuse(["newLocationId"], `${destination.name} doesn't stock ${variant.sku ?? lineItem.title}.`);
    moves.push({ line, lineItem, quantity: item.quantity });
  }

  const now = store.timestamp();
  if (claimsInventory(order)) {
    for (const { lineItem, quantity } of moves) {
      moveStock(store, lineItem.variantId, fo.locationId, quantity, "committed", "available");
      moveStock(store, lineItem.variantId, destination.id, quantity, "available", "committed");
    }
  }
  const movesEverything =
    fo.lineItems.every(
      (l) => moves.some((m) => m.line === l && m.quantity === l.remainingQuantity) || l.totalQuantity === 0,
    ) && fo.lineItems.every((l) => l.remainingQuantity === l.totalQuantity);
  const destinationTaken = order.fulfillmentOrders.some(
    (other) =>
      other !== fo &&
      other.locationId === destination.id &&
      (other.status === "OPEN" || other.status === "IN_PROGRESS"),
  );
  if (movesEverything && !destinationTaken) {
    fo.locationId = destination.id;
    fo.updatedAt = now;
    return { ok: { moved: fo, original: fo, remaining: null } };
  }
  const moved: FakeFulfillmentOrder = {
    id: store.gid("FulfillmentOrder"),
    orderId: order.id,
    locationId: destination.id,
    status: "OPEN",
    createdAt: now,
    updatedAt: now,
    lineItems: moves.map(({ line, quantity }) => ({
      id: store.gid("FulfillmentOrderLineItem"),
      lineItemId: line.lineItemId,
      totalQuantity: quantity,
      remainingQuantity: quantity,
    })),
  };
  for (const { line, quantity } of moves) {
    line.totalQuantity -= quantity;
    line.remainingQuantity -= quantity;
  }
  fo.lineItems = fo.lineItems.filter((l) => l.totalQuantity > 0);
  const left = fo.lineItems.some((l) => l.remainingQuantity > 0);
  if (!left) fo.status = "CLOSED";
  fo.updatedAt = now;
  order.fulfillmentOrders.push(moved);
  return { ok: { moved, original: fo, remaining: left ? fo : null } };
}
