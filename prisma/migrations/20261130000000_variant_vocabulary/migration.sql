-- One spelling of the variant vocabulary (@fleet/variants) in the database too: the values of
-- "Precision" and "Engine" become the lower-case words the wire, manifests and reports use.
-- RENAME VALUE keeps each value's identity, so stored rows and the column defaults that name these
-- values (HardwareProfile.allowedPrecisions/allowedEngines, ModelVariant.engine) follow by themselves.

-- RenameEnumValue
ALTER TYPE "Precision" RENAME VALUE 'FP32' TO 'fp32';
ALTER TYPE "Precision" RENAME VALUE 'FP16' TO 'fp16';
ALTER TYPE "Precision" RENAME VALUE 'UINT8' TO 'uint8';
ALTER TYPE "Precision" RENAME VALUE 'INT8' TO 'int8';
ALTER TYPE "Precision" RENAME VALUE 'INT4' TO 'int4';
ALTER TYPE "Precision" RENAME VALUE 'MIXED' TO 'mixed';

-- RenameEnumValue
ALTER TYPE "Engine" RENAME VALUE 'TFJS' TO 'tfjs';
ALTER TYPE "Engine" RENAME VALUE 'ONNX' TO 'onnx';
