import type { SettingsFieldErrors, StockSettingsFormValues } from "~/connections/stock-settings-form";

/** Sets one field of the form being edited. */
export type UpdateField = <K extends keyof StockSettingsFormValues>(key: K, value: StockSettingsFormValues[K]) => void;

/** What every section of the settings form gets: the values as typed, the save's messages, and the setter. */
export interface FormSectionProps {
  values: StockSettingsFormValues;
  errors: SettingsFieldErrors;
  update: UpdateField;
}
