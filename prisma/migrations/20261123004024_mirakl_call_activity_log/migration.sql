-- CreateTable
CREATE TABLE "MiraklCall" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "status" INTEGER,
    "durationMs" INTEGER NOT NULL,
    "miraklErrorCode" TEXT,
    "miraklMessage" TEXT,
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MiraklCall_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "MiraklCall_shop_connectionId_at_idx" ON "MiraklCall"("shop", "connectionId", "at");

-- CreateIndex
CREATE INDEX "MiraklCall_at_idx" ON "MiraklCall"("at");
