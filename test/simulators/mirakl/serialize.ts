import {
  fromCents,
  iso,
  type SimCancelation,
  type SimOffer,
  type SimOrder,
  type SimRefund,
  type SimOrderLine,
  type SimShipment,
  type SimShop,
  type SimState,
  type SimTax,
  type SimTaxPart,
} from "./state";

/** OR11 order JSON. Nulls are emitted explicitly, as Mirakl does. */
export function orderJson(state: SimState, order: SimOrder) {
  const lines = order.lines.map((line) => lineJson(state, line));
  const sum = (pick: (line: SimOrderLine) => number) =>
    order.lines.filter((line) => line.state !== "REFUSED").reduce((total, line) => total + pick(line), 0);
  const price = sum((line) => line.price_unit * line.quantity);
  const shipping = sum((line) => line.shipping_price);
  const commission = sum((line) => commissionOf(line).total);
  const showDetails = order.accepted || state.platform.detailsBeforeAcceptance;
  // Mirakl: refunds were requested and they add up to all that remains of the active lines.
  const active = order.lines.filter((line) => line.state !== "REFUSED" && line.state !== "CANCELED");
  const fullyRefunded =
    active.some((line) => line.refunds.length > 0) &&
    active.every((line) => {
      const left = state.lineBalance(line);
      return left.amount === 0 && left.shipping === 0;
    });
  return {
    acceptance_decision_date: iso(order.acceptance_decision_date),
    can_cancel: state.canCancel(order),
    can_shop_ship: order.state === "SHIPPING",
    channel: order.channel,
    commercial_id: order.commercial_id,
    created_date: iso(order.created),
    currency_iso_code: order.currency,
    customer: {
      ...order.customer,
      billing_address: showDetails ? order.customer.billing_address : null,
      shipping_address: showDetails ? order.customer.shipping_address : null,
    },
    customer_debited_date: iso(order.customer_debited),
    customer_directly_pays_seller: false,
    customer_notification_email: `notification+${order.id.toLowerCase()}@notification.mirakl.net`,
    delivery_date: null,
    fulfillment: { center: { code: "DEFAULT" } },
    fully_refunded: fullyRefunded,
    has_customer_message: false,
    has_incident: false,
    has_invoice: false,
    last_updated_date: iso(order.updated),
    leadtime_to_ship: order.leadtime_to_ship,
    order_additional_fields: [],
    order_id: order.id,
    order_lines: lines,
    order_refunds: null,
    order_state: order.state,
    order_state_reason_code: order.reason?.code ?? null,
    order_state_reason_label: order.reason?.label ?? null,
    order_tax_mode: "TAX_EXCLUDED",
    order_taxes: null,
    paymentType: "CREDIT_CARD",
    payment_type: "CREDIT_CARD",
    payment_workflow: order.payment_workflow,
    price: fromCents(price),
    promotions: { applied_promotions: [], total_deduced_amount: 0 },
    quote_id: null,
    references: order.references,
    shipping_carrier_code: order.tracking.carrier_code,
    shipping_carrier_standard_code: order.tracking.carrier_standard_code,
    shipping_company: order.tracking.company,
    shipping_deadline: iso(order.created + order.leadtime_to_ship * 24 * 3600_000),
    shipping_price: fromCents(shipping),
    shipping_pudo_id: null,
    shipping_tracking: order.tracking.number,
    shipping_tracking_url: order.tracking.url,
    shipping_type_code: "STD",
    shipping_type_label: "Standard",
    shipping_type_standard_code: null,
    shipping_zone_code: "DOM",
    shipping_zone_label: "Domestic",
    total_commission: fromCents(commission),
    total_price: fromCents(price + shipping),
    transaction_date: iso(order.customer_debited),
    transaction_number: order.customer_debited === null ? null : `TX-${order.id}`,
  };
}

export function commissionOf(line: SimOrderLine) {
  const fee = Math.round((line.price_unit * line.quantity * line.commission_rate) / 100);
  return { fee, vat: 0, total: fee };
}

function taxJson(tax: SimTax) {
  return { amount: fromCents(tax.amount), code: tax.code, rate: tax.rate, tax_calculation_rule: tax.rule };
}

const partJson = (part: SimTaxPart) => ({ amount: fromCents(part.amount), code: part.code, rate: part.rate });

/** The commission a refund or cancelation gives back, as OR11 shows it (commission taxes at zero, like the line's). */
function commissionBackJson(commission: number) {
  return {
    commission_amount: fromCents(commission),
    commission_taxes: [{ amount: 0, code: "TAXZERO" }],
    commission_total_amount: fromCents(commission),
  };
}

/** OR28's answer for one refund it created. */
export function refundCreatedJson(
  order: SimOrder,
  line: SimOrderLine,
  refund: SimRefund,
  excludedFromShipment = false,
) {
  return {
    amount: fromCents(refund.amount),
    currency_iso_code: order.currency,
    excluded_from_shipment: excludedFromShipment,
    fees: [],
    order_line_id: line.id,
    order_refund_id: refund.order_refund_id,
    quantity: refund.quantity,
    reason_code: refund.reason_code,
    refund_id: refund.id,
    shipping_amount: fromCents(refund.shipping_amount),
    shipping_taxes: refund.shipping_taxes.map(partJson),
    taxes: refund.taxes.map(partJson),
  };
}

/** OR30's answer for one cancelation it created. */
export function cancelationCreatedJson(order: SimOrder, line: SimOrderLine, cancelation: SimCancelation) {
  return {
    amount: fromCents(cancelation.amount),
    cancelation_id: cancelation.id,
    currency_iso_code: order.currency,
    fees: [],
    order_line_id: line.id,
    quantity: cancelation.quantity,
    reason_code: cancelation.reason_code,
    shipping_amount: fromCents(cancelation.shipping_amount),
    shipping_taxes: cancelation.shipping_taxes.map(partJson),
    taxes: cancelation.taxes.map(partJson),
  };
}

function lineJson(state: SimState, line: SimOrderLine) {
  const commission = commissionOf(line);
  const price = line.price_unit * line.quantity;
  return {
    can_refund: canRefund(state, line),
    cancelations: line.cancelations.map((cancelation) => ({
      amount: fromCents(cancelation.amount),
      ...commissionBackJson(cancelation.commission),
      created_date: iso(cancelation.created),
      fees: [],
      id: cancelation.id,
      quantity: cancelation.quantity,
      reason_code: cancelation.reason_code,
      shipping_amount: fromCents(cancelation.shipping_amount),
      shipping_taxes: cancelation.shipping_taxes.map(partJson),
      taxes: cancelation.taxes.map(partJson),
    })),
    category_code: line.category_code,
    category_label: line.category_label,
    commission_fee: fromCents(commission.fee),
    commission_rate_vat: 0,
    commission_taxes: [{ amount: 0, code: "TAXZERO", rate: 0 }],
    commission_vat: 0,
    created_date: iso(line.created),
    debited_date: iso(line.debited),
    description: null,
    fees: [],
    last_updated_date: iso(line.updated),
    offer_id: line.offer_id,
    offer_sku: line.offer_sku,
    offer_state_code: "11",
    order_line_additional_fields: [],
    order_line_id: line.id,
    order_line_index: line.index,
    order_line_state: line.state,
    order_line_state_reason_code: line.reason?.code ?? null,
    order_line_state_reason_label: line.reason?.label ?? null,
    origin_unit_price: fromCents(line.price_unit),
    price: fromCents(price),
    price_additional_info: null,
    price_unit: fromCents(line.price_unit),
    product_medias: [],
    product_shop_sku: line.offer_sku,
    product_sku: line.product_sku,
    product_title: line.product_title,
    quantity: line.quantity,
    received_date: iso(line.received),
    refunds: line.refunds.map((refund) => ({
      amount: fromCents(refund.amount),
      ...commissionBackJson(refund.commission),
      commission_tax_amount: 0,
      created_date: iso(refund.created),
      fees: [],
      id: refund.id,
      order_refund_id: refund.order_refund_id,
      quantity: refund.quantity,
      reason_code: refund.reason_code,
      refund_state: refund.refunded ? "REFUNDED" : "WAITING_REFUND",
      shipping_amount: fromCents(refund.shipping_amount),
      shipping_taxes: refund.shipping_taxes.map(partJson),
      state: refund.refunded ? "REFUNDED" : "WAITING_REFUND",
      taxes: refund.taxes.map(partJson),
      transaction_date: refund.refunded ? iso(refund.refundedAt) : null,
      transaction_number: refund.refunded ? `RTX-${refund.id}` : null,
    })),
    shipped_date: iso(line.shipped),
    shipping_from: null,
    shipping_price: fromCents(line.shipping_price),
    shipping_price_additional_unit: null,
    shipping_price_unit: fromCents(line.shipping_price),
    shipping_taxes: line.shipping_taxes.map(taxJson),
    taxes: line.taxes.map(taxJson),
    total_commission: fromCents(commission.total),
    total_price: fromCents(price + line.shipping_price),
  };
}

/** OR28 is open on a line that has shipped or is to ship (never once CLOSED) while something is left to refund. */
export function canRefund(state: SimState, line: SimOrderLine): boolean {
  const left = state.lineBalance(line);
  return ["SHIPPING", "SHIPPED", "RECEIVED"].includes(line.state) && left.amount + left.shipping > 0;
}

export function accountJson(shop: SimShop) {
  return {
    approval_delay: 3600,
    approval_rate: 1,
    channels: [],
    closed_from: null,
    closed_to: null,
    contact_informations: {
      city: "New York",
      civility: "Mr",
      country: "USA",
      email: "shop@example.test",
      lastname: "Doe",
      street1: "30, Prince Street",
      zip_code: "NY 10012",
    },
    currency_iso_code: shop.currency,
    date_created: iso(shop.created),
    default_billing_information: {
      default_language: "en_US",
      id: `billing-${shop.id}`,
      registration_address: {
        city: "New York",
        country_iso_code: "USA",
        street_1: "30, Prince Street",
        street_2: null,
        zip_code: "NY 10012",
      },
    },
    billing_info: { bank_name: null, iban: null, owner: shop.name },
    domains: ["PRODUCT"],
    evaluations_count: 0,
    free_shipping: false,
    is_professional: true,
    last_updated_date: iso(shop.created),
    model: "MARKETPLACE",
    offers_count: [...shop.offers.values()].filter((offer) => offer.active).length,
    orders_count: shop.orders.size,
    payment_details: { paid_balance: 0, payable_balance: 0, pending_balance: 0 },
    payment_method_mandatory: false,
    premium: false,
    pro_details: { corporate_name: shop.name },
    shipping: { lead_time_to_ship: 2 },
    shipping_types: ["STD"],
    shipping_zones: ["DOM"],
    shop_additional_fields: [],
    shop_id: shop.id,
    shop_name: shop.name,
    shop_state: shop.state,
  };
}

export function offerSummary(offer: SimOffer) {
  return {
    offer_id: offer.offer_id,
    shop_sku: offer.shop_sku,
    product_sku: offer.product_sku,
    product_id: offer.product_id,
    product_id_type: offer.product_id_type,
    state_code: offer.state_code,
    price: fromCents(offer.price),
    discount: offer.discount && {
      ...offer.discount,
      price: offer.discount.price === null ? null : fromCents(offer.discount.price),
    },
    extra_prices: offer.extra_prices,
    quantity: offer.quantity,
    warehouses: offer.warehouses,
    description: offer.description,
    internal_description: offer.internal_description,
    leadtime_to_ship: offer.leadtime_to_ship,
    active: offer.active,
    deleted: offer.deleted,
    last_updated: iso(offer.updated),
  };
}

/**
 * A shipment as ST01 (in `shipment_success`) and ST11 show it. The customer is debited per order in the simulator
 * (PAY_ON_SHIPMENT's per-shipment debit is not modelled), so every shipment is NO_DEBIT, as in Mirakl's examples.
 */
export function shipmentJson(shipment: SimShipment) {
  return {
    created_date: iso(shipment.created)!,
    id: shipment.id,
    invoice_reference: shipment.invoice_reference,
    last_updated_date: iso(shipment.updated),
    order_id: shipment.order_id,
    payment_details: null,
    shipment_additional_information: [],
    shipment_lines: shipment.lines.map((line) => ({
      offer_sku: line.offer_sku,
      order_line_id: line.order_line_id,
      package_reference: line.package_reference,
      quantity: line.quantity,
    })),
    shipped_date: iso(shipment.shipped),
    shipping_from: { address: null, warehouse: shipment.warehouse_code ? { code: shipment.warehouse_code } : null },
    status: shipment.status,
    status_customer_debit: "NO_DEBIT",
    tracking: shipment.tracking && {
      ...shipment.tracking,
      last_known_location: null,
      milestones: [],
      validity_status: null,
    },
  };
}
