-- AlterTable
ALTER TABLE "ReconcileRun" ADD COLUMN     "state" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "catalogBulkOperationId" TEXT,
ADD COLUMN     "catalogRefreshRequestedAt" TIMESTAMP(3),
ADD COLUMN     "catalogRefreshedAt" TIMESTAMP(3);
