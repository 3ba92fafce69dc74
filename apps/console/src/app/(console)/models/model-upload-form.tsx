"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type ChangeEvent, type FormEvent } from "react";
import { CSRF_HEADER, CSRF_HEADER_VALUE } from "../../../server/http/csrf.ts";
import { useTRPC } from "../../../trpc/react.tsx";
import { Field, fieldError, FormError } from "../../_components/form-feedback.tsx";

type TSlot = "model" | "calib" | "val";

/** PUTs one file with XMLHttpRequest (fetch cannot report upload progress); rejects with the server's message. */
function putFile(uploadId: string, slot: TSlot, file: File, onProgress: (loaded: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", `/api/uploads/${uploadId}/${slot}/${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader(CSRF_HEADER, CSRF_HEADER_VALUE);
    xhr.setRequestHeader("content-type", "application/octet-stream");
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => {
      if (xhr.status === 200) return resolve();
      let message = `${file.name}: the server answered ${xhr.status}.`;
      try {
        message = (JSON.parse(xhr.responseText) as { error?: string }).error ?? message;
      } catch {
        // keep the status line
      }
      reject(new Error(message));
    };
    xhr.onerror = () => reject(new Error(`${file.name}: the connection to the console was lost; try again.`));
    xhr.send(file);
  });
}

export function ModelUploadForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [files, setFiles] = useState<Record<TSlot, File[]>>({ model: [], calib: [], val: [] });
  const [sent, setSent] = useState<{ loaded: number; total: number } | null>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const startUpload = useMutation(trpc.models.startUpload.mutationOptions());
  const create = useMutation(trpc.models.create.mutationOptions());
  const busy = sent !== null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setUploadError(null);
    create.reset();
    const all = (["model", "calib", "val"] as const).flatMap((slot) => files[slot].map((file) => ({ slot, file })));
    if (files.model.length === 0) {
      setUploadError("Choose the model: model.json with its weight files, or a .zip/.tar/.tar.gz archive.");
      return;
    }
    const total = all.reduce((sum, { file }) => sum + file.size, 0);
    setSent({ loaded: 0, total });
    let creating = false;
    try {
      const { uploadId, maxBytes } = await startUpload.mutateAsync();
      if (total > maxBytes)
        throw new Error(
          `The files add up to ${(total / 1048576).toFixed(1)} MB; the limit is ${Math.round(maxBytes / 1048576)} MB.`,
        );
      let done = 0;
      for (const { slot, file } of all) {
        await putFile(uploadId, slot, file, (loaded) => setSent({ loaded: done + loaded, total }));
        done += file.size;
        setSent({ loaded: done, total });
      }
      creating = true;
      const model = await create.mutateAsync({
        uploadId,
        name: name || files.model[0]!.name.replace(/\.(json|zip|tar|tgz|tar\.gz)$/i, ""),
        description,
      });
      await queryClient.invalidateQueries({ queryKey: trpc.models.list.queryKey() });
      router.push(`/models/${model.id}`);
    } catch (error) {
      // tRPC errors are shown by FormError below; transport errors here.
      if (!creating) setUploadError(error instanceof Error ? error.message : String(error));
      setSent(null);
    }
  };

  const pick = (slot: TSlot) => (event: ChangeEvent<HTMLInputElement>) =>
    setFiles({ ...files, [slot]: [...(event.target.files ?? [])] });
  const percent = sent ? Math.floor((sent.loaded / Math.max(1, sent.total)) * 100) : 0;
  return (
    <section className="card">
      <form className="form" onSubmit={(event) => void submit(event)} data-testid="model-upload-form">
        <h2>Upload a model</h2>
        <Field label="Name" error={fieldError(create.error, "name")} hint="defaults to the file name">
          <input name="name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        </Field>
        <Field label="Description" error={fieldError(create.error, "description")}>
          <input
            name="description"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            autoComplete="off"
          />
        </Field>
        <Field
          label="Float32 TF.js model"
          hint="model.json and its weight files, or one .zip / .tar / .tar.gz archive of them"
        >
          <input name="model" type="file" multiple accept=".json,.bin,.zip,.tar,.tgz,.gz" onChange={pick("model")} />
        </Field>
        <Field label="Calibration data (optional)" hint="x.npy: float32 [N, …input shape]">
          <input name="calib" type="file" accept=".npy" onChange={pick("calib")} />
        </Field>
        <Field
          label="Validation data (optional)"
          hint="x.npy and y.npy (integer labels [N]): gives accuracy and the mixed-precision variant"
        >
          <input name="val" type="file" multiple accept=".npy" onChange={pick("val")} />
        </Field>
        {sent ? (
          <div data-testid="upload-progress" data-percent={percent}>
            <progress max={sent.total} value={sent.loaded} style={{ width: "100%" }} />
            <span className="muted">
              {percent < 100 ? `Uploading… ${percent} %` : create.isPending ? "Checking the model…" : "Uploaded"}
            </span>
          </div>
        ) : null}
        {uploadError ? (
          <p className="problem" role="alert">
            {uploadError}
          </p>
        ) : null}
        <FormError error={create.error} />
        <div className="actions">
          <button type="submit" className="button primary" disabled={busy}>
            Upload and quantize
          </button>
        </div>
      </form>
    </section>
  );
}
