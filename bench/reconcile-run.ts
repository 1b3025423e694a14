import { readFileSync, writeFileSync } from "node:fs";
import prisma from "~/db.server";
import type { IngestResult } from "~/sync/catalog/mirror.server";
import { requestReconcile } from "~/sync/stock/reconcile.server";
import type { Engine, EngineClock } from "./engine";

/**
 * One measured full reconcile of the 100k scenario (bench/reconcile-100k.ts), whichever process the fakes live in:
 * this module imports none of their code, so the engine-memory bench (bench/engine-memory.ts) loads only the
 * engine into the process it measures.
 */

export interface ReconcileConfig {
  skus: number;
  seed: number;
  /** Share of offers whose Mirakl quantity is changed behind our back before the warm run. */
  miraklDriftShare: number;
  /** Share of variants whose Shopify stock changes with the webhook lost. */
  lostWebhookShare: number;
  /** Variants with no offer, and offers with no variant. */
  unmatchedEachWay: number;
}

export const RECONCILE_FULL: ReconcileConfig = {
  skus: 100_000,
  seed: 7,
  miraklDriftShare: 0.01,
  lostWebhookShare: 0.005,
  unmatchedEachWay: 100,
};
export const RECONCILE_QUICK: ReconcileConfig = { ...RECONCILE_FULL, skus: 2_000 };

export interface RunFigures {
  wallMs: number;
  /** CPU time of this process over the run (user + system, all its threads), ms: steadier than wall time on a busy machine. */
  cpuMs: number;
  /** Wall ms per kind of engine unit (catalogue refresh, recompute, reconcile, push). */
  unitMs: Record<string, number>;
  virtualMs: number;
  peakRssMb: number;
  peakHeapUsedMb: number;
  /** The kernel's peak RSS (VmHWM) over the run, when it could be restarted at the run's start; else null. */
  vmHwmMb: number | null;
  /** The highest sampled heapUsed / RSS while each kind of unit ran, MB (where the peak comes from). */
  peakByUnit: Record<string, { heapUsedMb: number; rssMb: number }>;
  rssBeforeMb: number;
  heapUsedBeforeMb: number;
  miraklCalls: Record<string, number>;
  rateLimited: number;
  skusCompared: number;
  driftsFound: number;
  offersPushed: number;
  catalogue: { variants: number; levels: number; variantsChanged: number; levelsChanged: number } | null;
  exceptions: Record<string, number>;
  /** Offers whose Mirakl quantity differs from what we want once the run and its pushes are done. */
  mismatchesAfter: number;
}

export interface MiraklFigures {
  miraklCalls: Record<string, number>;
  rateLimited: number;
  offersPushed: number;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** This process's peak resident set (VmHWM, kernel-kept: no sample can miss a spike), MB; null off Linux. */
export function peakRssSinceResetMb(): number | null {
  try {
    const kb = /VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    return kb ? Math.round(Number(kb) / 102.4) / 10 : null;
  } catch {
    return null;
  }
}

/** Restarts VmHWM from the current RSS (Linux: "5" to clear_refs), so a run's peak is its own; false if not possible. */
export function resetPeakRss(): boolean {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

/**
 * Peak RSS and JS heap over a stretch: heapUsed and RSS sampled every 20 ms (and at each sample() call), and the
 * kernel's VmHWM, restarted at the start where the system allows it (vmHwmMb null otherwise).
 */
export function memorySampler(runningUnit: () => string | null = () => null) {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const hwmReset = resetPeakRss();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  /** Per unit kind running at the sample ("between units" otherwise): the highest heapUsed and RSS seen. */
  const byUnit: Record<string, { heapUsedMb: number; rssMb: number }> = {};
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
    const kind = runningUnit() ?? "between units";
    const seen = (byUnit[kind] ??= { heapUsedMb: 0, rssMb: 0 });
    seen.heapUsedMb = Math.max(seen.heapUsedMb, mb(m.heapUsed));
    seen.rssMb = Math.max(seen.rssMb, mb(m.rss));
  };
  const timer = setInterval(sample, 20);
  // BENCH_MEMORY_TRACE=<ms>: the process's memory on stderr at that interval, to see where a peak builds up.
  let traced = 0;
  const trace = process.env.BENCH_MEMORY_TRACE
    ? setInterval(() => {
        const m = process.memoryUsage();
        console.error(
          `mem ${++traced} ${runningUnit() ?? "-"} rss ${mb(m.rss)} heapTotal ${mb(m.heapTotal)} used ${mb(m.heapUsed)} ext ${mb(m.external)} ab ${mb(m.arrayBuffers)}`,
        );
      }, Number(process.env.BENCH_MEMORY_TRACE))
    : undefined;
  return {
    sample,
    stop() {
      clearInterval(timer);
      clearInterval(trace);
      sample();
      return {
        rssBeforeMb: mb(before.rss),
        heapUsedBeforeMb: mb(before.heapUsed),
        peakRssMb: mb(peakRss),
        peakHeapUsedMb: mb(peakHeap),
        vmHwmMb: hwmReset ? peakRssSinceResetMb() : null,
        peakByUnit: byUnit,
      };
    },
  };
}

/** The fakes' side of a measured run, in this process or in another one (bench/engine-memory.ts). */
export interface FakesControl {
  clearCalls(): unknown;
  /** When the simulator applies the earliest pending import (virtual ms), or null. */
  nextImportCompletion(): number | null | Promise<number | null>;
  miraklFigures(): MiraklFigures | Promise<MiraklFigures>;
  /** How many of these wanted quantities Mirakl does not show. */
  mismatches(page: { offerSku: string; desiredQuantity: number | null }[]): Promise<number>;
}

/** Offers we feed, as pages of the OfferStock table in SKU order (the check never holds the whole catalogue). */
async function* wantedQuantities(connectionId: string, pageSize = 5_000) {
  let after: string | undefined;
  for (;;) {
    const page = await prisma.offerStock.findMany({
      where: {
        connectionId,
        warehouseCode: "",
        desiredQuantity: { not: null },
        ...(after === undefined ? {} : { offerSku: { gt: after } }),
      },
      select: { offerSku: true, desiredQuantity: true },
      orderBy: { offerSku: "asc" },
      take: pageSize,
    });
    if (page.length === 0) return;
    yield page;
    after = page[page.length - 1]!.offerSku;
  }
}

/**
 * One full reconcile, from the request until the run is finished, nothing is left to push and Mirakl applied every
 * file: the engine's units run at each instant, then the clock moves to whatever falls due next (the engine's next
 * unit or the simulator's next import), so Mirakl's waits take no real time.
 */
export async function measureReconcileRun(options: {
  engine: Engine;
  clock: EngineClock;
  fakes: FakesControl;
  label: string;
  takeIngested: () => IngestResult | null;
}): Promise<RunFigures> {
  const { engine, clock, fakes, label } = options;
  const shop = engine.connection.shop;
  await fakes.clearCalls();
  for (const kind of Object.keys(engine.unitMs)) delete engine.unitMs[kind];
  const memory = memorySampler(engine.runningUnit);
  const started = Date.now();
  const cpuBefore = process.cpuUsage();
  const virtualStart = clock.ms;
  const run = await requestReconcile(engine.connection, "FULL", clock.date());
  for (let steps = 0; ; steps++) {
    if (steps > 100_000) throw new Error(`bench: ${label} reconcile did not settle`);
    await engine.drain();
    memory.sample();
    const finished = await prisma.reconcileRun.findUniqueOrThrow({ where: { id: run.id } });
    const dirty = await prisma.offerStock.count({
      where: {
        connectionId: engine.connection.id,
        desiredQuantity: { not: null },
        desiredVersion: { gt: prisma.offerStock.fields.pushedVersion },
      },
    });
    const importDue = await fakes.nextImportCompletion();
    if (finished.finishedAt && dirty === 0 && importDue === null) break;
    const due = [await engine.nextDueAt(), importDue].filter((t): t is number => t !== null);
    if (due.length === 0)
      throw new Error(`bench: ${label} reconcile is idle but not settled (phase ${finished.phase}, ${dirty} dirty)`);
    await clock.advanceTo(Math.max(clock.ms + 1, Math.min(...due)));
  }
  const wallMs = Date.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const figures = memory.stop();
  const finished = await prisma.reconcileRun.findUniqueOrThrow({ where: { id: run.id } });
  if (finished.error) throw new Error(`bench: ${label} reconcile failed: ${finished.error}`);
  if (process.env.BENCH_TRACE)
    console.error(
      await prisma.syncException.findMany({ where: { shop, status: "OPEN" }, select: { kind: true, message: true } }),
    );
  const exceptions = await prisma.syncException.groupBy({
    by: ["kind"],
    where: { shop, status: "OPEN" },
    _count: { _all: true },
  });
  const ingest = options.takeIngested();
  let mismatchesAfter = 0;
  for await (const page of wantedQuantities(engine.connection.id)) mismatchesAfter += await fakes.mismatches(page);
  return {
    wallMs,
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    unitMs: Object.fromEntries(Object.entries(engine.unitMs).map(([kind, ms]) => [kind, Math.round(ms)])),
    virtualMs: clock.ms - virtualStart,
    ...figures,
    ...(await fakes.miraklFigures()),
    skusCompared: finished.skusCompared,
    driftsFound: finished.drifts,
    catalogue: ingest && {
      variants: ingest.variants,
      levels: ingest.levels,
      variantsChanged: ingest.variantsChanged,
      levelsChanged: ingest.levelsChanged,
    },
    exceptions: Object.fromEntries(exceptions.map((e) => [e.kind, e._count._all])),
    mismatchesAfter,
  };
}
