import type {
  BlockMoney,
  OrderBlockOrder,
  OrderBlockResponse,
} from "../../../app/routes/api.admin-block.order/contract";

/** What the block knows of the order it sits on. */
export type BlockState =
  | { kind: "loading" }
  /** Not an order made from a Mirakl order (or no order at all): the block shows nothing. */
  | { kind: "none" }
  /** `status`: the app's HTTP status; null when there was no answer, or none that reads. */
  | { kind: "error"; status: number | null }
  | { kind: "order"; order: OrderBlockOrder };

const failed = (status: number | null): BlockState => ({ kind: "error", status });

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;
const isMoney = (value: unknown): value is BlockMoney | null =>
  value === null || (isRecord(value) && typeof value.amount === "string" && typeof value.formatted === "string");

/**
 * The app's answer checked field by field, without a validation library (an extension's whole bundle is
 * limited to 64 KB): an answer that does not read is an error, never a half-filled block.
 */
function isOrder(value: unknown): value is OrderBlockOrder {
  if (!isRecord(value)) return false;
  const { carrierMapping } = value;
  return (
    ["marketplace", "miraklOrderId", "state", "stateLabel", "currency"].every(
      (key) => typeof value[key] === "string",
    ) &&
    (value.shippingDeadline === null || typeof value.shippingDeadline === "string") &&
    typeof value.shippingOverdue === "boolean" &&
    isMoney(value.commission) &&
    isMoney(value.netToSeller) &&
    typeof value.orderPagePath === "string" &&
    value.orderPagePath.startsWith("/app/orders/") &&
    isRecord(carrierMapping) &&
    typeof carrierMapping.status === "string" &&
    typeof carrierMapping.message === "string"
  );
}

function readAnswer(body: unknown): BlockState {
  if (!isRecord(body)) return failed(null);
  const answer = body as Partial<OrderBlockResponse>;
  if (answer.found === false) return { kind: "none" };
  if (answer.found === true && isOrder(answer.order)) return { kind: "order", order: answer.order };
  return failed(null);
}

/**
 * Asks the app about a Shopify order. A relative URL goes to the app (its `application_url`), and the admin
 * adds the session token to a fetch to the app by itself.
 */
export async function loadBlockState(shopifyOrderId: string, fetchFromApp: typeof fetch = fetch): Promise<BlockState> {
  try {
    const response = await fetchFromApp(`/api/admin-block/order?id=${encodeURIComponent(shopifyOrderId)}`);
    if (!response.ok) return failed(response.status);
    return readAnswer(await response.json());
  } catch {
    // A network failure or a body that is not JSON: what the merchant can act on is the same.
    return failed(null);
  }
}
