-- CreateTable
CREATE TABLE "MiraklRateBucket" (
    "connectionId" TEXT NOT NULL,
    "bucket" TEXT NOT NULL,
    "nextAt" BIGINT NOT NULL DEFAULT 0,
    "booked" JSONB NOT NULL DEFAULT '[]',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MiraklRateBucket_pkey" PRIMARY KEY ("connectionId","bucket")
);
