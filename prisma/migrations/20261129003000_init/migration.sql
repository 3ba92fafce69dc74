-- CreateEnum
CREATE TYPE "UserRole" AS ENUM ('ADMIN', 'OPERATOR', 'VIEWER');

-- CreateEnum
CREATE TYPE "DeviceClass" AS ENUM ('GATEWAY', 'WEARABLE');

-- CreateEnum
CREATE TYPE "DeviceStatus" AS ENUM ('PROVISIONED', 'ONLINE', 'OFFLINE');

-- CreateEnum
CREATE TYPE "Precision" AS ENUM ('FP32', 'FP16', 'UINT8', 'INT8', 'INT4', 'MIXED');

-- CreateEnum
CREATE TYPE "Engine" AS ENUM ('TFJS', 'ONNX');

-- CreateEnum
CREATE TYPE "ModelStatus" AS ENUM ('UPLOADED', 'QUANTIZING', 'READY', 'FAILED');

-- CreateEnum
CREATE TYPE "RolloutStatus" AS ENUM ('DRAFT', 'RUNNING', 'PAUSED', 'COMPLETED', 'ABORTED', 'ROLLING_BACK', 'ROLLED_BACK', 'FAILED');

-- CreateEnum
CREATE TYPE "RolloutDeviceState" AS ENUM ('PENDING', 'INCOMPATIBLE', 'SENT', 'DOWNLOADING', 'VERIFYING', 'ACTIVATING', 'ACTIVE', 'FAILED', 'ROLLED_BACK');

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" "UserRole" NOT NULL DEFAULT 'VIEWER',
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "lastLoginAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" BIGSERIAL NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" TEXT,
    "actorLabel" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "entityType" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Device" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "deviceClass" "DeviceClass" NOT NULL DEFAULT 'GATEWAY',
    "hardware" JSONB,
    "profileId" TEXT,
    "profileReason" TEXT,
    "credentialHash" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "status" "DeviceStatus" NOT NULL DEFAULT 'PROVISIONED',
    "agentVersion" TEXT,
    "lastSeenAt" TIMESTAMPTZ(3),
    "activeVariantId" TEXT,
    "prevVariantId" TEXT,
    "desiredRev" INTEGER NOT NULL DEFAULT 0,
    "reportedRev" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Device_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HardwareProfile" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "priority" INTEGER NOT NULL DEFAULT 100,
    "rules" JSONB NOT NULL,
    "maxModelBytes" INTEGER,
    "ramBudgetMb" INTEGER,
    "allowedPrecisions" "Precision"[] DEFAULT ARRAY['FP32', 'FP16', 'UINT8', 'INT8', 'INT4', 'MIXED']::"Precision"[],
    "allowedEngines" "Engine"[] DEFAULT ARRAY['TFJS', 'ONNX']::"Engine"[],
    "preferredEngine" "Engine",
    "latencyBudgetMs" DOUBLE PRECISION,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "HardwareProfile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Model" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "format" TEXT NOT NULL,
    "inputShape" JSONB NOT NULL,
    "sourceSha256" TEXT NOT NULL,
    "sourceBytes" INTEGER NOT NULL,
    "status" "ModelStatus" NOT NULL DEFAULT 'UPLOADED',
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdById" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Model_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ModelVariant" (
    "id" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "precision" "Precision" NOT NULL,
    "engine" "Engine" NOT NULL DEFAULT 'TFJS',
    "bytes" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "artifactKey" TEXT NOT NULL,
    "metrics" JSONB NOT NULL,
    "layerPrecision" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ModelVariant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Rollout" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "status" "RolloutStatus" NOT NULL DEFAULT 'DRAFT',
    "target" JSONB NOT NULL,
    "strategy" JSONB NOT NULL,
    "gates" JSONB NOT NULL,
    "autoRollback" BOOLEAN NOT NULL DEFAULT false,
    "currentWave" INTEGER NOT NULL DEFAULT 0,
    "waveStartedAt" TIMESTAMPTZ(3),
    "reason" TEXT,
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMPTZ(3),
    "createdById" TEXT,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Rollout_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RolloutDevice" (
    "rolloutId" TEXT NOT NULL,
    "deviceId" TEXT NOT NULL,
    "wave" INTEGER NOT NULL,
    "state" "RolloutDeviceState" NOT NULL DEFAULT 'PENDING',
    "variantId" TEXT,
    "previousVariantId" TEXT,
    "reason" TEXT,
    "desiredRev" INTEGER,
    "error" TEXT,
    "sentAt" TIMESTAMPTZ(3),
    "activatedAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "RolloutDevice_pkey" PRIMARY KEY ("rolloutId","deviceId")
);

-- CreateTable
CREATE TABLE "TelemetrySample" (
    "id" BIGSERIAL NOT NULL,
    "deviceId" TEXT NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "inferences" INTEGER NOT NULL,
    "latencyP50" DOUBLE PRECISION NOT NULL,
    "latencyP95" DOUBLE PRECISION NOT NULL,
    "latencyP99" DOUBLE PRECISION NOT NULL,
    "cpuPct" DOUBLE PRECISION NOT NULL,
    "rssMb" DOUBLE PRECISION NOT NULL,
    "batteryPct" DOUBLE PRECISION,
    "errors" INTEGER NOT NULL,
    "variantId" TEXT,

    CONSTRAINT "TelemetrySample_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeviceEvent" (
    "id" BIGSERIAL NOT NULL,
    "deviceId" TEXT NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "kind" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "data" JSONB,

    CONSTRAINT "DeviceEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeviceReport" (
    "id" BIGSERIAL NOT NULL,
    "deviceId" TEXT NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "rev" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "variantId" TEXT,
    "error" TEXT,

    CONSTRAINT "DeviceReport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Session_tokenHash_key" ON "Session"("tokenHash");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE INDEX "Session_expiresAt_idx" ON "Session"("expiresAt");

-- CreateIndex
CREATE INDEX "AuditEvent_ts_idx" ON "AuditEvent"("ts");

-- CreateIndex
CREATE INDEX "AuditEvent_entityType_entityId_ts_idx" ON "AuditEvent"("entityType", "entityId", "ts");

-- CreateIndex
CREATE INDEX "AuditEvent_actorId_ts_idx" ON "AuditEvent"("actorId", "ts");

-- CreateIndex
CREATE INDEX "Device_status_idx" ON "Device"("status");

-- CreateIndex
CREATE INDEX "Device_profileId_idx" ON "Device"("profileId");

-- CreateIndex
CREATE INDEX "Device_activeVariantId_idx" ON "Device"("activeVariantId");

-- CreateIndex
CREATE INDEX "Device_lastSeenAt_idx" ON "Device"("lastSeenAt");

-- CreateIndex
CREATE INDEX "Device_tags_idx" ON "Device" USING GIN ("tags");

-- CreateIndex
CREATE UNIQUE INDEX "HardwareProfile_name_key" ON "HardwareProfile"("name");

-- CreateIndex
CREATE INDEX "Model_status_idx" ON "Model"("status");

-- CreateIndex
CREATE INDEX "Model_createdAt_idx" ON "Model"("createdAt");

-- CreateIndex
CREATE INDEX "ModelVariant_sha256_idx" ON "ModelVariant"("sha256");

-- CreateIndex
CREATE UNIQUE INDEX "ModelVariant_modelId_name_key" ON "ModelVariant"("modelId", "name");

-- CreateIndex
CREATE INDEX "Rollout_status_idx" ON "Rollout"("status");

-- CreateIndex
CREATE INDEX "Rollout_modelId_idx" ON "Rollout"("modelId");

-- CreateIndex
CREATE INDEX "RolloutDevice_rolloutId_wave_state_idx" ON "RolloutDevice"("rolloutId", "wave", "state");

-- CreateIndex
CREATE INDEX "RolloutDevice_deviceId_idx" ON "RolloutDevice"("deviceId");

-- CreateIndex
CREATE INDEX "TelemetrySample_deviceId_ts_idx" ON "TelemetrySample"("deviceId", "ts");

-- CreateIndex
CREATE INDEX "TelemetrySample_ts_idx" ON "TelemetrySample"("ts");

-- CreateIndex
CREATE INDEX "DeviceEvent_deviceId_ts_idx" ON "DeviceEvent"("deviceId", "ts");

-- CreateIndex
CREATE INDEX "DeviceReport_deviceId_ts_idx" ON "DeviceReport"("deviceId", "ts");

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Device" ADD CONSTRAINT "Device_profileId_fkey" FOREIGN KEY ("profileId") REFERENCES "HardwareProfile"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Device" ADD CONSTRAINT "Device_activeVariantId_fkey" FOREIGN KEY ("activeVariantId") REFERENCES "ModelVariant"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Device" ADD CONSTRAINT "Device_prevVariantId_fkey" FOREIGN KEY ("prevVariantId") REFERENCES "ModelVariant"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Model" ADD CONSTRAINT "Model_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelVariant" ADD CONSTRAINT "ModelVariant_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Rollout" ADD CONSTRAINT "Rollout_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Rollout" ADD CONSTRAINT "Rollout_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RolloutDevice" ADD CONSTRAINT "RolloutDevice_rolloutId_fkey" FOREIGN KEY ("rolloutId") REFERENCES "Rollout"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RolloutDevice" ADD CONSTRAINT "RolloutDevice_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "Device"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RolloutDevice" ADD CONSTRAINT "RolloutDevice_variantId_fkey" FOREIGN KEY ("variantId") REFERENCES "ModelVariant"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RolloutDevice" ADD CONSTRAINT "RolloutDevice_previousVariantId_fkey" FOREIGN KEY ("previousVariantId") REFERENCES "ModelVariant"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TelemetrySample" ADD CONSTRAINT "TelemetrySample_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "Device"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeviceEvent" ADD CONSTRAINT "DeviceEvent_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "Device"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeviceReport" ADD CONSTRAINT "DeviceReport_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "Device"("id") ON DELETE CASCADE ON UPDATE CASCADE;
