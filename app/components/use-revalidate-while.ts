import { useEffect } from "react";
import { useRevalidator } from "@remix-run/react";

/** Reloads the page's data every `intervalMs` while `active`: a page following work the worker is doing. */
export function useRevalidateWhile(active: boolean, intervalMs: number) {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs, revalidator]);
}
