import type { ReactNode } from "react";
import { Box, Text } from "@shopify/polaris";

/** What an empty IndexTable says instead of Polaris's default illustration. */
export function TableEmptyMessage({ children }: { children: ReactNode }) {
  return (
    <Box padding="600">
      <Text as="p" alignment="center" tone="subdued">
        {children}
      </Text>
    </Box>
  );
}
