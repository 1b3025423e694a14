import { useEffect, useState } from "react";
import { Form, useNavigation } from "@remix-run/react";
import { Badge, BlockStack, Box, Button, Card, IndexTable, InlineStack, Text, TextField } from "@shopify/polaris";
import { TableEmptyMessage } from "~/components/table-empty-message";
import { QUANTITY_FIELD_PREFIX, type DemoMarketplaceOffer } from "~/demo/demo-marketplace.server";

/** The marketplace's offers with a quantity field each; one "Place order" for every line filled in. */
export function OrderForm({
  offers,
  currency,
  placed,
}: {
  offers: DemoMarketplaceOffer[];
  currency: string;
  /** The order just placed: the fields empty again once it exists. */
  placed: string | null;
}) {
  const [quantities, setQuantities] = useState<Record<string, string>>({});
  const busy = useNavigation().state === "submitting";
  useEffect(() => {
    if (placed) setQuantities({});
  }, [placed]);

  return (
    <Card padding="0">
      <Form method="post">
        <input type="hidden" name="intent" value="place-order" />
        <Box padding="400">
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">
              Place an order
            </Text>
            <Text as="p" tone="subdued">
              Enter how many units to buy of one or several offers (leave the others empty). A customer can buy up to
              what the marketplace has for sale.
            </Text>
          </BlockStack>
        </Box>
        <IndexTable
          resourceName={{ singular: "offer", plural: "offers" }}
          itemCount={offers.length}
          selectable={false}
          emptyState={<TableEmptyMessage>The marketplace has no offers.</TableEmptyMessage>}
          headings={[
            { title: "Offer" },
            { title: "Price", alignment: "end" },
            { title: "On the marketplace", alignment: "end" },
            { title: "Quantity to order" },
          ]}
        >
          {offers.map((offer, index) => (
            <IndexTable.Row id={offer.sku} key={offer.sku} position={index}>
              <IndexTable.Cell>
                <BlockStack gap="050">
                  <Text as="span" fontWeight="semibold">
                    {offer.sku}
                  </Text>
                  <Text as="span" tone="subdued">
                    {offer.title}
                  </Text>
                </BlockStack>
              </IndexTable.Cell>
              <IndexTable.Cell>
                <Text as="span" alignment="end" numeric>
                  {offer.price} {currency}
                </Text>
              </IndexTable.Cell>
              <IndexTable.Cell>
                <InlineStack gap="100" align="end" blockAlign="center" wrap={false}>
                  {!offer.active && <Badge>not for sale</Badge>}
                  <Text as="span" numeric>
                    {offer.quantity}
                  </Text>
                </InlineStack>
              </IndexTable.Cell>
              <IndexTable.Cell>
                <TextField
                  label={`Quantity for ${offer.sku}`}
                  labelHidden
                  name={`${QUANTITY_FIELD_PREFIX}${offer.sku}`}
                  // Text, not number: the page's own message explains a wrong quantity, not the browser's.
                  type="text"
                  inputMode="numeric"
                  autoComplete="off"
                  value={quantities[offer.sku] ?? ""}
                  onChange={(value) => setQuantities((current) => ({ ...current, [offer.sku]: value }))}
                />
              </IndexTable.Cell>
            </IndexTable.Row>
          ))}
        </IndexTable>
        <Box padding="400">
          <InlineStack align="end">
            <Button submit variant="primary" loading={busy} disabled={offers.length === 0}>
              Place order
            </Button>
          </InlineStack>
        </Box>
      </Form>
    </Card>
  );
}
