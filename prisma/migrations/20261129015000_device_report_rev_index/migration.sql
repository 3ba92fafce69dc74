-- CreateIndex
CREATE INDEX "DeviceReport_deviceId_rev_idx" ON "DeviceReport"("deviceId", "rev");
