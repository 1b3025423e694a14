import { FormLayout, TextField } from "@shopify/polaris";
import type { FieldErrors } from "~/connections/connection-form";

export interface ConnectionFieldValues {
  name: string;
  baseUrl: string;
  miraklShopId: string;
  apiKey: string;
}

/**
 * The connection form's fields. The API key field is write-only: it starts empty on every page load
 * and is never filled from the server; for a stored key only its date is shown.
 */
export function ConnectionFields({
  values,
  onChange,
  errors,
  keySetOn,
}: {
  values: ConnectionFieldValues;
  onChange: (values: ConnectionFieldValues) => void;
  errors: FieldErrors;
  /** ISO date of the stored key; null for a new connection or an imported one without a key. */
  keySetOn: string | null;
}) {
  const set = (field: keyof ConnectionFieldValues) => (value: string) => onChange({ ...values, [field]: value });
  return (
    <FormLayout>
      <TextField
        label="Name"
        name="name"
        value={values.name}
        onChange={set("name")}
        error={errors.name}
        autoComplete="off"
        helpText="How this marketplace is called in the app, e.g. Decathlon FR"
      />
      <TextField
        label="Mirakl base URL"
        name="baseUrl"
        value={values.baseUrl}
        onChange={set("baseUrl")}
        error={errors.baseUrl}
        autoComplete="off"
        placeholder="https://marketplace-prod.mirakl.net"
        helpText="The marketplace's Mirakl address, as in your seller back office (a trailing /api is fine)"
      />
      <TextField
        label="Mirakl shop id (optional)"
        name="miraklShopId"
        value={values.miraklShopId}
        onChange={set("miraklShopId")}
        error={errors.miraklShopId}
        autoComplete="off"
        inputMode="numeric"
        helpText="Only needed when one API key manages several shops"
      />
      <TextField
        label={keySetOn ? "Replace key" : "API key"}
        name="apiKey"
        type="password"
        value={values.apiKey}
        onChange={set("apiKey")}
        error={errors.apiKey}
        autoComplete="new-password"
        helpText={
          keySetOn
            ? `Key set on ${new Date(keySetOn).toLocaleString()}. Leave empty to keep it.`
            : "From the Mirakl back office: user menu → API key. Stored encrypted; never shown again."
        }
      />
    </FormLayout>
  );
}
