/**
 * Structured one-line JSON logs. Fields named like secrets are masked: API keys and tokens must
 * never reach a log line, even through an error object someone passes along.
 */
type Level = "debug" | "info" | "warn" | "error";
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const secretField = /(api[-_]?key|authorization|token|secret|password)/i;

export interface LogSink {
  (line: string, level: Level): void;
}

let sink: LogSink = (line, level) => (level === "error" || level === "warn" ? console.error(line) : console.log(line));

export function setLogSink(next: LogSink): LogSink {
  const previous = sink;
  sink = next;
  return previous;
}

function threshold(): number {
  const configured =
    (process.env.LOG_LEVEL as Level | undefined) ?? (process.env.NODE_ENV === "test" ? "warn" : "info");
  return order[configured] ?? order.info;
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 5 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, secretField.test(k) ? "[redacted]" : redact(v, depth + 1)]),
  );
}

function log(level: Level, message: string, fields: Record<string, unknown> = {}) {
  if (order[level] < threshold()) return;
  sink(JSON.stringify({ at: new Date().toISOString(), level, message, ...(redact(fields) as object) }), level);
}

export const logger = {
  debug: (m: string, f?: Record<string, unknown>) => log("debug", m, f),
  info: (m: string, f?: Record<string, unknown>) => log("info", m, f),
  warn: (m: string, f?: Record<string, unknown>) => log("warn", m, f),
  error: (m: string, f?: Record<string, unknown>) => log("error", m, f),
};
