import { useState } from "react";
import { Form, useNavigation } from "@remix-run/react";
import { BlockStack, Button, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import type {
  DemoMarketplaceOrder,
  DemoMarketplaceOrderLine,
  DemoMarketplaceReason,
} from "~/demo/demo-marketplace.server";

const REFUND_STATES: Record<string, string> = {
  WAITING_REFUND: "waiting for the payment provider",
  REFUNDED: "refunded",
};

const reasonOptions = (reasons: DemoMarketplaceReason[]) =>
  reasons.map((reason) => ({ label: `${reason.label} (${reason.code})`, value: reason.code }));

/** The marketplace's back office for one order: its operator cancels it, its customer service refunds lines. */
export function CustomerService({
  order,
  reasons,
  currency,
}: {
  order: DemoMarketplaceOrder;
  reasons: { refund: DemoMarketplaceReason[]; cancelation: DemoMarketplaceReason[] };
  currency: string;
}) {
  const refundable = order.lines.filter((line) => line.refundable !== null);
  return (
    <BlockStack gap="200">
      {order.operatorCanCancel && <CancelOrderForm orderId={order.orderId} reasons={reasons.cancelation} />}
      {refundable.map((line) => (
        <RefundLineForm key={line.lineId} line={line} reasons={reasons.refund} currency={currency} />
      ))}
      {order.lines.flatMap((line) =>
        line.refunds.map((refund) => (
          <Text as="span" tone="subdued" key={refund.refundId}>
            {line.offerSku}: {refund.amount} {currency}
            {refund.shipping !== "0.00" ? ` + ${refund.shipping} shipping` : ""} refunded by the {refund.by} (reason{" "}
            {refund.reasonCode}), {REFUND_STATES[refund.state] ?? refund.state}
          </Text>
        )),
      )}
      {!order.operatorCanCancel &&
        refundable.length === 0 &&
        order.lines.every((line) => line.refunds.length === 0) && (
          <Text as="span" tone="subdued">
            Nothing to cancel or refund
          </Text>
        )}
    </BlockStack>
  );
}

function CancelOrderForm({ orderId, reasons }: { orderId: string; reasons: DemoMarketplaceReason[] }) {
  const [reason, setReason] = useState(reasons[0]?.code ?? "");
  const busy = useNavigation().state === "submitting";
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="cancel-order" />
      <input type="hidden" name="orderId" value={orderId} />
      <InlineStack gap="200" blockAlign="end" wrap={false}>
        <Select
          label="Cancelation reason"
          labelHidden
          name="reasonCode"
          options={reasonOptions(reasons)}
          value={reason}
          onChange={setReason}
        />
        <Button submit tone="critical" disabled={busy || !reason}>
          Cancel order (operator)
        </Button>
      </InlineStack>
    </Form>
  );
}

function RefundLineForm({
  line,
  reasons,
  currency,
}: {
  line: DemoMarketplaceOrderLine;
  reasons: DemoMarketplaceReason[];
  currency: string;
}) {
  const [amount, setAmount] = useState(line.refundable ?? "");
  const [reason, setReason] = useState(reasons[0]?.code ?? "");
  const busy = useNavigation().state === "submitting";
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="refund-line" />
      <input type="hidden" name="lineId" value={line.lineId} />
      <InlineStack gap="200" blockAlign="end" wrap={false}>
        <TextField
          label={`Refund on ${line.offerSku} (${currency}, at most ${line.refundable})`}
          name="amount"
          value={amount}
          onChange={setAmount}
          autoComplete="off"
          inputMode="decimal"
        />
        <Select
          label="Refund reason"
          name="reasonCode"
          options={reasonOptions(reasons)}
          value={reason}
          onChange={setReason}
        />
        <Button submit disabled={busy || !reason}>
          Refund a line (customer service)
        </Button>
      </InlineStack>
    </Form>
  );
}
