/** The demo marketplace form's field names, shared by the page (browser) and its action (server). */
export const QUANTITY_FIELD_PREFIX = "quantity:";
