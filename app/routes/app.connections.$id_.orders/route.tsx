import { useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Checkbox,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { requireShop } from "~/auth.server";
import { SectionCard } from "~/components/section-card";
import { ACCEPTANCE_RULES, type AcceptanceRule, type FailureAction } from "~/domain/orders/acceptance-settings";
import { loadOrderSettingsPage, saveOrderSettings, type ReasonChoices } from "~/connections/order-settings.server";
import { ruleLabels, type OrderSettingsErrors, type OrderSettingsFormValues } from "~/connections/order-settings-form";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const page = await loadOrderSettingsPage(shop, params.id ?? "");
  if (!page) throw json({ message: "No such connection" }, { status: 404 });
  return json(page);
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const form = await request.formData();
  let submitted: unknown = null;
  try {
    submitted = JSON.parse(String(form.get("values") ?? "null"));
  } catch {
    // Left null: the save answers with a form error.
  }
  const result = await saveOrderSettings(shop, params.id ?? "", submitted);
  if (!result.ok)
    return json(
      { ok: false as const, errors: result.errors },
      { status: "notFound" in result && result.notFound ? 404 : 400 },
    );
  return json({ ok: true as const, errors: {} as OrderSettingsErrors });
};

const actionOptions = [
  { label: "Refuse the line", value: "refuse" },
  { label: "Send to review", value: "review" },
];

function acceptanceModeText(mode: string | null): string {
  if (mode === "AUTOMATIC")
    return "This marketplace accepts orders by itself (PC01): the app has nothing to decide; these rules are kept for later.";
  if (mode === null) return "Test the connection to learn whether this marketplace accepts orders by itself.";
  return "This marketplace waits for the seller to accept each order: the app decides every waiting line with these rules.";
}

const ASK_EACH_TIME = { label: "Ask each time", value: "" };

/** A reason Select's options: Mirakl's, and the saved code when Mirakl no longer lists it (or cannot be read). */
function reasonOptions(reasons: { code: string; label: string }[], saved: string) {
  const options = [ASK_EACH_TIME, ...reasons.map((r) => ({ label: `${r.label} (${r.code})`, value: r.code }))];
  if (saved && !reasons.some((r) => r.code === saved))
    options.push({ label: `Code ${saved} (not among the reasons read from Mirakl)`, value: saved });
  return options;
}

function RefundSettingsSection({
  reasons,
  values,
  errors,
  set,
}: {
  reasons: ReasonChoices;
  values: OrderSettingsFormValues;
  errors: OrderSettingsErrors;
  set: <K extends keyof OrderSettingsFormValues>(key: K, value: OrderSettingsFormValues[K]) => void;
}) {
  return (
    <SectionCard title="Refunds and cancellations">
      {!reasons.ok && (
        <Banner tone="warning" title="The marketplace's reasons could not be read">
          {reasons.problem} Until they are, only the reasons already saved can be kept.
        </Banner>
      )}
      <FormLayout>
        <Select
          label="Refund reason"
          options={reasonOptions(reasons.ok ? reasons.refund : [], values.refundReasonCode)}
          value={values.refundReasonCode}
          onChange={(value) => set("refundReasonCode", value)}
          error={errors.refundReasonCode}
          helpText="Sent to the marketplace with each refund made in Shopify. Ask each time: a refund waits on its order's page until someone chooses one."
        />
        <Select
          label="Cancellation reason"
          options={reasonOptions(reasons.ok ? reasons.cancelation : [], values.cancelationReasonCode)}
          value={values.cancelationReasonCode}
          onChange={(value) => set("cancelationReasonCode", value)}
          error={errors.cancelationReasonCode}
          helpText="Sent with the lines cancelled in Shopify before they ship."
        />
        <Checkbox
          label="Show marketplace refunds in Shopify"
          checked={values.mirrorRefundsToShopify}
          onChange={(checked) => set("mirrorRefundsToShopify", checked)}
          helpText="Refunds and cancellations made on the marketplace (customer service, the operator, a refused payment) become refunds of the Shopify order. Refunds the app sent are never shown twice."
        />
        <Checkbox
          label="Put returned units back in stock"
          checked={values.restockReturns}
          onChange={(checked) => set("restockReturns", checked)}
          helpText="Units the marketplace refunds on a shipped line go back to Shopify stock. Cancelled units always do."
        />
      </FormLayout>
    </SectionCard>
  );
}

export default function OrderSettingsPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const submit = useSubmit();
  const saving = useNavigation().state === "submitting";
  const [values, setValues] = useState<OrderSettingsFormValues>(data.values);
  const errors: OrderSettingsErrors = actionData?.errors ?? {};
  useEffect(() => {
    if (actionData?.ok) setValues(data.values);
  }, [actionData, data.values]);
  const set = <K extends keyof OrderSettingsFormValues>(key: K, value: OrderSettingsFormValues[K]) =>
    setValues((v) => ({ ...v, [key]: value }));
  const setRule = (rule: AcceptanceRule, action: FailureAction) =>
    setValues((v) => ({ ...v, onFailedRule: { ...v.onFailedRule, [rule]: action } }));
  const save = () => submit({ values: JSON.stringify(values) }, { method: "post" });
  const connectionUrl = `/app/connections/${encodeURIComponent(data.connection.id)}`;

  return (
    <Page
      title="Order acceptance"
      subtitle={data.connection.name}
      backAction={{ content: data.connection.name, url: connectionUrl }}
      primaryAction={{ content: "Save", onAction: save, loading: saving }}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {actionData?.ok && (
              <Banner tone="success" title="Saved">
                Orders waiting from now on are decided with these rules.
              </Banner>
            )}
            {!actionData?.ok && Object.keys(errors).length > 0 && (
              <Banner tone="critical" title="Nothing was saved">
                {errors.form ?? "Correct the fields marked below, then save again."}
              </Banner>
            )}
            <Banner tone="info">{acceptanceModeText(data.orderAcceptance)}</Banner>

            <SectionCard title="When a rule fails">
              <Text as="p" tone="subdued">
                Lines that pass every rule are accepted. A line that fails a rule is refused, or sent to a person on the
                Orders page, as you choose per rule. A refused line cannot be taken back; a line in review waits for
                someone before the marketplace&apos;s deadline.
              </Text>
              <FormLayout>
                {ACCEPTANCE_RULES.map((rule) => (
                  <Select
                    key={rule}
                    label={ruleLabels[rule].label}
                    helpText={ruleLabels[rule].help}
                    options={actionOptions}
                    value={values.onFailedRule[rule]}
                    onChange={(value) => setRule(rule, value as FailureAction)}
                  />
                ))}
              </FormLayout>
            </SectionCard>

            <SectionCard title="Limits">
              <FormLayout>
                <FormLayout.Group>
                  <TextField
                    label="Price tolerance (%)"
                    autoComplete="off"
                    value={values.priceTolerancePercent}
                    onChange={(value) => set("priceTolerancePercent", value)}
                    error={errors.priceTolerancePercent}
                    helpText="How far the unit price paid may be from the price you advertise, either way."
                  />
                  <TextField
                    label="Most units per order line"
                    autoComplete="off"
                    value={values.maxQuantityPerLine}
                    onChange={(value) => set("maxQuantityPerLine", value)}
                    error={errors.maxQuantityPerLine}
                    helpText="Leave empty for no limit."
                  />
                </FormLayout.Group>
              </FormLayout>
            </SectionCard>

            <SectionCard title="Marketplace rules">
              <FormLayout>
                <Select
                  label="When the marketplace forbids partial acceptance and a line would be refused"
                  options={[
                    { label: "Refuse the whole order", value: "refuse-all" },
                    { label: "Send the whole order to review", value: "review-all" },
                  ]}
                  value={values.whenPartialAcceptanceForbidden}
                  onChange={(value) =>
                    set(
                      "whenPartialAcceptanceForbidden",
                      value as OrderSettingsFormValues["whenPartialAcceptanceForbidden"],
                    )
                  }
                  helpText={
                    data.partialAcceptanceForbidden
                      ? "This marketplace forbids partial acceptance (Mirakl said so on an earlier order)."
                      : "Mirakl does not publish this; the app learns it the first time the marketplace refuses a partial decision."
                  }
                />
                <TextField
                  label="Acceptance window (hours)"
                  autoComplete="off"
                  value={values.acceptanceWindowHours}
                  onChange={(value) => set("acceptanceWindowHours", value)}
                  error={errors.acceptanceWindowHours}
                  helpText="How long the marketplace waits before refusing an order by itself (ask the operator; Mirakl does not publish it). Orders in review warn at half of it and alert at 90 %."
                />
                <TextField
                  label="Shipping deadline warning (hours)"
                  autoComplete="off"
                  value={values.shippingDeadlineWarningHours}
                  onChange={(value) => set("shippingDeadlineWarningHours", value)}
                  error={errors.shippingDeadlineWarningHours}
                  helpText="An order still to ship this many hours before its Mirakl shipping deadline raises a warning; once the deadline passed, an error."
                />
              </FormLayout>
            </SectionCard>

            <SectionCard title="Mirakl call budget">
              {data.ordersPollSlowedToMinutes !== null && (
                <Banner tone="warning">
                  Mirakl refused order polls at this pace, so the app now reads orders every{" "}
                  {data.ordersPollSlowedToMinutes} minutes. Saving this page sets the pace below again.
                </Banner>
              )}
              <FormLayout>
                <FormLayout.Group>
                  <TextField
                    label="Read orders every (minutes)"
                    autoComplete="off"
                    value={values.ordersPollMinutes}
                    onChange={(value) => set("ordersPollMinutes", value)}
                    error={errors.ordersPollMinutes}
                    helpText="1 is Mirakl's published maximum; some API keys are limited to one read every 15 minutes. Stock files wait for a fresh order read, so they follow this pace too."
                  />
                  <TextField
                    label="Share of Mirakl's call allowance (%)"
                    autoComplete="off"
                    value={values.miraklBudgetPercent}
                    onChange={(value) => set("miraklBudgetPercent", value)}
                    error={errors.miraklBudgetPercent}
                    helpText="Lower it when another tool uses the same API key: every call of this connection is spaced accordingly."
                  />
                </FormLayout.Group>
              </FormLayout>
            </SectionCard>

            <SectionCard title="Shopify orders">
              <FormLayout>
                <Checkbox
                  label="Create a Shopify order for each paid marketplace order"
                  checked={values.createShopifyOrders}
                  onChange={(checked) => set("createShopifyOrders", checked)}
                  helpText="Made once the marketplace has the customer's payment, exactly once, without any receipt to the customer. Off: no Shopify order is made, and units a line ships leave Shopify's stock through its reservation."
                />
                <Select
                  label="Marketplace customer in Shopify"
                  options={[
                    { label: "No Shopify customer (recommended)", value: "none" },
                    { label: "A customer with the marketplace's anonymised e-mail alias", value: "attach" },
                  ]}
                  value={values.shopifyCustomer}
                  onChange={(value) => set("shopifyCustomer", value as OrderSettingsFormValues["shopifyCustomer"])}
                  disabled={!values.createShopifyOrders}
                  helpText="The marketplace gives an anonymised alias, not the customer's address: it is never opted into marketing either way."
                />
              </FormLayout>
            </SectionCard>

            <RefundSettingsSection reasons={data.reasons} values={values} errors={errors} set={set} />

            <InlineStack align="end">
              <Button variant="primary" onClick={save} loading={saving}>
                Save
              </Button>
            </InlineStack>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
