import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

// Kept apart from vite.config.ts so tests never load the Remix Vite plugin.
export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["app/**/*.test.{ts,tsx}", "test/**/*.test.{ts,tsx}", "extensions/**/*.test.{ts,tsx}"],
    exclude: ["test/e2e/**", "node_modules/**"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    setupFiles: ["test/setup/env.ts"],
    // Vitest's default leaves one core free: one file at a time on a 2-core machine. Many files spend their time
    // waiting on simulators, child processes and timers, so two at a time finish the suite ~25 % sooner there.
    // Each file has its own in-memory PGlite and each PostgreSQL variant its own scratch database.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
