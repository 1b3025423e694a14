/* eslint-disable eslint-comments/disable-enable-pair */
/* eslint-disable eslint-comments/no-unlimited-disable */
/* eslint-disable */
import type * as AdminTypes from "./admin.types.js";

export type BulkOperationFieldsFragment = Pick<
  AdminTypes.BulkOperation,
  | "id"
  | "status"
  | "errorCode"
  | "objectCount"
  | "rootObjectCount"
  | "url"
  | "partialDataUrl"
  | "createdAt"
  | "completedAt"
>;

export type BulkOperationRunQueryMutationVariables = AdminTypes.Exact<{
  query: AdminTypes.Scalars["String"]["input"];
  groupObjects: AdminTypes.Scalars["Boolean"]["input"];
}>;

export type BulkOperationRunQueryMutation = {
  bulkOperationRunQuery: AdminTypes.Maybe<{
    bulkOperation: AdminTypes.Maybe<Pick<AdminTypes.BulkOperation, "id" | "status">>;
    userErrors: Array<Pick<AdminTypes.BulkOperationUserError, "field" | "message" | "code">>;
  }>;
};

export type BulkOperationByIdQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars["ID"]["input"];
}>;

export type BulkOperationByIdQuery = {
  bulkOperation: AdminTypes.Maybe<
    Pick<
      AdminTypes.BulkOperation,
      | "id"
      | "status"
      | "errorCode"
      | "objectCount"
      | "rootObjectCount"
      | "url"
      | "partialDataUrl"
      | "createdAt"
      | "completedAt"
    >
  >;
};

export type FulfillmentFieldsFragment = Pick<
  AdminTypes.Fulfillment,
  "id" | "name" | "status" | "createdAt" | "updatedAt"
> & {
  trackingInfo: Array<Pick<AdminTypes.FulfillmentTrackingInfo, "company" | "number" | "url">>;
  order: Pick<AdminTypes.Order, "id">;
  fulfillmentLineItems: {
    nodes: Array<
      Pick<AdminTypes.FulfillmentLineItem, "id" | "quantity"> & { lineItem: Pick<AdminTypes.LineItem, "id" | "sku"> }
    >;
  };
};

export type OrderFulfillmentOrdersQueryVariables = AdminTypes.Exact<{
  orderId: AdminTypes.Scalars["ID"]["input"];
}>;

export type OrderFulfillmentOrdersQuery = {
  order: AdminTypes.Maybe<
    Pick<AdminTypes.Order, "id"> & {
      fulfillmentOrders: {
        nodes: Array<
          Pick<AdminTypes.FulfillmentOrder, "id" | "status" | "requestStatus"> & {
            assignedLocation: { location: AdminTypes.Maybe<Pick<AdminTypes.Location, "id">> };
            supportedActions: Array<Pick<AdminTypes.FulfillmentOrderSupportedAction, "action">>;
            lineItems: {
              nodes: Array<
                Pick<AdminTypes.FulfillmentOrderLineItem, "id" | "sku" | "totalQuantity" | "remainingQuantity"> & {
                  lineItem: Pick<AdminTypes.LineItem, "id">;
                }
              >;
            };
          }
        >;
      };
      fulfillments: Array<
        Pick<AdminTypes.Fulfillment, "id" | "name" | "status"> & {
          trackingInfo: Array<Pick<AdminTypes.FulfillmentTrackingInfo, "company" | "number" | "url">>;
        }
      >;
    }
  >;
};

export type FulfillmentByIdQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars["ID"]["input"];
}>;

export type FulfillmentByIdQuery = {
  fulfillment: AdminTypes.Maybe<
    Pick<AdminTypes.Fulfillment, "id" | "name" | "status" | "createdAt" | "updatedAt"> & {
      trackingInfo: Array<Pick<AdminTypes.FulfillmentTrackingInfo, "company" | "number" | "url">>;
      order: Pick<AdminTypes.Order, "id">;
      fulfillmentLineItems: {
        nodes: Array<
          Pick<AdminTypes.FulfillmentLineItem, "id" | "quantity"> & {
            lineItem: Pick<AdminTypes.LineItem, "id" | "sku">;
          }
        >;
      };
    }
  >;
};

export type FulfillmentCreateMutationVariables = AdminTypes.Exact<{
  fulfillment: AdminTypes.FulfillmentInput;
  message?: AdminTypes.InputMaybe<AdminTypes.Scalars["String"]["input"]>;
}>;

export type FulfillmentCreateMutation = {
  fulfillmentCreate: AdminTypes.Maybe<{
    fulfillment: AdminTypes.Maybe<
      Pick<AdminTypes.Fulfillment, "id" | "name" | "status" | "createdAt" | "updatedAt"> & {
        trackingInfo: Array<Pick<AdminTypes.FulfillmentTrackingInfo, "company" | "number" | "url">>;
        order: Pick<AdminTypes.Order, "id">;
        fulfillmentLineItems: {
          nodes: Array<
            Pick<AdminTypes.FulfillmentLineItem, "id" | "quantity"> & {
              lineItem: Pick<AdminTypes.LineItem, "id" | "sku">;
            }
          >;
        };
      }
    >;
    userErrors: Array<Pick<AdminTypes.UserError, "field" | "message">>;
  }>;
};

export type FulfillmentTrackingInfoUpdateMutationVariables = AdminTypes.Exact<{
  fulfillmentId: AdminTypes.Scalars["ID"]["input"];
  trackingInfoInput: AdminTypes.FulfillmentTrackingInput;
  notifyCustomer: AdminTypes.Scalars["Boolean"]["input"];
}>;

export type FulfillmentTrackingInfoUpdateMutation = {
  fulfillmentTrackingInfoUpdate: AdminTypes.Maybe<{
    fulfillment: AdminTypes.Maybe<
      Pick<AdminTypes.Fulfillment, "id" | "name" | "status" | "createdAt" | "updatedAt"> & {
        trackingInfo: Array<Pick<AdminTypes.FulfillmentTrackingInfo, "company" | "number" | "url">>;
        order: Pick<AdminTypes.Order, "id">;
        fulfillmentLineItems: {
          nodes: Array<
            Pick<AdminTypes.FulfillmentLineItem, "id" | "quantity"> & {
              lineItem: Pick<AdminTypes.LineItem, "id" | "sku">;
            }
          >;
        };
      }
    >;
    userErrors: Array<Pick<AdminTypes.UserError, "field" | "message">>;
  }>;
};

export type OrderFulfillmentsQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars["ID"]["input"];
  fulfillments: AdminTypes.Scalars["Int"]["input"];
  lineItems: AdminTypes.Scalars["Int"]["input"];
}>;

export type OrderFulfillmentsQuery = {
  order: AdminTypes.Maybe<
    Pick<AdminTypes.Order, "id"> & {
      fulfillments: Array<
        Pick<AdminTypes.Fulfillment, "id" | "name" | "status" | "createdAt" | "updatedAt"> & {
          trackingInfo: Array<Pick<AdminTypes.FulfillmentTrackingInfo, "company" | "number" | "url">>;
          fulfillmentLineItems: {
            nodes: Array<
              Pick<AdminTypes.FulfillmentLineItem, "quantity"> & { lineItem: Pick<AdminTypes.LineItem, "id"> }
            >;
          };
        }
      >;
    }
  >;
};

export type ProductVariantFieldsFragment = Pick<
  AdminTypes.ProductVariant,
  "id" | "sku" | "title" | "displayName" | "barcode" | "price" | "compareAtPrice"
> & {
  product: Pick<AdminTypes.Product, "id" | "title" | "status">;
  inventoryItem: Pick<AdminTypes.InventoryItem, "id" | "sku" | "tracked">;
};

export type VariantsBySkuQueryVariables = AdminTypes.Exact<{
  query: AdminTypes.Scalars["String"]["input"];
  first: AdminTypes.Scalars["Int"]["input"];
  after?: AdminTypes.InputMaybe<AdminTypes.Scalars["String"]["input"]>;
}>;

export type VariantsBySkuQuery = {
  productVariants: {
    nodes: Array<
      Pick<
        AdminTypes.ProductVariant,
        "id" | "sku" | "title" | "displayName" | "barcode" | "price" | "compareAtPrice"
      > & {
        product: Pick<AdminTypes.Product, "id" | "title" | "status">;
        inventoryItem: Pick<AdminTypes.InventoryItem, "id" | "sku" | "tracked">;
      }
    >;
    pageInfo: Pick<AdminTypes.PageInfo, "hasNextPage" | "endCursor">;
  };
};

export type VariantsByIdsQueryVariables = AdminTypes.Exact<{
  ids: Array<AdminTypes.Scalars["ID"]["input"]> | AdminTypes.Scalars["ID"]["input"];
}>;

export type VariantsByIdsQuery = {
  nodes: Array<
    AdminTypes.Maybe<
      | {
          __typename:
            | "AbandonedCheckout"
            | "AbandonedCheckoutLineItem"
            | "Abandonment"
            | "AddAllProductsOperation"
            | "AdditionalFee"
            | "App"
            | "AppCatalog"
            | "AppCredit"
            | "AppInstallation"
            | "AppPurchaseOneTime"
            | "AppRevenueAttributionRecord"
            | "AppSubscription"
            | "AppUsageRecord"
            | "Article"
            | "BasicEvent"
            | "Blog"
            | "BulkOperation"
            | "BusinessEntity"
            | "CalculatedOrder"
            | "CartTransform";
        }
      | {
          __typename:
            | "CashDrawer"
            | "CashManagementCustomReasonCode"
            | "CashManagementDefaultReasonCode"
            | "CashManagementSystemReasonCode"
            | "CashTrackingAdjustment"
            | "CashTrackingSession"
            | "CatalogCsvOperation"
            | "Channel"
            | "ChannelDefinition"
            | "ChannelInformation"
            | "CheckoutAndAccountsConfiguration"
            | "CheckoutAndAccountsConfigurationOverride"
            | "CheckoutProfile"
            | "Collection"
            | "CollectionConditionsSource"
            | "CollectionSubCollectionsSource"
            | "Comment"
            | "CommentEvent"
            | "Company"
            | "CompanyAddress";
        }
      | {
          __typename:
            | "CompanyContact"
            | "CompanyContactRole"
            | "CompanyContactRoleAssignment"
            | "CompanyLocation"
            | "CompanyLocationCatalog"
            | "CompanyLocationStaffMemberAssignment"
            | "ConsentPolicy"
            | "CurrencyExchangeAdjustment"
            | "Customer"
            | "CustomerAccountAppExtensionPage"
            | "CustomerAccountNativePage"
            | "CustomerPaymentMethod"
            | "CustomerSegmentMembersQuery"
            | "CustomerVisit"
            | "DeliveryCarrierService"
            | "DeliveryCondition"
            | "DeliveryCountry"
            | "DeliveryCustomization"
            | "DeliveryLocationGroup"
            | "DeliveryMethod";
        }
      | {
          __typename:
            | "DeliveryMethodDefinition"
            | "DeliveryParticipant"
            | "DeliveryProfile"
            | "DeliveryProfileItem"
            | "DeliveryPromiseParticipant"
            | "DeliveryPromiseProvider"
            | "DeliveryProvince"
            | "DeliveryRateDefinition"
            | "DeliveryZone"
            | "DiscountAutomaticBxgy"
            | "DiscountAutomaticNode"
            | "DiscountCodeNode"
            | "DiscountNode"
            | "DiscountRedeemCodeBulkCreation"
            | "Domain"
            | "DraftOrder"
            | "DraftOrderLineItem"
            | "DraftOrderTag"
            | "Duty"
            | "ExchangeLineItem";
        }
      | {
          __typename:
            | "ExternalVideo"
            | "Fulfillment"
            | "FulfillmentConstraintRule"
            | "FulfillmentEvent"
            | "FulfillmentHold"
            | "FulfillmentLineItem"
            | "FulfillmentOrder"
            | "FulfillmentOrderDestination"
            | "FulfillmentOrderLineItem"
            | "FulfillmentOrderMerchantRequest"
            | "GenericFile"
            | "GiftCard"
            | "GiftCardCashOutTransaction"
            | "GiftCardCreditTransaction"
            | "GiftCardDebitTransaction"
            | "IdentityProviderSubject"
            | "InventoryAdjustmentGroup"
            | "InventoryItem"
            | "InventoryItemMeasurement"
            | "InventoryLevel";
        }
      | {
          __typename:
            | "InventoryQuantity"
            | "InventoryShipment"
            | "InventoryShipmentLineItem"
            | "InventoryTransfer"
            | "InventoryTransferLineItem"
            | "LineItem"
            | "LineItemGroup"
            | "Location"
            | "MailingAddress"
            | "Market"
            | "MarketCatalog"
            | "MarketRegionCountry"
            | "MarketRegionSubdivision"
            | "MarketWebPresence"
            | "MarketingActivity"
            | "MarketingEvent"
            | "MediaImage"
            | "Menu"
            | "Metafield"
            | "MetafieldDefinition";
        }
      | {
          __typename:
            | "Metaobject"
            | "MetaobjectDefinition"
            | "Model3d"
            | "OnlineStoreTheme"
            | "Order"
            | "OrderAdjustment"
            | "OrderAttributionDefinition"
            | "OrderCreateMandatePaymentJobResult"
            | "OrderDisputeSummary"
            | "OrderEditSession"
            | "OrderTransaction"
            | "Page"
            | "PaymentCustomization"
            | "PaymentMandate"
            | "PaymentSchedule"
            | "PaymentTerms"
            | "PaymentTermsTemplate"
            | "PointOfSaleDevice"
            | "PointOfSaleDevicePaymentSession"
            | "PriceList";
        }
      | {
          __typename:
            | "PriceRule"
            | "PriceRuleDiscountCode"
            | "Product"
            | "ProductBundleOperation"
            | "ProductDeleteOperation"
            | "ProductDuplicateOperation"
            | "ProductFeed"
            | "ProductOption"
            | "ProductOptionValue"
            | "ProductSetOperation"
            | "ProductTaxonomyNode"
            | "ProductVariantComponent"
            | "Publication"
            | "PublicationResourceOperation"
            | "QuantityPriceBreak"
            | "Refund"
            | "RefundShippingLine"
            | "Return"
            | "ReturnLineItem"
            | "ReturnReasonDefinition";
        }
      | {
          __typename:
            | "ReturnableFulfillment"
            | "ReverseDelivery"
            | "ReverseDeliveryLineItem"
            | "ReverseFulfillmentOrder"
            | "ReverseFulfillmentOrderDisposition"
            | "ReverseFulfillmentOrderLineItem"
            | "SaleAdditionalFee"
            | "SavedSearch"
            | "ScriptTag"
            | "Segment"
            | "SellingPlan"
            | "SellingPlanGroup"
            | "ServerPixel"
            | "ShippingLabel"
            | "ShippingLabelPurchaseResult"
            | "Shop"
            | "ShopAddress"
            | "ShopPolicy"
            | "ShopifyPaymentsAccount"
            | "ShopifyPaymentsBalanceTransaction";
        }
      | {
          __typename:
            | "ShopifyPaymentsBankAccount"
            | "ShopifyPaymentsDispute"
            | "ShopifyPaymentsDisputeEvidence"
            | "ShopifyPaymentsDisputeFileUpload"
            | "ShopifyPaymentsDisputeFulfillment"
            | "ShopifyPaymentsPayout"
            | "StaffMember"
            | "StandardMetafieldDefinitionTemplate"
            | "StoreCreditAccount"
            | "StoreCreditAccountCreditTransaction"
            | "StoreCreditAccountDebitRevertTransaction"
            | "StoreCreditAccountDebitTransaction"
            | "StorefrontAccessToken"
            | "SubscriptionBillingAttempt"
            | "SubscriptionContract"
            | "SubscriptionDraft"
            | "TaxonomyAttribute"
            | "TaxonomyCategory"
            | "TaxonomyChoiceListAttribute"
            | "TaxonomyMeasurementAttribute";
        }
      | {
          __typename:
            | "TaxonomyValue"
            | "TenderTransaction"
            | "TransactionFee"
            | "UnverifiedReturnLineItem"
            | "UrlRedirect"
            | "UrlRedirectImport"
            | "Validation"
            | "Video"
            | "WebPixel"
            | "WebhookSubscription";
        }
      | ({ __typename: "ProductVariant" } & Pick<
          AdminTypes.ProductVariant,
          "id" | "sku" | "title" | "displayName" | "barcode" | "price" | "compareAtPrice"
        > & {
            product: Pick<AdminTypes.Product, "id" | "title" | "status">;
            inventoryItem: Pick<AdminTypes.InventoryItem, "id" | "sku" | "tracked">;
          })
    >
  >;
};

export type ProductVariantsForSyncQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars["ID"]["input"];
  first: AdminTypes.Scalars["Int"]["input"];
  after?: AdminTypes.InputMaybe<AdminTypes.Scalars["String"]["input"]>;
}>;

export type ProductVariantsForSyncQuery = {
  product: AdminTypes.Maybe<
    Pick<AdminTypes.Product, "id" | "status"> & {
      variants: {
        nodes: Array<
          Pick<
            AdminTypes.ProductVariant,
            "id" | "sku" | "title" | "displayName" | "barcode" | "price" | "compareAtPrice"
          > & {
            product: Pick<AdminTypes.Product, "id" | "title" | "status">;
            inventoryItem: Pick<AdminTypes.InventoryItem, "id" | "sku" | "tracked">;
          }
        >;
        pageInfo: Pick<AdminTypes.PageInfo, "hasNextPage" | "endCursor">;
      };
    }
  >;
};

export type InventoryItemsWithLevelsQueryVariables = AdminTypes.Exact<{
  ids: Array<AdminTypes.Scalars["ID"]["input"]> | AdminTypes.Scalars["ID"]["input"];
  quantityNames: Array<AdminTypes.Scalars["String"]["input"]> | AdminTypes.Scalars["String"]["input"];
  levelsFirst: AdminTypes.Scalars["Int"]["input"];
}>;

export type InventoryItemsWithLevelsQuery = {
  nodes: Array<
    AdminTypes.Maybe<
      | {
          __typename:
            | "AbandonedCheckout"
            | "AbandonedCheckoutLineItem"
            | "Abandonment"
            | "AddAllProductsOperation"
            | "AdditionalFee"
            | "App"
            | "AppCatalog"
            | "AppCredit"
            | "AppInstallation"
            | "AppPurchaseOneTime"
            | "AppRevenueAttributionRecord"
            | "AppSubscription"
            | "AppUsageRecord"
            | "Article"
            | "BasicEvent"
            | "Blog"
            | "BulkOperation"
            | "BusinessEntity"
            | "CalculatedOrder"
            | "CartTransform";
        }
      | {
          __typename:
            | "CashDrawer"
            | "CashManagementCustomReasonCode"
            | "CashManagementDefaultReasonCode"
            | "CashManagementSystemReasonCode"
            | "CashTrackingAdjustment"
            | "CashTrackingSession"
            | "CatalogCsvOperation"
            | "Channel"
            | "ChannelDefinition"
            | "ChannelInformation"
            | "CheckoutAndAccountsConfiguration"
            | "CheckoutAndAccountsConfigurationOverride"
            | "CheckoutProfile"
            | "Collection"
            | "CollectionConditionsSource"
            | "CollectionSubCollectionsSource"
            | "Comment"
            | "CommentEvent"
            | "Company"
            | "CompanyAddress";
        }
      | {
          __typename:
            | "CompanyContact"
            | "CompanyContactRole"
            | "CompanyContactRoleAssignment"
            | "CompanyLocation"
            | "CompanyLocationCatalog"
            | "CompanyLocationStaffMemberAssignment"
            | "ConsentPolicy"
            | "CurrencyExchangeAdjustment"
            | "Customer"
            | "CustomerAccountAppExtensionPage"
            | "CustomerAccountNativePage"
            | "CustomerPaymentMethod"
            | "CustomerSegmentMembersQuery"
            | "CustomerVisit"
            | "DeliveryCarrierService"
            | "DeliveryCondition"
            | "DeliveryCountry"
            | "DeliveryCustomization"
            | "DeliveryLocationGroup"
            | "DeliveryMethod";
        }
      | {
          __typename:
            | "DeliveryMethodDefinition"
            | "DeliveryParticipant"
            | "DeliveryProfile"
            | "DeliveryProfileItem"
            | "DeliveryPromiseParticipant"
            | "DeliveryPromiseProvider"
            | "DeliveryProvince"
            | "DeliveryRateDefinition"
            | "DeliveryZone"
            | "DiscountAutomaticBxgy"
            | "DiscountAutomaticNode"
            | "DiscountCodeNode"
            | "DiscountNode"
            | "DiscountRedeemCodeBulkCreation"
            | "Domain"
            | "DraftOrder"
            | "DraftOrderLineItem"
            | "DraftOrderTag"
            | "Duty"
            | "ExchangeLineItem";
        }
      | {
          __typename:
            | "ExternalVideo"
            | "Fulfillment"
            | "FulfillmentConstraintRule"
            | "FulfillmentEvent"
            | "FulfillmentHold"
            | "FulfillmentLineItem"
            | "FulfillmentOrder"
            | "FulfillmentOrderDestination"
            | "FulfillmentOrderLineItem"
            | "FulfillmentOrderMerchantRequest"
            | "GenericFile"
            | "GiftCard"
            | "GiftCardCashOutTransaction"
            | "GiftCardCreditTransaction"
            | "GiftCardDebitTransaction"
            | "IdentityProviderSubject"
            | "InventoryAdjustmentGroup"
            | "InventoryItemMeasurement"
            | "InventoryLevel"
            | "InventoryQuantity";
        }
      | {
          __typename:
            | "InventoryShipment"
            | "InventoryShipmentLineItem"
            | "InventoryTransfer"
            | "InventoryTransferLineItem"
            | "LineItem"
            | "LineItemGroup"
            | "Location"
            | "MailingAddress"
            | "Market"
            | "MarketCatalog"
            | "MarketRegionCountry"
            | "MarketRegionSubdivision"
            | "MarketWebPresence"
            | "MarketingActivity"
            | "MarketingEvent"
            | "MediaImage"
            | "Menu"
            | "Metafield"
            | "MetafieldDefinition"
            | "Metaobject";
        }
      | {
          __typename:
            | "MetaobjectDefinition"
            | "Model3d"
            | "OnlineStoreTheme"
            | "Order"
            | "OrderAdjustment"
            | "OrderAttributionDefinition"
            | "OrderCreateMandatePaymentJobResult"
            | "OrderDisputeSummary"
            | "OrderEditSession"
            | "OrderTransaction"
            | "Page"
            | "PaymentCustomization"
            | "PaymentMandate"
            | "PaymentSchedule"
            | "PaymentTerms"
            | "PaymentTermsTemplate"
            | "PointOfSaleDevice"
            | "PointOfSaleDevicePaymentSession"
            | "PriceList"
            | "PriceRule";
        }
      | {
          __typename:
            | "PriceRuleDiscountCode"
            | "Product"
            | "ProductBundleOperation"
            | "ProductDeleteOperation"
            | "ProductDuplicateOperation"
            | "ProductFeed"
            | "ProductOption"
            | "ProductOptionValue"
            | "ProductSetOperation"
            | "ProductTaxonomyNode"
            | "ProductVariant"
            | "ProductVariantComponent"
            | "Publication"
            | "PublicationResourceOperation"
            | "QuantityPriceBreak"
            | "Refund"
            | "RefundShippingLine"
            | "Return"
            | "ReturnLineItem"
            | "ReturnReasonDefinition";
        }
      | {
          __typename:
            | "ReturnableFulfillment"
            | "ReverseDelivery"
            | "ReverseDeliveryLineItem"
            | "ReverseFulfillmentOrder"
            | "ReverseFulfillmentOrderDisposition"
            | "ReverseFulfillmentOrderLineItem"
            | "SaleAdditionalFee"
            | "SavedSearch"
            | "ScriptTag"
            | "Segment"
            | "SellingPlan"
            | "SellingPlanGroup"
            | "ServerPixel"
            | "ShippingLabel"
            | "ShippingLabelPurchaseResult"
            | "Shop"
            | "ShopAddress"
            | "ShopPolicy"
            | "ShopifyPaymentsAccount"
            | "ShopifyPaymentsBalanceTransaction";
        }
      | {
          __typename:
            | "ShopifyPaymentsBankAccount"
            | "ShopifyPaymentsDispute"
            | "ShopifyPaymentsDisputeEvidence"
            | "ShopifyPaymentsDisputeFileUpload"
            | "ShopifyPaymentsDisputeFulfillment"
            | "ShopifyPaymentsPayout"
            | "StaffMember"
            | "StandardMetafieldDefinitionTemplate"
            | "StoreCreditAccount"
            | "StoreCreditAccountCreditTransaction"
            | "StoreCreditAccountDebitRevertTransaction"
            | "StoreCreditAccountDebitTransaction"
            | "StorefrontAccessToken"
            | "SubscriptionBillingAttempt"
            | "SubscriptionContract"
            | "SubscriptionDraft"
            | "TaxonomyAttribute"
            | "TaxonomyCategory"
            | "TaxonomyChoiceListAttribute"
            | "TaxonomyMeasurementAttribute";
        }
      | {
          __typename:
            | "TaxonomyValue"
            | "TenderTransaction"
            | "TransactionFee"
            | "UnverifiedReturnLineItem"
            | "UrlRedirect"
            | "UrlRedirectImport"
            | "Validation"
            | "Video"
            | "WebPixel"
            | "WebhookSubscription";
        }
      | ({ __typename: "InventoryItem" } & Pick<AdminTypes.InventoryItem, "id" | "sku" | "tracked"> & {
            variant: Pick<
              AdminTypes.ProductVariant,
              "id" | "sku" | "title" | "displayName" | "barcode" | "price" | "compareAtPrice"
            > & {
              product: Pick<AdminTypes.Product, "id" | "title" | "status">;
              inventoryItem: Pick<AdminTypes.InventoryItem, "id" | "sku" | "tracked">;
            };
            inventoryLevels: {
              nodes: Array<
                Pick<AdminTypes.InventoryLevel, "id"> & {
                  location: Pick<AdminTypes.Location, "id" | "name">;
                  quantities: Array<Pick<AdminTypes.InventoryQuantity, "name" | "quantity" | "updatedAt">>;
                }
              >;
              pageInfo: Pick<AdminTypes.PageInfo, "hasNextPage" | "endCursor">;
            };
          })
    >
  >;
};

export type InventoryLevelByIdQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars["ID"]["input"];
  quantityNames: Array<AdminTypes.Scalars["String"]["input"]> | AdminTypes.Scalars["String"]["input"];
}>;

export type InventoryLevelByIdQuery = {
  inventoryLevel: AdminTypes.Maybe<
    Pick<AdminTypes.InventoryLevel, "id"> & {
      item: Pick<AdminTypes.InventoryItem, "id" | "sku"> & { variant: Pick<AdminTypes.ProductVariant, "id"> };
      location: Pick<AdminTypes.Location, "id">;
      quantities: Array<Pick<AdminTypes.InventoryQuantity, "name" | "quantity" | "updatedAt">>;
    }
  >;
};

export type InventoryAdjustmentGroupFieldsFragment = Pick<
  AdminTypes.InventoryAdjustmentGroup,
  "id" | "createdAt" | "reason" | "referenceDocumentUri"
> & {
  changes: Array<
    Pick<AdminTypes.InventoryChange, "name" | "delta" | "quantityAfterChange"> & {
      item: AdminTypes.Maybe<Pick<AdminTypes.InventoryItem, "id">>;
      location: AdminTypes.Maybe<Pick<AdminTypes.Location, "id">>;
    }
  >;
};

export type InventorySetQuantitiesMutationVariables = AdminTypes.Exact<{
  input: AdminTypes.InventorySetQuantitiesInput;
  idempotencyKey: AdminTypes.Scalars["String"]["input"];
}>;

export type InventorySetQuantitiesMutation = {
  inventorySetQuantities: AdminTypes.Maybe<{
    inventoryAdjustmentGroup: AdminTypes.Maybe<
      Pick<AdminTypes.InventoryAdjustmentGroup, "id" | "createdAt" | "reason" | "referenceDocumentUri"> & {
        changes: Array<
          Pick<AdminTypes.InventoryChange, "name" | "delta" | "quantityAfterChange"> & {
            item: AdminTypes.Maybe<Pick<AdminTypes.InventoryItem, "id">>;
            location: AdminTypes.Maybe<Pick<AdminTypes.Location, "id">>;
          }
        >;
      }
    >;
    userErrors: Array<Pick<AdminTypes.InventorySetQuantitiesUserError, "field" | "message" | "code">>;
  }>;
};

export type InventoryAdjustQuantitiesMutationVariables = AdminTypes.Exact<{
  input: AdminTypes.InventoryAdjustQuantitiesInput;
  idempotencyKey: AdminTypes.Scalars["String"]["input"];
}>;

export type InventoryAdjustQuantitiesMutation = {
  inventoryAdjustQuantities: AdminTypes.Maybe<{
    inventoryAdjustmentGroup: AdminTypes.Maybe<
      Pick<AdminTypes.InventoryAdjustmentGroup, "id" | "createdAt" | "reason" | "referenceDocumentUri"> & {
        changes: Array<
          Pick<AdminTypes.InventoryChange, "name" | "delta" | "quantityAfterChange"> & {
            item: AdminTypes.Maybe<Pick<AdminTypes.InventoryItem, "id">>;
            location: AdminTypes.Maybe<Pick<AdminTypes.Location, "id">>;
          }
        >;
      }
    >;
    userErrors: Array<Pick<AdminTypes.InventoryAdjustQuantitiesUserError, "field" | "message" | "code">>;
  }>;
};

export type InventoryMoveQuantitiesMutationVariables = AdminTypes.Exact<{
  input: AdminTypes.InventoryMoveQuantitiesInput;
  idempotencyKey: AdminTypes.Scalars["String"]["input"];
}>;

export type InventoryMoveQuantitiesMutation = {
  inventoryMoveQuantities: AdminTypes.Maybe<{
    inventoryAdjustmentGroup: AdminTypes.Maybe<
      Pick<AdminTypes.InventoryAdjustmentGroup, "id" | "createdAt" | "reason" | "referenceDocumentUri"> & {
        changes: Array<
          Pick<AdminTypes.InventoryChange, "name" | "delta" | "quantityAfterChange"> & {
            item: AdminTypes.Maybe<Pick<AdminTypes.InventoryItem, "id">>;
            location: AdminTypes.Maybe<Pick<AdminTypes.Location, "id">>;
          }
        >;
      }
    >;
    userErrors: Array<Pick<AdminTypes.InventoryMoveQuantitiesUserError, "field" | "message" | "code">>;
  }>;
};

export type LocationsQueryVariables = AdminTypes.Exact<{
  first: AdminTypes.Scalars["Int"]["input"];
  after?: AdminTypes.InputMaybe<AdminTypes.Scalars["String"]["input"]>;
  includeInactive: AdminTypes.Scalars["Boolean"]["input"];
}>;

export type LocationsQuery = {
  locations: {
    nodes: Array<
      Pick<AdminTypes.Location, "id" | "name" | "isActive" | "isPrimary" | "fulfillsOnlineOrders" | "shipsInventory">
    >;
    pageInfo: Pick<AdminTypes.PageInfo, "hasNextPage" | "endCursor">;
  };
};

export type OrderSummaryFieldsFragment = Pick<
  AdminTypes.Order,
  | "id"
  | "name"
  | "sourceName"
  | "sourceIdentifier"
  | "tags"
  | "createdAt"
  | "cancelledAt"
  | "cancelReason"
  | "displayFinancialStatus"
  | "displayFulfillmentStatus"
> & { totalPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, "amount" | "currencyCode"> } };

export type OrderLineItemFieldsFragment = Pick<AdminTypes.LineItem, "id" | "sku" | "quantity"> & {
  variant: AdminTypes.Maybe<Pick<AdminTypes.ProductVariant, "id">>;
  customAttributes: Array<Pick<AdminTypes.Attribute, "key" | "value">>;
};

export type OrderCreateMutationVariables = AdminTypes.Exact<{
  order: AdminTypes.OrderCreateOrderInput;
  options: AdminTypes.OrderCreateOptionsInput;
}>;

export type OrderCreateMutation = {
  orderCreate: AdminTypes.Maybe<{
    order: AdminTypes.Maybe<
      Pick<
        AdminTypes.Order,
        | "id"
        | "name"
        | "sourceName"
        | "sourceIdentifier"
        | "tags"
        | "createdAt"
        | "cancelledAt"
        | "cancelReason"
        | "displayFinancialStatus"
        | "displayFulfillmentStatus"
      > & {
        lineItems: {
          nodes: Array<
            Pick<AdminTypes.LineItem, "id" | "sku" | "quantity"> & {
              variant: AdminTypes.Maybe<Pick<AdminTypes.ProductVariant, "id">>;
              customAttributes: Array<Pick<AdminTypes.Attribute, "key" | "value">>;
            }
          >;
        };
        totalPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, "amount" | "currencyCode"> };
      }
    >;
    userErrors: Array<Pick<AdminTypes.OrderCreateUserError, "field" | "message" | "code">>;
  }>;
};

export type OrderLineItemsQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars["ID"]["input"];
}>;

export type OrderLineItemsQuery = {
  order: AdminTypes.Maybe<
    Pick<
      AdminTypes.Order,
      | "id"
      | "name"
      | "sourceName"
      | "sourceIdentifier"
      | "tags"
      | "createdAt"
      | "cancelledAt"
      | "cancelReason"
      | "displayFinancialStatus"
      | "displayFulfillmentStatus"
    > & {
      lineItems: {
        nodes: Array<
          Pick<AdminTypes.LineItem, "id" | "sku" | "quantity"> & {
            variant: AdminTypes.Maybe<Pick<AdminTypes.ProductVariant, "id">>;
            customAttributes: Array<Pick<AdminTypes.Attribute, "key" | "value">>;
          }
        >;
      };
      totalPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, "amount" | "currencyCode"> };
    }
  >;
};

export type OrderFulfillmentPlacementQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars["ID"]["input"];
  fulfillmentOrders: AdminTypes.Scalars["Int"]["input"];
  lineItems: AdminTypes.Scalars["Int"]["input"];
}>;

export type OrderFulfillmentPlacementQuery = {
  order: AdminTypes.Maybe<
    Pick<AdminTypes.Order, "id"> & {
      fulfillmentOrders: {
        nodes: Array<
          Pick<AdminTypes.FulfillmentOrder, "id" | "status"> & {
            assignedLocation: { location: AdminTypes.Maybe<Pick<AdminTypes.Location, "id">> };
            lineItems: {
              nodes: Array<
                Pick<AdminTypes.FulfillmentOrderLineItem, "id" | "remainingQuantity"> & {
                  lineItem: Pick<AdminTypes.LineItem, "id">;
                }
              >;
            };
          }
        >;
      };
    }
  >;
};

export type FulfillmentOrderMoveMutationVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars["ID"]["input"];
  newLocationId: AdminTypes.Scalars["ID"]["input"];
  fulfillmentOrderLineItems?: AdminTypes.InputMaybe<
    Array<AdminTypes.FulfillmentOrderLineItemInput> | AdminTypes.FulfillmentOrderLineItemInput
  >;
}>;

export type FulfillmentOrderMoveMutation = {
  fulfillmentOrderMove: AdminTypes.Maybe<{
    movedFulfillmentOrder: AdminTypes.Maybe<
      Pick<AdminTypes.FulfillmentOrder, "id"> & {
        assignedLocation: { location: AdminTypes.Maybe<Pick<AdminTypes.Location, "id">> };
      }
    >;
    userErrors: Array<Pick<AdminTypes.FulfillmentOrderMoveFulfillmentOrderMoveUserError, "field" | "message">>;
  }>;
};

export type OrdersBySourceIdentifierQueryVariables = AdminTypes.Exact<{
  query: AdminTypes.Scalars["String"]["input"];
  first: AdminTypes.Scalars["Int"]["input"];
}>;

export type OrdersBySourceIdentifierQuery = {
  orders: {
    nodes: Array<
      Pick<
        AdminTypes.Order,
        | "id"
        | "name"
        | "sourceName"
        | "sourceIdentifier"
        | "tags"
        | "createdAt"
        | "cancelledAt"
        | "cancelReason"
        | "displayFinancialStatus"
        | "displayFulfillmentStatus"
      > & { totalPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, "amount" | "currencyCode"> } }
    >;
    pageInfo: Pick<AdminTypes.PageInfo, "hasNextPage" | "endCursor">;
  };
};

export type OrderByIdQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars["ID"]["input"];
  metafieldNamespace: AdminTypes.Scalars["String"]["input"];
  metafieldKey: AdminTypes.Scalars["String"]["input"];
}>;

export type OrderByIdQuery = {
  order: AdminTypes.Maybe<
    Pick<
      AdminTypes.Order,
      | "id"
      | "name"
      | "sourceName"
      | "sourceIdentifier"
      | "tags"
      | "createdAt"
      | "cancelledAt"
      | "cancelReason"
      | "displayFinancialStatus"
      | "displayFulfillmentStatus"
    > & {
      metafield: AdminTypes.Maybe<Pick<AdminTypes.Metafield, "id" | "value">>;
      lineItems: {
        nodes: Array<
          Pick<AdminTypes.LineItem, "id" | "sku" | "quantity" | "currentQuantity" | "refundableQuantity"> & {
            variant: AdminTypes.Maybe<Pick<AdminTypes.ProductVariant, "id">>;
          }
        >;
      };
      totalPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, "amount" | "currencyCode"> };
    }
  >;
};

export type OrderCancelMutationVariables = AdminTypes.Exact<{
  orderId: AdminTypes.Scalars["ID"]["input"];
  reason: AdminTypes.OrderCancelReason;
  restock: AdminTypes.Scalars["Boolean"]["input"];
  refundMethod?: AdminTypes.InputMaybe<AdminTypes.OrderCancelRefundMethodInput>;
  notifyCustomer: AdminTypes.Scalars["Boolean"]["input"];
  staffNote?: AdminTypes.InputMaybe<AdminTypes.Scalars["String"]["input"]>;
}>;

export type OrderCancelMutation = {
  orderCancel: AdminTypes.Maybe<{
    job: AdminTypes.Maybe<Pick<AdminTypes.Job, "id" | "done">>;
    orderCancelUserErrors: Array<Pick<AdminTypes.OrderCancelUserError, "field" | "message" | "code">>;
  }>;
};

export type OrderCancellationFactsQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars["ID"]["input"];
}>;

export type OrderCancellationFactsQuery = {
  order: AdminTypes.Maybe<
    Pick<AdminTypes.Order, "id" | "cancelledAt" | "displayFulfillmentStatus"> & {
      fulfillments: Array<Pick<AdminTypes.Fulfillment, "id" | "status" | "totalQuantity">>;
    }
  >;
};

export type MetafieldsSetMutationVariables = AdminTypes.Exact<{
  metafields: Array<AdminTypes.MetafieldsSetInput> | AdminTypes.MetafieldsSetInput;
}>;

export type MetafieldsSetMutation = {
  metafieldsSet: AdminTypes.Maybe<{
    metafields: AdminTypes.Maybe<Array<Pick<AdminTypes.Metafield, "id" | "namespace" | "key" | "value">>>;
    userErrors: Array<Pick<AdminTypes.MetafieldsSetUserError, "field" | "message" | "code">>;
  }>;
};

export type OrdersRefundsByIdsQueryVariables = AdminTypes.Exact<{
  ids: Array<AdminTypes.Scalars["ID"]["input"]> | AdminTypes.Scalars["ID"]["input"];
  refunds: AdminTypes.Scalars["Int"]["input"];
}>;

export type OrdersRefundsByIdsQuery = {
  nodes: Array<
    AdminTypes.Maybe<
      Pick<AdminTypes.Order, "id" | "cancelledAt"> & {
        refunds: Array<Pick<AdminTypes.Refund, "id" | "note" | "createdAt">>;
      }
    >
  >;
};

export type RefundFieldsFragment = Pick<AdminTypes.Refund, "id" | "createdAt" | "note"> & {
  order: Pick<AdminTypes.Order, "id" | "taxesIncluded" | "cancelledAt">;
  totalRefundedSet: { shopMoney: Pick<AdminTypes.MoneyV2, "amount" | "currencyCode"> };
  refundLineItems: {
    nodes: Array<
      Pick<AdminTypes.RefundLineItem, "quantity" | "restockType"> & {
        lineItem: Pick<AdminTypes.LineItem, "id" | "sku">;
        subtotalSet: { shopMoney: Pick<AdminTypes.MoneyV2, "amount" | "currencyCode"> };
        totalTaxSet: { shopMoney: Pick<AdminTypes.MoneyV2, "amount" | "currencyCode"> };
      }
    >;
  };
  refundShippingLines: {
    nodes: Array<{
      subtotalAmountSet: { shopMoney: Pick<AdminTypes.MoneyV2, "amount"> };
      taxAmountSet: { shopMoney: Pick<AdminTypes.MoneyV2, "amount"> };
    }>;
  };
  transactions: {
    nodes: Array<
      Pick<AdminTypes.OrderTransaction, "id" | "kind" | "status"> & {
        amountSet: { shopMoney: Pick<AdminTypes.MoneyV2, "amount" | "currencyCode"> };
      }
    >;
  };
};

export type RefundByIdQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars["ID"]["input"];
}>;

export type RefundByIdQuery = {
  refund: AdminTypes.Maybe<
    Pick<AdminTypes.Refund, "id" | "createdAt" | "note"> & {
      order: Pick<AdminTypes.Order, "id" | "taxesIncluded" | "cancelledAt">;
      totalRefundedSet: { shopMoney: Pick<AdminTypes.MoneyV2, "amount" | "currencyCode"> };
      refundLineItems: {
        nodes: Array<
          Pick<AdminTypes.RefundLineItem, "quantity" | "restockType"> & {
            lineItem: Pick<AdminTypes.LineItem, "id" | "sku">;
            subtotalSet: { shopMoney: Pick<AdminTypes.MoneyV2, "amount" | "currencyCode"> };
            totalTaxSet: { shopMoney: Pick<AdminTypes.MoneyV2, "amount" | "currencyCode"> };
          }
        >;
      };
      refundShippingLines: {
        nodes: Array<{
          subtotalAmountSet: { shopMoney: Pick<AdminTypes.MoneyV2, "amount"> };
          taxAmountSet: { shopMoney: Pick<AdminTypes.MoneyV2, "amount"> };
        }>;
      };
      transactions: {
        nodes: Array<
          Pick<AdminTypes.OrderTransaction, "id" | "kind" | "status"> & {
            amountSet: { shopMoney: Pick<AdminTypes.MoneyV2, "amount" | "currencyCode"> };
          }
        >;
      };
    }
  >;
};

export type RefundCreateMutationVariables = AdminTypes.Exact<{
  input: AdminTypes.RefundInput;
  idempotencyKey: AdminTypes.Scalars["String"]["input"];
}>;

export type RefundCreateMutation = {
  refundCreate: AdminTypes.Maybe<{
    refund: AdminTypes.Maybe<
      Pick<AdminTypes.Refund, "id" | "createdAt" | "note"> & {
        order: Pick<AdminTypes.Order, "id" | "taxesIncluded" | "cancelledAt">;
        totalRefundedSet: { shopMoney: Pick<AdminTypes.MoneyV2, "amount" | "currencyCode"> };
        refundLineItems: {
          nodes: Array<
            Pick<AdminTypes.RefundLineItem, "quantity" | "restockType"> & {
              lineItem: Pick<AdminTypes.LineItem, "id" | "sku">;
              subtotalSet: { shopMoney: Pick<AdminTypes.MoneyV2, "amount" | "currencyCode"> };
              totalTaxSet: { shopMoney: Pick<AdminTypes.MoneyV2, "amount" | "currencyCode"> };
            }
          >;
        };
        refundShippingLines: {
          nodes: Array<{
            subtotalAmountSet: { shopMoney: Pick<AdminTypes.MoneyV2, "amount"> };
            taxAmountSet: { shopMoney: Pick<AdminTypes.MoneyV2, "amount"> };
          }>;
        };
        transactions: {
          nodes: Array<
            Pick<AdminTypes.OrderTransaction, "id" | "kind" | "status"> & {
              amountSet: { shopMoney: Pick<AdminTypes.MoneyV2, "amount" | "currencyCode"> };
            }
          >;
        };
      }
    >;
    userErrors: Array<Pick<AdminTypes.UserError, "field" | "message">>;
  }>;
};

interface GeneratedQueryTypes {
  "#graphql\nquery BulkOperationById($id: ID!) {\n  bulkOperation(id: $id) { ...BulkOperationFields }\n}": {
    return: BulkOperationByIdQuery;
    variables: BulkOperationByIdQueryVariables;
  };
  "#graphql\nquery OrderFulfillmentOrders($orderId: ID!) {\n  order(id: $orderId) {\n    id\n    fulfillmentOrders(first: 5) {\n      nodes {\n        id status requestStatus\n        assignedLocation { location { id } }\n        supportedActions { action }\n        lineItems(first: 50) { nodes { id sku totalQuantity remainingQuantity lineItem { id } } }\n      }\n    }\n    fulfillments(first: 20) { id name status trackingInfo { company number url } }\n  }\n}": {
    return: OrderFulfillmentOrdersQuery;
    variables: OrderFulfillmentOrdersQueryVariables;
  };
  "#graphql\nquery FulfillmentById($id: ID!) {\n  fulfillment(id: $id) { ...FulfillmentFields }\n}": {
    return: FulfillmentByIdQuery;
    variables: FulfillmentByIdQueryVariables;
  };
  "#graphql\nquery OrderFulfillments($id: ID!, $fulfillments: Int!, $lineItems: Int!) {\n  order(id: $id) {\n    id\n    fulfillments(first: $fulfillments) {\n      id name status createdAt updatedAt\n      trackingInfo { company number url }\n      fulfillmentLineItems(first: $lineItems) { nodes { quantity lineItem { id } } }\n    }\n  }\n}": {
    return: OrderFulfillmentsQuery;
    variables: OrderFulfillmentsQueryVariables;
  };
  "#graphql\nquery VariantsBySku($query: String!, $first: Int!, $after: String) {\n  productVariants(query: $query, first: $first, after: $after) {\n    nodes { ...ProductVariantFields }\n    pageInfo { hasNextPage endCursor }\n  }\n}": {
    return: VariantsBySkuQuery;
    variables: VariantsBySkuQueryVariables;
  };
  "#graphql\nquery VariantsByIds($ids: [ID!]!) {\n  nodes(ids: $ids) {\n    __typename\n    ... on ProductVariant { ...ProductVariantFields }\n  }\n}": {
    return: VariantsByIdsQuery;
    variables: VariantsByIdsQueryVariables;
  };
  "#graphql\nquery ProductVariantsForSync($id: ID!, $first: Int!, $after: String) {\n  product(id: $id) {\n    id\n    status\n    variants(first: $first, after: $after) {\n      nodes { ...ProductVariantFields }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n}": {
    return: ProductVariantsForSyncQuery;
    variables: ProductVariantsForSyncQueryVariables;
  };
  "#graphql\nquery InventoryItemsWithLevels($ids: [ID!]!, $quantityNames: [String!]!, $levelsFirst: Int!) {\n  nodes(ids: $ids) {\n    __typename\n    ... on InventoryItem {\n      id\n      sku\n      tracked\n      variant { ...ProductVariantFields }\n      inventoryLevels(first: $levelsFirst) {\n        nodes {\n          id\n          location { id name }\n          quantities(names: $quantityNames) { name quantity updatedAt }\n        }\n        pageInfo { hasNextPage endCursor }\n      }\n    }\n  }\n}": {
    return: InventoryItemsWithLevelsQuery;
    variables: InventoryItemsWithLevelsQueryVariables;
  };
  "#graphql\nquery InventoryLevelById($id: ID!, $quantityNames: [String!]!) {\n  inventoryLevel(id: $id) {\n    id\n    item { id sku variant { id } }\n    location { id }\n    quantities(names: $quantityNames) { name quantity updatedAt }\n  }\n}": {
    return: InventoryLevelByIdQuery;
    variables: InventoryLevelByIdQueryVariables;
  };
  "#graphql\nquery Locations($first: Int!, $after: String, $includeInactive: Boolean!) {\n  locations(first: $first, after: $after, includeInactive: $includeInactive) {\n    nodes { id name isActive isPrimary fulfillsOnlineOrders shipsInventory }\n    pageInfo { hasNextPage endCursor }\n  }\n}": {
    return: LocationsQuery;
    variables: LocationsQueryVariables;
  };
  "#graphql\nquery OrderLineItems($id: ID!) {\n  order(id: $id) {\n    ...OrderSummaryFields\n    lineItems(first: 250) { nodes { ...OrderLineItemFields } }\n  }\n}": {
    return: OrderLineItemsQuery;
    variables: OrderLineItemsQueryVariables;
  };
  "#graphql\nquery OrderFulfillmentPlacement($id: ID!, $fulfillmentOrders: Int!, $lineItems: Int!) {\n  order(id: $id) {\n    id\n    fulfillmentOrders(first: $fulfillmentOrders) {\n      nodes {\n        id status\n        assignedLocation { location { id } }\n        lineItems(first: $lineItems) { nodes { id remainingQuantity lineItem { id } } }\n      }\n    }\n  }\n}": {
    return: OrderFulfillmentPlacementQuery;
    variables: OrderFulfillmentPlacementQueryVariables;
  };
  "#graphql\nquery OrdersBySourceIdentifier($query: String!, $first: Int!) {\n  orders(query: $query, first: $first, sortKey: CREATED_AT, reverse: true) {\n    nodes { ...OrderSummaryFields }\n    pageInfo { hasNextPage endCursor }\n  }\n}": {
    return: OrdersBySourceIdentifierQuery;
    variables: OrdersBySourceIdentifierQueryVariables;
  };
  "#graphql\nquery OrderById($id: ID!, $metafieldNamespace: String!, $metafieldKey: String!) {\n  order(id: $id) {\n    ...OrderSummaryFields\n    metafield(namespace: $metafieldNamespace, key: $metafieldKey) { id value }\n    lineItems(first: 250) { nodes { id sku quantity currentQuantity refundableQuantity variant { id } } }\n  }\n}": {
    return: OrderByIdQuery;
    variables: OrderByIdQueryVariables;
  };
  "#graphql\nquery OrderCancellationFacts($id: ID!) {\n  order(id: $id) {\n    id cancelledAt displayFulfillmentStatus\n    fulfillments(first: 250) { id status totalQuantity }\n  }\n}": {
    return: OrderCancellationFactsQuery;
    variables: OrderCancellationFactsQueryVariables;
  };
  "#graphql\nquery OrdersRefundsByIds($ids: [ID!]!, $refunds: Int!) {\n  nodes(ids: $ids) {\n    ... on Order { id cancelledAt refunds(first: $refunds) { id note createdAt } }\n  }\n}": {
    return: OrdersRefundsByIdsQuery;
    variables: OrdersRefundsByIdsQueryVariables;
  };
  "#graphql\nquery RefundById($id: ID!) {\n  refund(id: $id) { ...RefundFields }\n}": {
    return: RefundByIdQuery;
    variables: RefundByIdQueryVariables;
  };
}

interface GeneratedMutationTypes {
  "#graphql\nmutation BulkOperationRunQuery($query: String!, $groupObjects: Boolean!) {\n  bulkOperationRunQuery(query: $query, groupObjects: $groupObjects) {\n    bulkOperation { id status }\n    userErrors { field message code }\n  }\n}": {
    return: BulkOperationRunQueryMutation;
    variables: BulkOperationRunQueryMutationVariables;
  };
  "#graphql\nmutation FulfillmentCreate($fulfillment: FulfillmentInput!, $message: String) {\n  fulfillmentCreate(fulfillment: $fulfillment, message: $message) {\n    fulfillment { ...FulfillmentFields }\n    userErrors { field message }\n  }\n}": {
    return: FulfillmentCreateMutation;
    variables: FulfillmentCreateMutationVariables;
  };
  "#graphql\nmutation FulfillmentTrackingInfoUpdate($fulfillmentId: ID!, $trackingInfoInput: FulfillmentTrackingInput!, $notifyCustomer: Boolean!) {\n  fulfillmentTrackingInfoUpdate(fulfillmentId: $fulfillmentId, trackingInfoInput: $trackingInfoInput, notifyCustomer: $notifyCustomer) {\n    fulfillment { ...FulfillmentFields }\n    userErrors { field message }\n  }\n}": {
    return: FulfillmentTrackingInfoUpdateMutation;
    variables: FulfillmentTrackingInfoUpdateMutationVariables;
  };
  "#graphql\nmutation InventorySetQuantities($input: InventorySetQuantitiesInput!, $idempotencyKey: String!) {\n  inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey) {\n    inventoryAdjustmentGroup { ...InventoryAdjustmentGroupFields }\n    userErrors { field message code }\n  }\n}": {
    return: InventorySetQuantitiesMutation;
    variables: InventorySetQuantitiesMutationVariables;
  };
  "#graphql\nmutation InventoryAdjustQuantities($input: InventoryAdjustQuantitiesInput!, $idempotencyKey: String!) {\n  inventoryAdjustQuantities(input: $input) @idempotent(key: $idempotencyKey) {\n    inventoryAdjustmentGroup { ...InventoryAdjustmentGroupFields }\n    userErrors { field message code }\n  }\n}": {
    return: InventoryAdjustQuantitiesMutation;
    variables: InventoryAdjustQuantitiesMutationVariables;
  };
  "#graphql\nmutation InventoryMoveQuantities($input: InventoryMoveQuantitiesInput!, $idempotencyKey: String!) {\n  inventoryMoveQuantities(input: $input) @idempotent(key: $idempotencyKey) {\n    inventoryAdjustmentGroup { ...InventoryAdjustmentGroupFields }\n    userErrors { field message code }\n  }\n}": {
    return: InventoryMoveQuantitiesMutation;
    variables: InventoryMoveQuantitiesMutationVariables;
  };
  "#graphql\nmutation OrderCreate($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput!) {\n  orderCreate(order: $order, options: $options) {\n    order {\n      ...OrderSummaryFields\n      lineItems(first: 250) { nodes { ...OrderLineItemFields } }\n    }\n    userErrors { field message code }\n  }\n}": {
    return: OrderCreateMutation;
    variables: OrderCreateMutationVariables;
  };
  "#graphql\nmutation FulfillmentOrderMove($id: ID!, $newLocationId: ID!, $fulfillmentOrderLineItems: [FulfillmentOrderLineItemInput!]) {\n  fulfillmentOrderMove(id: $id, newLocationId: $newLocationId, fulfillmentOrderLineItems: $fulfillmentOrderLineItems) {\n    movedFulfillmentOrder { id assignedLocation { location { id } } }\n    userErrors { field message }\n  }\n}": {
    return: FulfillmentOrderMoveMutation;
    variables: FulfillmentOrderMoveMutationVariables;
  };
  "#graphql\nmutation OrderCancel($orderId: ID!, $reason: OrderCancelReason!, $restock: Boolean!, $refundMethod: OrderCancelRefundMethodInput, $notifyCustomer: Boolean!, $staffNote: String) {\n  orderCancel(orderId: $orderId, reason: $reason, restock: $restock, refundMethod: $refundMethod, notifyCustomer: $notifyCustomer, staffNote: $staffNote) {\n    job { id done }\n    orderCancelUserErrors { field message code }\n  }\n}": {
    return: OrderCancelMutation;
    variables: OrderCancelMutationVariables;
  };
  "#graphql\nmutation MetafieldsSet($metafields: [MetafieldsSetInput!]!) {\n  metafieldsSet(metafields: $metafields) {\n    metafields { id namespace key value }\n    userErrors { field message code }\n  }\n}": {
    return: MetafieldsSetMutation;
    variables: MetafieldsSetMutationVariables;
  };
  "#graphql\nmutation RefundCreate($input: RefundInput!, $idempotencyKey: String!) {\n  refundCreate(input: $input) @idempotent(key: $idempotencyKey) {\n    refund { ...RefundFields }\n    userErrors { field message }\n  }\n}": {
    return: RefundCreateMutation;
    variables: RefundCreateMutationVariables;
  };
}
declare module "@shopify/admin-api-client" {
  type InputMaybe<T> = AdminTypes.InputMaybe<T>;
  interface AdminQueries extends GeneratedQueryTypes {}
  interface AdminMutations extends GeneratedMutationTypes {}
}
