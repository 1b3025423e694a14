import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { Api } from "@shopify/ui-extensions/admin.order-details.block.render";
import type { CarrierMappingStatus, OrderBlockOrder } from "../../../app/routes/api.admin-block.order/contract";
import { loadBlockState, type BlockState } from "./order-block-data";

type BlockApi = Pick<Api, "data" | "i18n">;

/**
 * The Mirakl order behind the Shopify order on screen. A Shopify order that did not come from Mirakl gets
 * no block at all, so nothing is shown until the app has answered.
 */
export function OrderBlock({ api }: { api: BlockApi }) {
  const shopifyOrderId = api.data.selected[0]?.id ?? null;
  const [state, setState] = useState<BlockState>({ kind: "loading" });

  useEffect(() => {
    if (!shopifyOrderId) {
      setState({ kind: "none" });
      return;
    }
    let current = true;
    void loadBlockState(shopifyOrderId).then((next) => current && setState(next));
    return () => {
      current = false;
    };
  }, [shopifyOrderId]);

  const { translate } = api.i18n;
  switch (state.kind) {
    case "loading":
    case "none":
      return null;
    case "error":
      return (
        <s-admin-block heading={translate("heading")}>
          <s-text tone="critical">
            {state.status === null
              ? translate("loadFailed")
              : translate("loadFailedWithStatus", { status: state.status })}
          </s-text>
        </s-admin-block>
      );
    case "order":
      return <OrderDetails order={state.order} i18n={api.i18n} />;
  }
}

// Keyed by every status the app can send: a new one (issue 12: mapped, unmapped) must be given a tone here.
const carrierTones: Record<CarrierMappingStatus["status"], "success" | "warning" | "critical"> = {
  "not-configured": "warning",
  ready: "success",
  blocked: "critical",
  sent: "success",
};

function Field({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <s-paragraph>
      <s-text type="strong">{label}: </s-text>
      {children}
    </s-paragraph>
  );
}

function OrderDetails({ order, i18n }: { order: OrderBlockOrder; i18n: BlockApi["i18n"] }) {
  const { translate } = i18n;
  const deadline = order.shippingDeadline
    ? i18n.formatDate(new Date(order.shippingDeadline), { dateStyle: "medium", timeStyle: "short" })
    : translate("noDeadline");
  return (
    <s-admin-block heading={translate("heading")}>
      <s-stack direction="block" gap="small-200">
        <Field label={translate("marketplace")}>{order.marketplace}</Field>
        <Field label={translate("miraklOrder")}>{order.miraklOrderId}</Field>
        <Field label={translate("state")}>{order.stateLabel}</Field>
        <Field label={translate("shipBy")}>
          {deadline}
          {order.shippingOverdue && (
            <>
              {" "}
              <s-badge tone="critical">{translate("overdue")}</s-badge>
            </>
          )}
        </Field>
        <Field label={translate("commission")}>{order.commission?.formatted ?? translate("unknown")}</Field>
        <Field label={translate("netToSeller")}>{order.netToSeller?.formatted ?? translate("unknown")}</Field>
        <Field label={translate("carriers")}>
          <s-text tone={carrierTones[order.carrierMapping.status]}>{order.carrierMapping.message}</s-text>
        </Field>
        <s-link href={order.orderPagePath}>{translate("openInApp")}</s-link>
      </s-stack>
    </s-admin-block>
  );
}
