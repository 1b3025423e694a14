import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useNavigation, useSubmit } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, InlineStack, Layout, Page } from "@shopify/polaris";
import { useState } from "react";
import { requireShop } from "~/auth.server";
import { ConnectionFields, type ConnectionFieldValues } from "~/connections/connection-fields";
import { createConnectionFromForm } from "~/connections/connection-forms.server";
import { testConnection } from "~/connections/connection-check.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await requireShop(request);
  return json({});
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const result = await createConnectionFromForm(shop, await request.formData());
  if (!result.ok) return json({ errors: result.errors }, { status: 400 });
  // Tested straight away: the connection page then shows what Mirakl said (or what is wrong, inline).
  await testConnection(shop, result.connection.id, { reportFailure: false });
  return redirect(`/app/connections/${result.connection.id}`);
};

export default function NewConnectionPage() {
  const actionData = useActionData<typeof action>();
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const [values, setValues] = useState<ConnectionFieldValues>({ name: "", baseUrl: "", miraklShopId: "", apiKey: "" });
  const errors = actionData?.errors ?? {};
  return (
    <Page
      title="Add a marketplace connection"
      backAction={{ content: "Marketplace connections", url: "/app/connections" }}
    >
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              {errors.form && <Banner tone="critical">{errors.form}</Banner>}
              <ConnectionFields values={values} onChange={setValues} errors={errors} keySetOn={null} />
              <InlineStack align="end">
                <Button variant="primary" loading={busy} onClick={() => submit({ ...values }, { method: "post" })}>
                  Save and test
                </Button>
              </InlineStack>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
