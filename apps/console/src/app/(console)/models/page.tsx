import { roleAtLeast } from "../../../server/auth/roles.ts";
import { requirePageUser } from "../../page-session.ts";
import { ModelUploadForm } from "./model-upload-form.tsx";
import { ModelsList } from "./models-list.tsx";

export default async function ModelsPage() {
  const user = await requirePageUser();
  return (
    <>
      <header className="page-header">
        <h1>Models</h1>
        <p className="muted">
          Upload a float32 TF.js model; the console quantizes it into fp16, uint8, int8, int4 and mixed variants (and,
          when its layers export to ONNX, onnx fp32, fp16 and int8 variants for ONNX Runtime), measures each, and signs
          them for devices.
        </p>
      </header>
      <div className="stack">
        <ModelsList />
        {roleAtLeast(user.role, "OPERATOR") ? <ModelUploadForm /> : null}
      </div>
    </>
  );
}
