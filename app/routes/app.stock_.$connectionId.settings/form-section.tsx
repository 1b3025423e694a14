import { TextField, type TextFieldProps } from "@shopify/polaris";
import type { SettingsFieldErrors, StockSettingsFormValues } from "~/connections/stock-settings-form";

/** Sets one field of the form being edited. */
export type UpdateField = <K extends keyof StockSettingsFormValues>(key: K, value: StockSettingsFormValues[K]) => void;

/** What every section of the settings form gets: the values as typed, the save's messages, and the setter. */
export interface FormSectionProps {
  values: StockSettingsFormValues;
  errors: SettingsFieldErrors;
  update: UpdateField;
}

type TextFieldName = {
  [K in keyof StockSettingsFormValues]: StockSettingsFormValues[K] extends string ? K : never;
}[keyof StockSettingsFormValues];

/** A text field bound to one field of the form by its name: its value, its setter and the save's message for it. */
export function FormTextField({
  form,
  name,
  ...field
}: { form: FormSectionProps; name: TextFieldName } & Omit<
  TextFieldProps,
  "value" | "onChange" | "error" | "autoComplete"
>) {
  return (
    <TextField
      autoComplete="off"
      {...field}
      value={form.values[name]}
      onChange={(value) => form.update(name, value)}
      error={form.errors[name]}
    />
  );
}
