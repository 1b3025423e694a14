import type { DemoShopifyOrder, DemoShopifyStore } from "~/demo/demo-shopify.server";
import { action, loader } from "~/routes/app.demo.shopify";
import { settle } from "./app";

/** Where the demo keeps its Shopify store and loopback flag between requests (scripts/demo-shopify.ts). */
export const demoRegistry = globalThis as unknown as {
  __miraklBridgeDemoShopify?: DemoShopifyStore;
  __miraklBridgeDemoLoopback?: boolean;
};

/** The demo Shopify store page's action and loader, as the browser calls them from `host`. */
export function demoShopifyPage<Order = DemoShopifyOrder>(host = "127.0.0.1:3456") {
  const url = `http://${host}/app/demo/shopify`;
  return {
    post: (form: Record<string, string>) =>
      settle(
        action({
          request: new Request(url, { method: "POST", body: new URLSearchParams(form) }),
          params: {},
          context: {},
        }),
      ).then((r) => r.json()),
    load: () =>
      settle(loader({ request: new Request(url), params: {}, context: {} })).then(
        (r) => r.json() as Promise<{ orders: Order[] }>,
      ),
  };
}
