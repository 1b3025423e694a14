import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { LoginErrorType } from "@shopify/shopify-app-remix/server";
import { login } from "~/shopify.server";

function errorMessage(errors: { shop?: LoginErrorType } | undefined) {
  if (errors?.shop === LoginErrorType.MissingShop) return "Please enter your shop domain to log in";
  if (errors?.shop === LoginErrorType.InvalidShop) return "Please enter a valid shop domain to log in";
  return undefined;
}

export const loader = async ({ request }: LoaderFunctionArgs) => json({ error: errorMessage(await login(request)) });
export const action = async ({ request }: ActionFunctionArgs) => json({ error: errorMessage(await login(request)) });

export default function Login() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const error = actionData?.error ?? loaderData.error;
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", maxWidth: 480, margin: "64px auto" }}>
      <h1>Log in</h1>
      <Form method="post">
        <label>
          Shop domain <input type="text" name="shop" autoComplete="on" placeholder="example.myshopify.com" />
        </label>{" "}
        <button type="submit">Log in</button>
        {error && <p role="alert">{error}</p>}
      </Form>
    </main>
  );
}
