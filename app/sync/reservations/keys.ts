/** Work-unit keys of the reservation flow, apart so the intake, the holds and the tasks share them without cycles. */
export const ORDER_INTAKE_KIND = "order-intake";
export const orderIntakeUnitKey = (connectionId: string) => `${ORDER_INTAKE_KIND}:${connectionId}`;
export const RESERVATION_HOLDS_KIND = "reservation-holds";
export const reservationHoldsUnitKey = (shop: string) => `${RESERVATION_HOLDS_KIND}:${shop}`;
