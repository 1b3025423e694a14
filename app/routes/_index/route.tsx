import type { LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { demoAuthAllowed } from "~/auth.server";
import { login } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.searchParams.get("shop") || demoAuthAllowed(request)) throw redirect(`/app?${url.searchParams.toString()}`);
  return json({ showForm: Boolean(login) });
};

export default function Landing() {
  const { showForm } = useLoaderData<typeof loader>();
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", maxWidth: 640, margin: "64px auto", lineHeight: 1.5 }}>
      <h1>Mirakl Bridge for Shopify</h1>
      <p>
        Keeps your Shopify stock on every Mirakl marketplace (Decathlon, Carrefour, Leroy Merlin, Best Buy CA…), accepts
        marketplace orders on time, sends fulfilments and refunds back, and reconciles payouts. Install it from your
        Shopify admin.
      </p>
      {showForm && (
        <Form method="post" action="/auth/login">
          <label>
            Shop domain <input type="text" name="shop" placeholder="my-shop.myshopify.com" />
          </label>{" "}
          <button type="submit">Log in</button>
        </Form>
      )}
    </main>
  );
}
