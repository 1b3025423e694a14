import { vitePlugin as remix } from "@remix-run/dev";
import { installGlobals } from "@remix-run/node";
import { defineConfig, type UserConfig } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";

installGlobals({ nativeFetch: true });

// The Shopify CLI passes the tunnel URL as HOST; the app reads SHOPIFY_APP_URL.
if (process.env.HOST && (!process.env.SHOPIFY_APP_URL || process.env.SHOPIFY_APP_URL === process.env.HOST)) {
  process.env.SHOPIFY_APP_URL = process.env.HOST;
  delete process.env.HOST;
}

const host = new URL(process.env.SHOPIFY_APP_URL || "http://localhost").hostname;
const local = host === "localhost" || host === "127.0.0.1";
const hmrConfig = local
  ? {
      protocol: "ws",
      host,
      port: Number(process.env.HMR_PORT || 64999),
      clientPort: Number(process.env.HMR_PORT || 64999),
    }
  : { protocol: "wss", host, port: parseInt(process.env.FRONTEND_PORT!) || 8002, clientPort: 443 };

export default defineConfig({
  server: {
    allowedHosts: [host],
    cors: { preflightContinue: true },
    port: Number(process.env.PORT || 3000),
    hmr: process.env.DISABLE_HMR ? false : hmrConfig,
    fs: { allow: ["app", "node_modules"] },
  },
  plugins: [
    remix({
      ignoredRouteFiles: ["**/.*", "**/*.test.*"],
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_lazyRouteDiscovery: true,
        v3_singleFetch: false,
        v3_routeConfig: true,
      },
    }),
    tsconfigPaths(),
  ],
  build: { assetsInlineLimit: 0 },
  // The client's dependencies, listed so the dev server never discovers one on a page view and reloads the
  // page under the user (or an e2e test). Discovery is off because the scanner also follows route modules
  // into server-only code and pre-bundles pg and PGlite for the browser, then reloads when it finishes.
  optimizeDeps: {
    noDiscovery: true,
    include: [
      "@shopify/app-bridge-react",
      "@shopify/polaris",
      "@shopify/shopify-app-remix/react",
      // app.tsx uses boundary.error in its ErrorBoundary, so the server package reaches the browser (as in Shopify's template).
      "@shopify/shopify-app-remix/server",
      "@remix-run/react",
      "react",
      "react/jsx-runtime",
      "react/jsx-dev-runtime",
      "react-dom/client",
    ],
  },
}) satisfies UserConfig;
