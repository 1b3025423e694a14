import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, InlineStack, Layout, Page } from "@shopify/polaris";
import { useEffect, useRef, useState } from "react";
import { requireShop } from "~/auth.server";
import { ConnectionFields, type ConnectionFieldValues } from "~/connections/connection-fields";
import type { FieldErrors } from "~/connections/connection-form";
import { setConnectionEnabled, updateConnectionFromForm } from "~/connections/connection-forms.server";
import { testConnection } from "~/connections/connection-check.server";
import { getConnection } from "~/connections/connections.server";
import { latestMiraklCalls } from "~/connections/activity-log.server";
import { z } from "zod";
import { ConnectionStatusBadge } from "~/components/connection-status-badge";
import { MiraklCheckCard } from "./mirakl-check-card";
import { ActivityLogCard } from "./activity-log-card";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const connection = await getConnection(shop, params.id ?? "");
  if (!connection) throw json({ message: "No such connection" }, { status: 404 });
  return json({ connection, calls: await latestMiraklCalls(shop, connection.id) });
};

const intentSchema = z.enum(["save", "test", "enable", "disable"], { error: "Unknown action" });

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const id = params.id ?? "";
  const form = await request.formData();
  const intent = intentSchema.safeParse(form.get("intent"));
  if (!intent.success)
    return json({ intent: null, errors: { form: "Unknown action" } as FieldErrors, saved: false }, { status: 400 });
  if (intent.data === "enable" || intent.data === "disable") {
    const result = await setConnectionEnabled(shop, id, intent.data === "enable");
    if (!result.ok)
      return json(
        { intent: intent.data, errors: result.errors, saved: false },
        { status: result.notFound ? 404 : 400 },
      );
    return json({ intent: intent.data, errors: {} as FieldErrors, saved: true });
  }
  // "Test connection" saves what is in the form first, so the test is of what the merchant sees.
  const saved = await updateConnectionFromForm(shop, id, form);
  if (!saved.ok)
    return json({ intent: intent.data, errors: saved.errors, saved: false }, { status: saved.notFound ? 404 : 400 });
  if (intent.data === "save") return json({ intent: intent.data, errors: {} as FieldErrors, saved: true });
  const outcome = await testConnection(shop, id);
  if ("notFound" in outcome)
    return json(
      {
        intent: intent.data,
        errors: { form: "This connection does not exist (any more)" } as FieldErrors,
        saved: false,
      },
      { status: 404 },
    );
  return json({ intent: intent.data, errors: {} as FieldErrors, saved: true });
};

export default function ConnectionPage() {
  const { connection, calls } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const submit = useSubmit();
  const navigation = useNavigation();
  const pendingIntent = navigation.state !== "idle" ? navigation.formData?.get("intent") : null;
  const initial = {
    name: connection.name,
    baseUrl: connection.baseUrl,
    miraklShopId: connection.miraklShopId ?? "",
    apiKey: "",
  };
  const [values, setValues] = useState<ConnectionFieldValues>(initial);

  // After a successful save the typed key is dropped from the page (it is stored; never shown again),
  // unless the merchant already typed another one while the request was running.
  const submittedKey = useRef("");
  useEffect(() => {
    if (actionData?.saved)
      setValues((current) => (current.apiKey === submittedKey.current ? { ...current, apiKey: "" } : current));
  }, [actionData]);

  const check = connection.settings.lastCheck;
  const checkErrors: FieldErrors =
    check && !check.ok && check.field && check.message ? { [check.field]: check.message } : {};
  const errors: FieldErrors = actionData && Object.keys(actionData.errors).length ? actionData.errors : checkErrors;
  const act = (intent: "save" | "test" | "enable" | "disable") => {
    if (intent === "save" || intent === "test") submittedKey.current = values.apiKey;
    submit(intent === "save" || intent === "test" ? { intent, ...values } : { intent }, { method: "post" });
  };

  const status = <ConnectionStatusBadge hasApiKey={connection.hasApiKey} enabled={connection.enabled} />;

  return (
    <Page
      title={connection.name}
      titleMetadata={status}
      subtitle={connection.baseUrl}
      backAction={{ content: "Marketplace connections", url: "/app/connections" }}
      secondaryActions={[
        { content: "Stock & price settings", url: `/app/stock/${encodeURIComponent(connection.id)}/settings` },
        { content: "Order acceptance", url: `/app/connections/${encodeURIComponent(connection.id)}/orders` },
        connection.enabled
          ? {
              content: "Disable",
              destructive: true,
              onAction: () => act("disable"),
              loading: pendingIntent === "disable",
            }
          : {
              content: "Enable",
              onAction: () => act("enable"),
              disabled: !connection.hasApiKey,
              loading: pendingIntent === "enable",
            },
      ]}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {!connection.hasApiKey && (
              <Banner tone="warning" title="API key required">
                This connection was imported without its key. Enter the key from the Mirakl back office, test it, then
                enable the connection.
              </Banner>
            )}
            {!connection.enabled && connection.hasApiKey && (
              <Banner tone="info">This connection is disabled: nothing is synced with this marketplace.</Banner>
            )}
            {actionData?.saved && actionData.intent === "save" && <Banner tone="success">Saved.</Banner>}
            {errors.form && <Banner tone="critical">{errors.form}</Banner>}
            <Card>
              <BlockStack gap="400">
                <ConnectionFields
                  values={values}
                  onChange={setValues}
                  errors={errors}
                  keySetOn={connection.hasApiKey ? connection.apiKeyUpdatedAt : null}
                />
                <InlineStack gap="200" align="end">
                  <Button onClick={() => act("test")} loading={pendingIntent === "test"}>
                    Test connection
                  </Button>
                  <Button variant="primary" onClick={() => act("save")} loading={pendingIntent === "save"}>
                    Save
                  </Button>
                </InlineStack>
              </BlockStack>
            </Card>
            <MiraklCheckCard
              check={check}
              currencyIsoCode={connection.settings.currencyIsoCode}
              csvDelimiter={connection.settings.csvDelimiter}
            />
            <ActivityLogCard calls={calls} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
