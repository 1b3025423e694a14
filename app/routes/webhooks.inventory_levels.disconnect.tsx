import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/webhooks/intake.server";

export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, "inventory_levels/disconnect");
