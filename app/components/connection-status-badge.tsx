import { Badge } from "@shopify/polaris";

/** A connection's state as the list and its own page show it: a key is needed before it can be enabled. */
export function ConnectionStatusBadge({ hasApiKey, enabled }: { hasApiKey: boolean; enabled: boolean }) {
  if (!hasApiKey) return <Badge tone="attention">API key required</Badge>;
  return enabled ? <Badge tone="success">Enabled</Badge> : <Badge>Disabled</Badge>;
}
