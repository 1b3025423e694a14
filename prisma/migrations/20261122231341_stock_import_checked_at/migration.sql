-- AlterTable
ALTER TABLE "StockImport" ADD COLUMN     "checkedAt" TIMESTAMP(3);
