import { useNavigation } from "@remix-run/react";
import { z } from "zod";

/** The SKU mapping page's three forms (add, remove, import) and what the action answers to each. */
export const mappingActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("add"),
    shopifySku: z.string().max(1000).default(""),
    offerSku: z.string().max(1000).default(""),
  }),
  z.object({ intent: z.literal("remove"), shopifySku: z.string().min(1).max(1000) }),
  z.object({ intent: z.literal("import"), csv: z.string().default("") }),
]);

export type MappingActionData =
  | { intent: "add" | "remove"; ok: boolean; errors: Partial<Record<"shopifySku" | "offerSku" | "form", string>> }
  | { intent: "import"; ok: true; created: number; removed: number; unchanged: number; changedSkus: number }
  | { intent: "import"; ok: false; problems: { line: number; message: string }[]; problemCount: number };

/** The intent of the form being submitted, so only its button spins. */
export function usePendingIntent() {
  const navigation = useNavigation();
  return {
    pendingIntent: navigation.state === "submitting" ? navigation.formData?.get("intent") : null,
    pendingSku: navigation.formData?.get("shopifySku"),
  };
}
