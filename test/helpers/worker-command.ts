import { readFileSync } from "node:fs";
import path from "node:path";

/** `npm run worker` as package.json spells it: the environment it sets, Node's options, and the entry file. */
export interface WorkerCommand {
  env: Record<string, string>;
  nodeArgs: string[];
  entry: string;
}

/**
 * Reads the worker's command from package.json, so a test or a bench starts the worker process exactly as
 * `npm run worker` does (its heap cap, its allocator settings) and the two cannot drift apart. `${NAME:-default}`
 * is expanded from `env` as the shell would.
 */
export function workerCommand(env: NodeJS.ProcessEnv = process.env): WorkerCommand {
  const root = path.resolve(import.meta.dirname, "../..");
  const script: string = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).scripts.worker;
  const words = script
    .trim()
    .split(/\s+/)
    .map((word) => word.replace(/\$\{(\w+):-([^}]*)\}/g, (_, name: string, fallback: string) => env[name] || fallback));
  const assignments: Record<string, string> = {};
  let at = 0;
  for (; /^[A-Z_][A-Z0-9_]*=/.test(words[at] ?? ""); at++) {
    const [name, ...value] = words[at]!.split("=");
    assignments[name!] = value.join("=");
  }
  if (words[at] !== "node" || words.length < at + 2)
    throw new Error(`npm run worker is expected to read [NAME=value …] node [options …] <entry>: ${script}`);
  return { env: assignments, nodeArgs: words.slice(at + 1, -1), entry: words[words.length - 1]! };
}
