import type { InventoryQuantityName } from "~/integrations/shopify/quantity-names";

/**
 * The fake's in-memory shop. Numeric ids are odd numbers above 2^53 on purpose: anything that routes a Shopify id
 * through a JavaScript number breaks here the way it would against a real shop.
 */
export type StoredQuantityName = Exclude<InventoryQuantityName, "on_hand">;
const onHandParts: StoredQuantityName[] = [
  "available",
  "committed",
  "reserved",
  "damaged",
  "safety_stock",
  "quality_control",
];

export interface FakeLocation {
  id: string;
  name: string;
  isActive: boolean;
  isPrimary: boolean;
  fulfillsOnlineOrders: boolean;
  shipsInventory: boolean;
}
export type FakeProductStatus = "ACTIVE" | "ARCHIVED" | "DRAFT" | "UNLISTED";
export interface FakeProduct {
  id: string;
  title: string;
  status: FakeProductStatus;
  updatedAt: string;
}
export interface FakeVariant {
  id: string;
  productId: string;
  sku: string | null;
  title: string;
  price: string;
  compareAtPrice: string | null;
  barcode: string | null;
  inventoryItemId: string;
  updatedAt: string;
}
export interface FakeVariantSpec {
  sku: string | null;
  title?: string;
  price?: string;
  compareAtPrice?: string | null;
  barcode?: string | null;
  tracked?: boolean;
  stock?: Record<string, Partial<Record<StoredQuantityName, number>>>;
}
export interface FakeInventoryItem {
  id: string;
  sku: string | null;
  tracked: boolean;
  variantId: string;
}
export interface FakeInventoryLevel {
  id: string;
  inventoryItemId: string;
  locationId: string;
  quantities: Record<StoredQuantityName, number>;
  updatedAt: string;
}
/** An amount in the shop's currency and in the order's presentment currency (equal when they are the same). */
export interface FakeMoney {
  shop: string;
  presentment: string;
}
export interface FakeTaxLine {
  title: string;
  /** A decimal proportion, as OrderCreateTaxLineInput.rate: 0.2 for 20 %. */
  rate: number;
  amount: FakeMoney;
  channelLiable: boolean | null;
}
export interface FakeLineItem {
  id: string;
  variantId: string | null;
  sku: string | null;
  title: string;
  variantTitle: string | null;
  vendor: string | null;
  quantity: number;
  currentQuantity: number;
  /** The unit price in the shop's currency; `presentmentUnitPrice` in the order's presentment currency. */
  unitPrice: string;
  presentmentUnitPrice: string;
  requiresShipping: boolean;
  taxable: boolean;
  giftCard: boolean;
  /** Given on the line, or this line's share of the order-level tax lines. */
  taxLines: FakeTaxLine[];
  /** OrderCreateLineItemPropertyInput: served as LineItem.customAttributes. */
  properties: Array<{ name: string; value: string }>;
}
export interface FakeShippingLine {
  id: string;
  title: string;
  code: string | null;
  source: string | null;
  price: FakeMoney;
  taxLines: FakeTaxLine[];
}
export interface FakeOrderTransaction {
  id: string;
  kind: string;
  status: string;
  gateway: string | null;
  amount: FakeMoney;
  authorizationCode: string | null;
  processedAt: string | null;
  createdAt: string;
  test: boolean;
}
/** MailingAddressInput as stored: `countryCode` is what the schema's MailingAddress serves as `countryCodeV2`. */
export interface FakeMailingAddress {
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  zip: string | null;
  provinceCode: string | null;
  province: string | null;
  countryCode: string | null;
  country: string | null;
  phone: string | null;
}
export interface FakeCustomer {
  id: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  note: string | null;
  tags: string[];
  taxExempt: boolean;
  defaultAddress: FakeMailingAddress | null;
  createdAt: string;
  updatedAt: string;
}
export interface FakeFulfillmentOrder {
  id: string;
  orderId: string;
  locationId: string;
  status: "OPEN" | "IN_PROGRESS" | "CLOSED" | "CANCELLED";
  createdAt: string;
  updatedAt: string;
  lineItems: Array<{ id: string; lineItemId: string; totalQuantity: number; remainingQuantity: number }>;
}
export interface FakeFulfillment {
  id: string;
  orderId: string;
  /** Where the units left from: the location of the fulfillment order(s) fulfilled. */
  locationId: string;
  name: string;
  status: "SUCCESS" | "CANCELLED";
  createdAt: string;
  updatedAt: string;
  trackingInfo: Array<{ company: string | null; number: string | null; url: string | null }>;
  /** `fulfillmentOrderLineItemId`: the unit's place in a fulfillment order, where a cancel gives it back. */
  lineItems: Array<{ id: string; lineItemId: string; quantity: number; fulfillmentOrderLineItemId: string }>;
}
export interface FakeRefund {
  id: string;
  orderId: string;
  createdAt: string;
  note: string | null;
  lineItems: Array<{
    id: string;
    lineItemId: string;
    quantity: number;
    restockType: "NO_RESTOCK" | "CANCEL" | "RETURN" | "LEGACY_RESTOCK";
    locationId: string | null;
    subtotal: string;
    /** The line's tax lines prorated to the refunded units, in the shop's currency. */
    totalTax: string;
  }>;
  /** Shipping refunded by this refund: `shipping` of RefundInput (an amount, or the full shipping left). */
  shippingLines: Array<{ id: string; shippingLineId: string; subtotal: string; tax: string }>;
  transactions: Array<{ id: string; kind: "REFUND"; status: "SUCCESS"; amount: string; gateway: string }>;
}
export interface FakeMetafield {
  id: string;
  ownerId: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
}
export type FakeInventoryBehaviour = "BYPASS" | "DECREMENT_IGNORING_POLICY" | "DECREMENT_OBEYING_POLICY";
export interface FakeOrder {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  note: string | null;
  buyerAcceptsMarketing: boolean;
  /** The shop-facing currency (`currency`), and the one the buyer saw (`presentmentCurrency`). */
  currency: string;
  presentmentCurrency: string;
  sourceName: string | null;
  sourceIdentifier: string | null;
  sourceUrl: string | null;
  tags: string[];
  customAttributes: Array<{ key: string; value: string }>;
  customerId: string | null;
  shippingAddress: FakeMailingAddress | null;
  billingAddress: FakeMailingAddress | null;
  /** When Shopify created the order (the fake's clock); `processedAt` is the date the order shows, possibly earlier. */
  createdAt: string;
  processedAt: string;
  cancelledAt: string | null;
  cancelReason: string | null;
  /** orderCancel's `staffNote` (served as Order.cancellation.staffNote) and whether it asked to notify the buyer. */
  cancelStaffNote: string | null;
  cancelNotifiedCustomer: boolean;
  financialStatus: string;
  taxesIncluded: boolean;
  test: boolean;
  /** Computed at creation, as Shopify does: see `orderTotals` in actions.ts. */
  subtotalPrice: FakeMoney;
  totalShippingPrice: FakeMoney;
  totalTax: FakeMoney;
  totalPrice: FakeMoney;
  lineItems: FakeLineItem[];
  shippingLines: FakeShippingLine[];
  transactions: FakeOrderTransaction[];
  /** OrderCreateOptionsInput as received: tests assert that no receipt went to the buyer. */
  inventoryBehaviour: FakeInventoryBehaviour;
  sendReceipt: boolean;
  sendFulfillmentReceipt: boolean;
  fulfillmentOrders: FakeFulfillmentOrder[];
  fulfillments: FakeFulfillment[];
  refunds: FakeRefund[];
}
export interface FakeBulkOperation {
  id: string;
  status: "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELED";
  query: string;
  createdAt: string;
  completedAt: string | null;
  lines: string[];
  rootObjectCount: number;
  pollsUntilComplete: number;
  errorCode: string | null;
  url: string | null;
}

/** A change Shopify announces with a webhook; `ShopifyFake.webhooks.subscribe` turns these into deliveries. */
export type FakeShopEvent =
  | { topic: "fulfillments/create"; fulfillment: FakeFulfillment }
  | { topic: "fulfillments/update"; fulfillment: FakeFulfillment }
  | { topic: "refunds/create"; refund: FakeRefund }
  | { topic: "orders/cancelled"; order: FakeOrder };

export class FakeShopStore {
  // Odd numbers above 2^53 are exactly the ones a JavaScript number cannot hold.
  #nextId = 10_000_000_000_000_001n;
  #orderNumber = 1000;
  readonly locations = new Map<string, FakeLocation>();
  readonly products = new Map<string, FakeProduct>();
  readonly variants = new Map<string, FakeVariant>();
  readonly inventoryItems = new Map<string, FakeInventoryItem>();
  readonly inventoryLevels = new Map<string, FakeInventoryLevel>();
  readonly orders = new Map<string, FakeOrder>();
  readonly customers = new Map<string, FakeCustomer>();
  /** The currency the shop sells in (Shop.currencyCode). */
  currency = "EUR";
  /** Shop.enabledPresentmentCurrencies besides the shop's own currency, which is always enabled. */
  presentmentCurrencies: string[] = [];
  readonly metafields = new Map<string, FakeMetafield>();
  readonly bulkOperations = new Map<string, FakeBulkOperation>();
  /** inventory item → location → level id: keeps level look-ups O(1) for 100,000-variant shops. */
  readonly #levelIdsByItem = new Map<string, Map<string, string>>();
  readonly #listeners = new Set<(event: FakeShopEvent) => void>();

  constructor(
    readonly shop: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Listens to the shop's webhook-worthy changes; returns the function that stops listening. */
  onEvent(listener: (event: FakeShopEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  /** Called by the actions once a change is made, whoever made it (a mutation or a test's seeding). */
  emit(event: FakeShopEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  nextNumericId(): string {
    const id = this.#nextId;
    this.#nextId += 2n;
    return String(id);
  }
  gid(type: string): string {
    return `gid://shopify/${type}/${this.nextNumericId()}`;
  }
  timestamp(): string {
    return new Date(this.now()).toISOString();
  }

  addLocation(input: Partial<Omit<FakeLocation, "id">> & { name: string }): FakeLocation {
    const location: FakeLocation = {
      id: this.gid("Location"),
      isActive: true,
      isPrimary: this.locations.size === 0,
      fulfillsOnlineOrders: true,
      shipsInventory: true,
      ...input,
    };
    this.locations.set(location.id, location);
    return location;
  }

  /** A product with variants; `stock` maps a location id to the quantities stocked there. */
  addProduct(input: { title: string; status?: FakeProductStatus; variants: FakeVariantSpec[] }): {
    product: FakeProduct;
    variants: FakeVariant[];
  } {
    const product: FakeProduct = {
      id: this.gid("Product"),
      title: input.title,
      status: input.status ?? "ACTIVE",
      updatedAt: this.timestamp(),
    };
    this.products.set(product.id, product);
    const variants = input.variants.map((spec, index) => this.addVariant(product.id, spec, index));
    return { product, variants };
  }

  addVariant(productId: string, spec: FakeVariantSpec, index = this.variantsOfProduct(productId).length): FakeVariant {
    if (!this.products.has(productId)) throw new Error(`fake: no product ${productId}`);
    const variant: FakeVariant = {
      id: this.gid("ProductVariant"),
      productId,
      sku: spec.sku,
      title: spec.title ?? `Variant ${index + 1}`,
      price: spec.price ?? "10.00",
      compareAtPrice: spec.compareAtPrice ?? null,
      barcode: spec.barcode ?? null,
      inventoryItemId: this.gid("InventoryItem"),
      updatedAt: this.timestamp(),
    };
    this.variants.set(variant.id, variant);
    this.inventoryItems.set(variant.inventoryItemId, {
      id: variant.inventoryItemId,
      sku: spec.sku,
      tracked: spec.tracked ?? true,
      variantId: variant.id,
    });
    for (const [locationId, quantities] of Object.entries(spec.stock ?? {}))
      this.stock(variant.inventoryItemId, locationId, quantities);
    this.touchProduct(productId);
    return variant;
  }

  variantsOfProduct(productId: string): FakeVariant[] {
    return [...this.variants.values()].filter((variant) => variant.productId === productId);
  }

  /** Merchant edits in the admin: each moves the product's `updated_at`, as products/update reports. */
  setProductStatus(productId: string, status: FakeProductStatus): FakeProduct {
    const product = this.products.get(productId);
    if (!product) throw new Error(`fake: no product ${productId}`);
    product.status = status;
    return this.touchProduct(productId);
  }

  updateVariant(
    variantId: string,
    changes: Partial<Pick<FakeVariant, "sku" | "price" | "compareAtPrice" | "barcode">> & { tracked?: boolean },
  ): FakeVariant {
    const variant = this.variants.get(variantId);
    if (!variant) throw new Error(`fake: no variant ${variantId}`);
    const { tracked, ...fields } = changes;
    Object.assign(variant, fields);
    const item = this.inventoryItems.get(variant.inventoryItemId)!;
    if (fields.sku !== undefined) item.sku = fields.sku; // the variant's SKU is its inventory item's
    if (tracked !== undefined) item.tracked = tracked;
    variant.updatedAt = this.timestamp();
    this.touchProduct(variant.productId);
    return variant;
  }

  /** Removes a variant with its inventory item and levels. */
  deleteVariant(variantId: string): void {
    const variant = this.variants.get(variantId);
    if (!variant) throw new Error(`fake: no variant ${variantId}`);
    this.variants.delete(variantId);
    this.inventoryItems.delete(variant.inventoryItemId);
    for (const level of this.levelsOfItem(variant.inventoryItemId)) this.inventoryLevels.delete(level.id);
    this.#levelIdsByItem.delete(variant.inventoryItemId);
    this.touchProduct(variant.productId);
  }

  deleteProduct(productId: string): void {
    for (const variant of this.variantsOfProduct(productId)) this.deleteVariant(variant.id);
    this.products.delete(productId);
  }

  private touchProduct(productId: string): FakeProduct {
    const product = this.products.get(productId)!;
    product.updatedAt = this.timestamp();
    return product;
  }

  /** Activates the item at the location if needed and sets the given quantities. */
  stock(
    inventoryItemId: string,
    locationId: string,
    quantities: Partial<Record<StoredQuantityName, number>>,
  ): FakeInventoryLevel {
    if (!this.inventoryItems.has(inventoryItemId)) throw new Error(`fake: no inventory item ${inventoryItemId}`);
    if (!this.locations.has(locationId)) throw new Error(`fake: no location ${locationId}`);
    let level = this.levelOf(inventoryItemId, locationId);
    if (!level) {
      const itemNumber = inventoryItemId.split("/").pop();
      level = {
        id: `gid://shopify/InventoryLevel/${this.nextNumericId()}?inventory_item_id=${itemNumber}`,
        inventoryItemId,
        locationId,
        quantities: {
          available: 0,
          committed: 0,
          reserved: 0,
          damaged: 0,
          safety_stock: 0,
          quality_control: 0,
          incoming: 0,
        },
        updatedAt: this.timestamp(),
      };
      this.inventoryLevels.set(level.id, level);
      let byLocation = this.#levelIdsByItem.get(inventoryItemId);
      if (!byLocation) this.#levelIdsByItem.set(inventoryItemId, (byLocation = new Map()));
      byLocation.set(locationId, level.id);
    }
    Object.assign(level.quantities, quantities);
    level.updatedAt = this.timestamp();
    return level;
  }

  levelOf(inventoryItemId: string, locationId: string): FakeInventoryLevel | undefined {
    const id = this.#levelIdsByItem.get(inventoryItemId)?.get(locationId);
    return id === undefined ? undefined : this.inventoryLevels.get(id);
  }

  /** In creation order, as a scan of `inventoryLevels` would list them. */
  levelsOfItem(inventoryItemId: string): FakeInventoryLevel[] {
    const ids = this.#levelIdsByItem.get(inventoryItemId);
    return ids ? [...ids.values()].flatMap((id) => this.inventoryLevels.get(id) ?? []) : [];
  }

  quantity(level: FakeInventoryLevel, name: InventoryQuantityName): number {
    if (name === "on_hand") return onHandParts.reduce((sum, part) => sum + level.quantities[part], 0);
    return level.quantities[name];
  }

  /** Writes a named quantity the way Shopify does: on_hand moves with the sellable and unsellable states. */
  setQuantity(level: FakeInventoryLevel, name: InventoryQuantityName, value: number): void {
    if (name === "on_hand") level.quantities.available += value - this.quantity(level, "on_hand");
    else level.quantities[name] = value;
    level.updatedAt = this.timestamp();
  }

  variantsBySku(sku: string): FakeVariant[] {
    return [...this.variants.values()].filter((variant) => variant.sku === sku);
  }

  /** Shop.enabledPresentmentCurrencies: the shop's currency first. */
  enabledPresentmentCurrencies(): string[] {
    return [...new Set([this.currency, ...this.presentmentCurrencies])];
  }

  customerByEmail(email: string): FakeCustomer | undefined {
    const wanted = email.trim().toLowerCase();
    for (const customer of this.customers.values()) if (customer.email?.toLowerCase() === wanted) return customer;
    return undefined;
  }

  primaryLocation(): FakeLocation {
    const location = [...this.locations.values()].find((l) => l.isPrimary) ?? this.locations.values().next().value;
    if (!location) throw new Error("fake: the shop has no location; seed one with addLocation");
    return location;
  }

  nextOrderName(): string {
    return `#${++this.#orderNumber}`;
  }

  orderOfLineItem(lineItemId: string): FakeOrder | undefined {
    for (const order of this.orders.values()) if (order.lineItems.some((line) => line.id === lineItemId)) return order;
    return undefined;
  }

  findFulfillment(id: string): FakeFulfillment | undefined {
    for (const order of this.orders.values()) {
      const found = order.fulfillments.find((f) => f.id === id);
      if (found) return found;
    }
    return undefined;
  }

  findFulfillmentOrder(id: string): FakeFulfillmentOrder | undefined {
    for (const order of this.orders.values()) {
      const found = order.fulfillmentOrders.find((f) => f.id === id);
      if (found) return found;
    }
    return undefined;
  }

  findRefund(id: string): FakeRefund | undefined {
    for (const order of this.orders.values()) {
      const found = order.refunds.find((r) => r.id === id);
      if (found) return found;
    }
    return undefined;
  }

  metafieldOf(ownerId: string, namespace: string, key: string): FakeMetafield | undefined {
    for (const metafield of this.metafields.values())
      if (metafield.ownerId === ownerId && metafield.namespace === namespace && metafield.key === key) return metafield;
    return undefined;
  }
}
