import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { isRouteErrorResponse, useActionData, useLoaderData, useNavigation, useRouteError } from "@remix-run/react";
import { Banner, BlockStack, InlineStack, Layout, Page } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import prisma from "~/db.server";
import { requireShop } from "~/auth.server";
import { useRevalidateWhile } from "~/components/use-revalidate-while";
import {
  AcceptanceBadge,
  DeadlineBadge,
  NeedsAttentionBadge,
  OrderStateBadge,
  ShippingDeadlineBadge,
} from "~/components/order-status";
import { submitReview } from "~/sync/orders/review.server";
import { requestShopifyOrder } from "~/sync/orders/shopify-order.server";
import { retryShipment } from "~/sync/fulfilments/shipments.server";
import { chooseRefundReason } from "~/sync/refunds/refunds.server";
import { refundReasonsFor } from "~/connections/refund-reasons.server";
import { loadOrderPage, reasonTypeOf, type OrderPage } from "./order-page.server";
import { parseReviewForm } from "./review-form";
import { LineDecisions, OrderLines } from "./order-lines";
import { CustomerCard, MoneySummary, OrderTimeline } from "./order-details";
import { ReviewCard } from "./review-card";
import { CREATE_SHOPIFY_ORDER_INTENT, ShopifyOrderCard } from "./shopify-order-card";
import { FulfilmentCard, RETRY_SHIPMENT_INTENT } from "./fulfilment-card";
import { REFUND_REASON_INTENT, RefundsCard } from "./refunds-card";

// Another shop's order looks exactly like a missing one.
const notFound = () => json({ message: "This order does not exist." }, { status: 404 });

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const page = await loadOrderPage(shop, params.id ?? "", new Date());
  if (!page) throw notFound();
  return json(page);
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop, staff } = await requireShop(request);
  const orderId = params.id ?? "";
  const order = await prisma.marketplaceOrder.findFirst({
    where: { id: orderId, shop },
    select: { id: true, connectionId: true },
  });
  if (!order) throw notFound();
  const form = await request.formData();
  if (form.get("intent") === CREATE_SHOPIFY_ORDER_INTENT) {
    if (!(await requestShopifyOrder(shop, orderId, "staff")))
      return json(
        { problem: "This order has no Shopify order to make (it is not paid yet, or it has one)." },
        { status: 409 },
      );
    return redirect(`/app/orders/${encodeURIComponent(orderId)}`);
  }
  if (form.get("intent") === RETRY_SHIPMENT_INTENT) {
    const shipmentId = String(form.get("shipmentId") ?? "");
    const shipment = await prisma.marketplaceShipment.findFirst({
      where: { id: shipmentId, shop, orderId },
      select: { id: true },
    });
    if (!shipment || !(await retryShipment(shop, shipment.id)))
      return json({ problem: "This fulfilment no longer exists." }, { status: 404 });
    return redirect(`/app/orders/${encodeURIComponent(orderId)}`);
  }
  if (form.get("intent") === REFUND_REASON_INTENT) {
    const problem = await chooseReason(shop, order, String(form.get("refundId") ?? ""), String(form.get("code") ?? ""));
    if (problem) return json({ problem: problem.message }, { status: problem.status });
    return redirect(`/app/orders/${encodeURIComponent(orderId)}`);
  }
  const parsed = parseReviewForm(form);
  if (!parsed.ok) return json({ problem: parsed.problem }, { status: 400 });
  const result = await submitReview({ shop, orderId, choices: parsed.choices, staff }, new Date());
  if (!result.ok) return json({ problem: result.problem }, { status: 409 });
  return redirect(`/app/orders/${encodeURIComponent(orderId)}`);
};

/**
 * A person's reason for a refund waiting for one: a code the marketplace offers the shop (when its reasons can be
 * read; the page offered only those), for a refund of this order.
 */
async function chooseReason(
  shop: string,
  order: { id: string; connectionId: string },
  refundId: string,
  code: string,
): Promise<{ status: number; message: string } | null> {
  if (!code || code.length > 50) return { status: 400, message: "Choose a refund reason." };
  const refund = await prisma.marketplaceRefund.findFirst({
    where: { id: refundId, shop, orderId: order.id },
    select: { id: true, kind: true, request: true },
  });
  if (!refund) return { status: 404, message: "This refund no longer exists." };
  const reasons = await refundReasonsFor(shop, order.connectionId, { waitMs: 5_000 });
  const cancelation = reasonTypeOf(refund) === "CANCELATION";
  const offered = reasons.ok ? (cancelation ? reasons.reasons.cancelation : reasons.reasons.refund) : null;
  if (offered && !offered.some((r) => r.code === code))
    return {
      status: 400,
      message: `The marketplace does not offer this ${cancelation ? "cancellation" : "refund"} reason: choose one from the list.`,
    };
  if (!(await chooseRefundReason(shop, refund.id, code)))
    return { status: 409, message: "This refund no longer waits for a reason." };
  return null;
}

export default function OrderDetail() {
  const { order, lines, money, customer, timeline, shopifyOrder, fulfilment, refunds } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  // The acceptance unit decides or sends within seconds, the Shopify order follows the payment: the page follows them.
  useRevalidateWhile(
    order.acceptance === "PENDING" ||
      order.acceptance === "SENDING" ||
      shopifyOrder.status === "DUE" ||
      shopifyOrder.status === "SENDING" ||
      fulfilment.status === "SYNCING",
    3000,
  );
  return (
    <Page
      backAction={{ content: "Orders", url: "/app/orders" }}
      title={`Order ${order.miraklOrderId}`}
      secondaryActions={
        order.connectionId
          ? [
              {
                content: "Acceptance settings",
                url: `/app/connections/${encodeURIComponent(order.connectionId)}/orders`,
                accessibilityLabel: `Order acceptance settings for ${order.marketplace}`,
              },
            ]
          : []
      }
      titleMetadata={
        <InlineStack gap="100">
          <OrderStateBadge state={order.state} />
          <AcceptanceBadge acceptance={order.acceptance} decided={order.decided} />
          {order.needsAttention && <NeedsAttentionBadge />}
        </InlineStack>
      }
      subtitle={[
        order.marketplace,
        order.commercialId ? `Commercial id ${order.commercialId}` : null,
        `Placed ${new Date(order.createdOnMiraklAt).toLocaleString()}`,
      ]
        .filter(Boolean)
        .join(" · ")}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {actionData?.problem && (
              <Banner tone="critical" title="Nothing was sent">
                {actionData.problem}
              </Banner>
            )}
            <AcceptanceBanner order={order} />
            <ShippingBanner order={order} />
            {order.acceptance === "REVIEW" && (
              <ReviewCard lines={lines} currency={order.currency} submitting={submitting} />
            )}
            <OrderLines lines={lines} currency={order.currency} />
          </BlockStack>
        </Layout.Section>
        <Layout.Section>
          <BlockStack gap="400">
            <LineDecisions lines={lines} />
            <OrderTimeline timeline={timeline} />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <ShopifyOrderCard shopifyOrder={shopifyOrder} submitting={submitting} />
            {shopifyOrder.status === "CREATED" && <FulfilmentCard fulfilment={fulfilment} submitting={submitting} />}
            <RefundsCard refunds={refunds} currency={order.currency} submitting={submitting} />
            <MoneySummary money={money} currency={order.currency} taxMode={order.taxMode} />
            <CustomerCard customer={customer} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

/** The shipping deadline of an order to ship, with its countdown; nothing once it shipped or was cancelled. */
function ShippingBanner({ order }: { order: OrderPage["order"] }) {
  if (!order.shipping) return null;
  const tone =
    order.shipping.level === "overdue" ? "critical" : order.shipping.level === "due-soon" ? "warning" : "info";
  return (
    <Banner
      tone={tone}
      title={
        order.shipping.level === "overdue"
          ? "The shipping deadline has passed"
          : `To ship by ${new Date(order.shipping.at).toLocaleString()}`
      }
    >
      <InlineStack gap="200" blockAlign="center">
        <span>Mirakl&apos;s shipping deadline {new Date(order.shipping.at).toLocaleString()}:</span>
        <ShippingDeadlineBadge deadline={order.shipping} />
      </InlineStack>
    </Banner>
  );
}

const lineCount = (n: number) => (n === 1 ? "1 line" : `${n} lines`);

/** Where the order's acceptance stands, in a sentence, with the countdown while Mirakl waits for it. */
function AcceptanceBanner({ order }: { order: OrderPage["order"] }) {
  const countdown = order.deadline && (
    <InlineStack gap="200" blockAlign="center">
      <span>Mirakl may refuse it by itself in:</span>
      <DeadlineBadge deadline={order.deadline} />
    </InlineStack>
  );
  switch (order.acceptance) {
    case "PENDING":
      return (
        <Banner tone="info" title="The app is deciding this order">
          {countdown}
        </Banner>
      );
    case "REVIEW":
      return (
        <Banner tone="warning" title="Some lines wait for your decision">
          {countdown}
        </Banner>
      );
    case "SENDING":
      return (
        <Banner tone={order.acceptanceError ? "warning" : "info"} title="Sending the decision to Mirakl…">
          <BlockStack gap="100">
            {order.acceptanceError && <p>The last attempt failed and is retried: {order.acceptanceError}</p>}
            {countdown}
          </BlockStack>
        </Banner>
      );
    case "SENT":
      return (
        <Banner tone="success" title="The decision was sent to Mirakl">
          {lineCount(order.decided.accepted)} accepted, {lineCount(order.decided.refused)} refused.
        </Banner>
      );
    case "DECIDED_ON_MIRAKL":
      return (
        <Banner tone="info" title="Decided on Mirakl, not by the app">
          Someone answered in Mirakl&apos;s back office, or the marketplace refused the order at its deadline.
        </Banner>
      );
    case "AUTOMATIC":
      return (
        <Banner tone="info" title="Accepted automatically by the marketplace">
          This marketplace accepts its orders by itself: there was nothing to decide.
        </Banner>
      );
    default:
      return null;
  }
}

export function ErrorBoundary() {
  const error = useRouteError();
  const missing = isRouteErrorResponse(error) && error.status === 404;
  // Shopify's auth answers (e.g. a session token to renew) are rendered as the layout does.
  if (isRouteErrorResponse(error) && !missing && error.status < 500) return boundary.error(error);
  return (
    <Page backAction={{ content: "Orders", url: "/app/orders" }} title={missing ? "Order not found" : "Order"}>
      <Banner tone={missing ? "warning" : "critical"}>
        {missing
          ? "This order does not exist, or it belongs to another shop."
          : "The order could not be loaded. The error has been logged; reload the page or try again in a moment."}
      </Banner>
    </Page>
  );
}
