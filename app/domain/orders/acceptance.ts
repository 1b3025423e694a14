import type { AcceptanceSettings, FailureAction } from "~/domain/orders/acceptance-settings";
import { createShopifySkuResolver, type SkuOverride } from "~/domain/sku-mapping";
import {
  checkCurrency,
  checkLineInput,
  checkOffer,
  checkPrice,
  checkProductActive,
  checkQuantityLimit,
  checkSkuMapping,
  checkStock,
  type FailedCheck,
  type OfferFacts,
  type Reason,
  type RuleCheck,
  type SkuStockFacts,
  type VariantFacts,
} from "~/domain/orders/acceptance-rules";

export type {
  CheckOutcome,
  FailedCheck,
  OfferFacts,
  ProductStatus,
  Reason,
  ReasonCode,
  RuleCheck,
  SkuStockFacts,
  VariantFacts,
} from "~/domain/orders/acceptance-rules";

/**
 * Accept or refuse the waiting lines of one Mirakl order (issue 10), with the reasons a person can read.
 * Pure: the caller gathers the order, the platform's acceptance facts, the settings and a catalogue view
 * (offer mirror, SKU mapping, variants, stock); this decides, explains, and says which OR21 to send.
 *
 * Per waiting line, in line order, the rules of ./acceptance-rules.ts run; a failed rule refuses the line
 * or sends it to review as the merchant set it per rule (default: refuse). Choices where the issue is silent:
 *  - A line failing one rule set to "refuse" and another set to "review" is refused: reviewing it cannot
 *    serve it, and waiting only brings the marketplace's own auto-refusal closer.
 *  - Lines of the order that ask for the same Shopify SKU share its stock in line order. A line that will
 *    not be refused (accepted, or in review: a person may accept it) takes its units; a refused line, or one
 *    short of stock, takes none, so a later smaller line can still be served.
 *  - A line id missing or seen twice always goes to review, whatever the settings: OR21 must name every
 *    waiting line exactly once, so no body can be built until a person looks at the order on Mirakl.
 *  - Partial acceptance forbidden: a line that would be refused makes the whole order refused or in review
 *    (setting); a line in review puts the whole order in review (one decision for the order, taken by a person).
 *  - Lines not in WAITING_ACCEPTANCE are not ours to decide: they are listed apart and left out of OR21.
 */

export const WAITING_ACCEPTANCE = "WAITING_ACCEPTANCE";

/** What the decision needs of a Mirakl order line (OR11 `order_lines[]`), nothing more. */
export interface AcceptanceOrderLine {
  /** `order_line_id`. */
  id: string;
  /** `offer_sku`: the seller's SKU the customer ordered. */
  offerSku: string;
  quantity: number;
  /** `price_unit` as a canonical decimal string (see ~/domain/money). */
  unitPrice: string;
  /** `order_line_state`. */
  state: string;
}

export interface AcceptanceOrder {
  /** `order_id`. */
  id: string;
  /** `currency_iso_code`: Mirakl prices a whole order in one currency. */
  currency: string;
  lines: readonly AcceptanceOrderLine[];
}

export interface PlatformAcceptance {
  /** PC01 `features.order_workflows.order_acceptance`: AUTOMATIC skips this step; anything else decides. */
  orderAcceptance: string | null;
  /** "forbidden" when the platform refuses mixed decisions (ORDER_PARTIAL_ACCEPTANCE_DISABLED seen, or known). */
  partialAcceptance: "allowed" | "forbidden";
}

/** The connection's catalogue, as the decision sees it. Lookups are pure reads of data the caller gathered. */
export interface AcceptanceCatalog {
  /** The connection's offer mirror; undefined: not an offer of this connection. */
  offer(offerSku: string): OfferFacts | undefined;
  /** The connection's SKU mapping (see createShopifySkuResolver): the Shopify SKU feeding the offer, or null. */
  shopifySku(offerSku: string): string | null;
  /** Shopify variants carrying this SKU, deleted ones included. */
  variants(shopifySku: string): readonly VariantFacts[];
  /** This connection's stock of the Shopify SKU; undefined: nothing known, taken as none. */
  stock(shopifySku: string): SkuStockFacts | undefined;
}

/** The catalogue as plain data, read in bulk by the caller for the order's SKUs. */
export interface AcceptanceCatalogData {
  /** The connection's offer mirror, by offer SKU. */
  offers: ReadonlyMap<string, OfferFacts>;
  /** The connection's SKU mapping overrides; identity for every other SKU. */
  skuOverrides: readonly SkuOverride[];
  /** Shopify variants by Shopify SKU, deleted ones included. */
  variantsBySku: ReadonlyMap<string, readonly VariantFacts[]>;
  /** This connection's stock by Shopify SKU. */
  stockBySku: ReadonlyMap<string, SkuStockFacts>;
}

export function catalogFrom(data: AcceptanceCatalogData): AcceptanceCatalog {
  const shopifySku = createShopifySkuResolver(data.skuOverrides);
  return {
    offer: (offerSku) => data.offers.get(offerSku),
    shopifySku,
    variants: (sku) => data.variantsBySku.get(sku) ?? [],
    stock: (sku) => data.stockBySku.get(sku),
  };
}

export interface AcceptanceInput {
  order: AcceptanceOrder;
  platform: PlatformAcceptance;
  /** The connection's currency (learnt on "Test connection"); null: not known yet, not checked. */
  connectionCurrency: string | null;
  settings: AcceptanceSettings;
  catalog: AcceptanceCatalog;
}

export type LineDecisionKind = "accept" | "refuse" | "review";

export interface LineDecision {
  lineId: string;
  offerSku: string;
  quantity: number;
  /** The Shopify SKU the line was matched to, when it was. */
  shopifySku: string | null;
  variantId: string | null;
  decision: LineDecisionKind;
  /** What the line's own checks decided, before the order-wide rule of partial acceptance. */
  ownDecision: LineDecisionKind;
  /** Every check that ran, in rule order, passes included. */
  checks: RuleCheck[];
  /** The failed checks, each with the action the settings gave it. */
  failures: FailedCheck[];
  /** Why the whole order follows one decision, when it does and that changed this line's decision. */
  orderReason: Reason | null;
  /** Why this decision: the passed checks for an accepted line, else the failures and the order reason. */
  reasons: Reason[];
  /** One sentence: "Refuse line X-1: Only 2 sellable at Warehouse Lyon, 3 ordered (…)". */
  summary: string;
}

/** OR21's body: every waiting line of the order, once, accepted or not. */
export interface Or21Body {
  order_lines: { id: string; accepted: boolean }[];
}

interface AcceptanceBase {
  orderId: string;
  /** One sentence for the timeline. */
  message: string;
  /** Ids of the lines in another state than WAITING_ACCEPTANCE: not decided, not in OR21. */
  otherLineIds: string[];
}

export type OrderAcceptance =
  /** The marketplace accepts orders by itself: nothing to decide, nothing to send. */
  | (AcceptanceBase & { status: "skipped"; reason: Reason; lines: []; or21: null })
  /** No line waits for acceptance (already decided, cancelled, …). */
  | (AcceptanceBase & { status: "nothing-to-decide"; lines: []; or21: null })
  /** Every waiting line is accepted or refused: send `or21`. */
  | (AcceptanceBase & {
      status: "final";
      outcome: "accept-all" | "refuse-all" | "partial";
      lines: LineDecision[];
      or21: Or21Body;
    })
  /** Some line waits for a person: send nothing yet. */
  | (AcceptanceBase & { status: "needs-review"; lines: LineDecision[]; or21: null });

export const AUTOMATIC_ACCEPTANCE_MESSAGE = "skipped: the marketplace accepts orders automatically";

// ---- one line ---------------------------------------------------------------------------------

interface LineEvaluation {
  checks: RuleCheck[];
  shopifySku: string | null;
  variant: VariantFacts | null;
  quantity: number | null;
  /** Forced to review whatever the settings (missing or duplicate line id). */
  forceReview: Reason | null;
}

/** Every rule that does not depend on the other lines (all but stock), in the order of ACCEPTANCE_RULES. */
function evaluateLine(
  line: AcceptanceOrderLine,
  order: AcceptanceOrder,
  input: AcceptanceInput,
  duplicateIds: ReadonlySet<string>,
): LineEvaluation {
  const { readable, checks } = checkLineInput(line);
  let forceReview: Reason | null = null;
  if (typeof line.id !== "string" || line.id === "") {
    forceReview = { code: "missing-line-id", message: "Mirakl sent this line without an id: OR21 cannot name it" };
  } else if (duplicateIds.has(line.id)) {
    forceReview = {
      code: "duplicate-line-id",
      message: `Mirakl sent line ${line.id} more than once in this order: check the order on Mirakl`,
    };
  }
  if (forceReview) checks.unshift({ rule: "invalidLine", outcome: "fail", ...forceReview });

  checks.push(checkCurrency(order.currency, input.connectionCurrency));
  let shopifySku: string | null = null;
  let variant: VariantFacts | null = null;
  if (readable.offerSku !== null) {
    const offer = input.catalog.offer(readable.offerSku);
    checks.push(checkOffer(readable.offerSku, offer));
    shopifySku = input.catalog.shopifySku(readable.offerSku);
    const mapping = checkSkuMapping(
      readable.offerSku,
      shopifySku,
      shopifySku === null ? [] : input.catalog.variants(shopifySku),
    );
    checks.push(mapping.check);
    variant = mapping.variant;
    if (variant) checks.push(checkProductActive(variant));
  }
  if (readable.quantity !== null) {
    const limit = checkQuantityLimit(readable.quantity, input.settings.maxQuantityPerLine);
    if (limit) checks.push(limit);
  }
  if (readable.offerSku !== null && readable.unitPrice !== null) {
    const advertised = input.catalog.offer(readable.offerSku)?.advertisedUnitPrice ?? null;
    checks.push(checkPrice(readable.unitPrice, advertised, order.currency, input.settings.priceTolerancePercent));
  }
  return { checks, shopifySku, variant, quantity: readable.quantity, forceReview };
}

function failuresOf(checks: readonly RuleCheck[], settings: AcceptanceSettings, forced: boolean): FailedCheck[] {
  return checks
    .filter((check) => check.outcome === "fail")
    .map((check) => ({
      ...check,
      outcome: "fail" as const,
      // A rule missing from hand-built settings refuses, as the defaults do.
      action: forced ? "review" : (settings.onFailedRule[check.rule] ?? ("refuse" as FailureAction)),
    }));
}

function decisionOf(failures: readonly FailedCheck[]): LineDecisionKind {
  if (failures.length === 0) return "accept";
  return failures.some((failure) => failure.action === "refuse") ? "refuse" : "review";
}

const VERB: Record<LineDecisionKind, string> = { accept: "Accept", refuse: "Refuse", review: "Review" };

/** What a line's decision is built from: its identity, what it matched, every check that ran. */
type LineFacts = Pick<LineDecision, "lineId" | "offerSku" | "quantity" | "shopifySku" | "variantId" | "checks">;

function describeLine(
  facts: LineFacts,
  failures: FailedCheck[],
  ownDecision: LineDecisionKind,
  decision: LineDecisionKind,
  orderReason: Reason | null,
): LineDecision {
  const reasons: Reason[] =
    decision === "accept"
      ? facts.checks.filter((c) => c.outcome !== "fail").map(({ code, message }) => ({ code, message }))
      : [...failures.map(({ code, message }) => ({ code, message })), ...(orderReason ? [orderReason] : [])];
  return {
    lineId: facts.lineId,
    offerSku: facts.offerSku,
    quantity: facts.quantity,
    shopifySku: facts.shopifySku,
    variantId: facts.variantId,
    checks: facts.checks,
    decision,
    ownDecision,
    failures,
    orderReason,
    reasons,
    summary: `${VERB[decision]} line ${facts.lineId || "(no id)"}: ${reasons.map((r) => r.message).join("; ")}`,
  };
}

/** A line OR21 cannot name (no id, or an id seen twice): it stays in review whatever else is decided. */
const unnameable = (line: LineDecision) =>
  line.failures.some((f) => f.code === "missing-line-id" || f.code === "duplicate-line-id");

// ---- the order --------------------------------------------------------------------------------

function duplicatesOf(ids: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const id of ids) (seen.has(id) ? duplicates : seen).add(id);
  return duplicates;
}

/** Each line's own decision, the stock of a SKU shared by the order's lines in line order. */
function decideLines(waiting: readonly AcceptanceOrderLine[], input: AcceptanceInput): LineDecision[] {
  const duplicateIds = duplicatesOf(waiting.map((line) => line.id));
  const claimed = new Map<string, number>();
  return waiting.map((line) => {
    const evaluation = evaluateLine(line, input.order, input, duplicateIds);
    const forced = evaluation.forceReview !== null;
    const { variant, shopifySku, quantity } = evaluation;
    // Stock last: only a line that will not be refused may take units from the lines after it.
    if (variant && shopifySku !== null && quantity !== null) {
      if (decisionOf(failuresOf(evaluation.checks, input.settings, forced)) !== "refuse") {
        const earlier = claimed.get(shopifySku) ?? 0;
        const stock = checkStock(quantity, shopifySku, input.catalog.stock(shopifySku), earlier);
        evaluation.checks.push(stock);
        if (stock.outcome === "pass") claimed.set(shopifySku, earlier + quantity);
      }
    }
    const failures = failuresOf(evaluation.checks, input.settings, forced);
    const own = decisionOf(failures);
    const facts: LineFacts = {
      lineId: line.id,
      offerSku: line.offerSku,
      quantity: line.quantity,
      shopifySku: variant ? shopifySku : null,
      variantId: variant?.variantId ?? null,
      checks: evaluation.checks,
    };
    return describeLine(facts, failures, own, own, null);
  });
}

/**
 * When the platform forbids partial acceptance the order follows one decision. Returns the decision every
 * line takes and why, or null when the lines' own decisions already agree or may differ.
 */
function wholeOrderDecision(
  lines: readonly LineDecision[],
  input: AcceptanceInput,
): { decision: LineDecisionKind; reason: Reason } | null {
  if (input.platform.partialAcceptance !== "forbidden") return null;
  const kinds = new Set(lines.map((line) => line.ownDecision));
  if (kinds.size <= 1) return null;
  const refused = lines.find((line) => line.ownDecision === "refuse");
  if (refused) {
    const why = refused.failures.map((f) => f.message).join("; ");
    const refuseAll = input.settings.whenPartialAcceptanceForbidden === "refuse-all";
    return {
      decision: refuseAll ? "refuse" : "review",
      reason: {
        code: "partial-acceptance-forbidden",
        message: `The marketplace forbids partial acceptance and line ${refused.lineId} would be refused (${why}): ${
          refuseAll ? "every line of the order is refused" : "every line goes to review so a person decides the order"
        }`,
      },
    };
  }
  const inReview = lines.find((line) => line.ownDecision === "review")!;
  return {
    decision: "review",
    reason: {
      code: "partial-acceptance-forbidden",
      message: `The marketplace forbids partial acceptance and line ${inReview.lineId} is in review: the whole order waits for that decision`,
    },
  };
}

function countText(lines: readonly LineDecision[]): string {
  const count = (kind: LineDecisionKind) => lines.filter((line) => line.decision === kind).length;
  const parts = [
    [count("accept"), "accepted"],
    [count("refuse"), "refused"],
    [count("review"), "in review"],
  ] as const;
  return parts
    .filter(([n]) => n > 0)
    .map(([n, label]) => `${n} ${label}`)
    .join(", ");
}

/** The decision for one order's waiting lines, its reasons, and the OR21 body when every line is decided. */
export function decideOrderAcceptance(given: AcceptanceInput): OrderAcceptance {
  // A currency that is not text (a drifting API) reads as none: the currency rule then says so.
  const currency = typeof given.order.currency === "string" ? given.order.currency : "";
  const input = { ...given, order: { ...given.order, currency } };
  const { order } = input;
  const waiting = order.lines.filter((line) => line.state === WAITING_ACCEPTANCE);
  const otherLineIds = order.lines.filter((line) => line.state !== WAITING_ACCEPTANCE).map((line) => line.id);
  const base = { orderId: order.id, otherLineIds };

  if (input.platform.orderAcceptance === "AUTOMATIC")
    return {
      ...base,
      status: "skipped",
      message: AUTOMATIC_ACCEPTANCE_MESSAGE,
      reason: { code: "automatic-acceptance", message: AUTOMATIC_ACCEPTANCE_MESSAGE },
      lines: [],
      or21: null,
    };
  if (waiting.length === 0)
    return {
      ...base,
      status: "nothing-to-decide",
      message: `No line of order ${order.id} waits for acceptance`,
      lines: [],
      or21: null,
    };

  let lines = decideLines(waiting, input);
  const whole = wholeOrderDecision(lines, input);
  if (whole)
    lines = lines.map((line) =>
      line.ownDecision === whole.decision || unnameable(line)
        ? line
        : describeLine(line, line.failures, line.ownDecision, whole.decision, whole.reason),
    );

  const lineWord = waiting.length === 1 ? "line" : "lines";
  if (lines.some((line) => line.decision === "review"))
    return {
      ...base,
      status: "needs-review",
      message: `Order ${order.id}, ${waiting.length} waiting ${lineWord}: ${countText(lines)}; nothing is sent until a person decides`,
      lines,
      or21: null,
    };
  const accepted = lines.filter((line) => line.decision === "accept").length;
  return {
    ...base,
    status: "final",
    outcome: accepted === lines.length ? "accept-all" : accepted === 0 ? "refuse-all" : "partial",
    message: `Order ${order.id}, ${waiting.length} waiting ${lineWord}: ${countText(lines)}`,
    lines,
    or21: or21BodyFor(lines.map((line) => ({ lineId: line.lineId, accepted: line.decision === "accept" }))),
  };
}

/** OR21's body, in line order. */
export function or21BodyFor(decisions: readonly { lineId: string; accepted: boolean }[]): Or21Body {
  return { order_lines: decisions.map(({ lineId, accepted }) => ({ id: lineId, accepted })) };
}

// ---- a person's decision ----------------------------------------------------------------------

export type ReviewCompletion = { ok: true; or21: Or21Body } | { ok: false; problem: string };

/**
 * The Order page's Accept / Refuse: a person's choice per line (line id → accepted) completes an order in
 * review into one OR21 with every waiting line. Every line in review needs a choice; a choice on a line
 * already decided overrides it (the person sees the whole order). With partial acceptance forbidden, the
 * choices must agree. Mixed lines in review were never sent, so nothing was promised yet.
 */
export function completeReview(
  acceptance: OrderAcceptance,
  choices: ReadonlyMap<string, boolean>,
  partialAcceptance: PlatformAcceptance["partialAcceptance"],
): ReviewCompletion {
  if (acceptance.status !== "needs-review")
    return { ok: false, problem: `Order ${acceptance.orderId} has no line in review` };
  if (acceptance.lines.some(unnameable))
    return { ok: false, problem: `Order ${acceptance.orderId} has lines OR21 cannot name: decide it on Mirakl` };
  const missing = acceptance.lines.filter((line) => line.decision === "review" && !choices.has(line.lineId));
  if (missing.length > 0)
    return { ok: false, problem: `No decision for ${missing.map((line) => `line ${line.lineId}`).join(", ")}` };
  const decisions = acceptance.lines.map((line) => ({
    lineId: line.lineId,
    accepted: choices.get(line.lineId) ?? line.decision === "accept",
  }));
  if (partialAcceptance === "forbidden" && new Set(decisions.map((d) => d.accepted)).size > 1)
    return {
      ok: false,
      problem: "The marketplace forbids partial acceptance: accept every line or refuse every line",
    };
  return { ok: true, or21: or21BodyFor(decisions) };
}
