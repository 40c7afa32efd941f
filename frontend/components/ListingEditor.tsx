"use client";
// The dealer's listing form (create a draft, edit), its photos (upload, reorder, delete) and
// Submit for review.
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { api, ApiError, gatewayUrl, loadSession } from "../lib/api";
import {
  CATEGORIES, changedFields, CONDITIONS, EDIT_STATUSES, emptyForm, FORM_FIELDS, formFieldOf, formOf, FUELS, IMAGE_MAX_BYTES, IMAGE_STATUSES, IMAGE_TYPES,
  LISTING_CURRENCIES, listingBody, moved, reorderImages, uploadImage, vehiclePath, type Listing, type ListingForm, type ListingImage,
} from "../lib/listings";
import { useApp } from "./Providers";
import { ErrorBox, Field, Select, StatusBadge, TextArea } from "./ui";

/** A listing photo that may not be public yet (a draft's): fetched with the session's token. */
export function ListingPhoto({ url, alt }: { url: string; alt: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    if (typeof URL.createObjectURL !== "function") return;
    let gone = false;
    let made: string | null = null;
    const s = loadSession();
    fetch(`${gatewayUrl()}${url}`, { headers: s ? { Authorization: `Bearer ${s.access_token}` } : {} })
      .then(async (r) => {
        if (!r.ok || gone) return;
        made = URL.createObjectURL(await r.blob());
        setSrc(made);
      })
      .catch(() => undefined);
    return () => {
      gone = true;
      if (made) URL.revokeObjectURL(made);
    };
  }, [url]);
  return src ? <img src={src} alt={alt} width={160} height={120} style={{ objectFit: "cover" }} /> : <span className="muted">{alt}</span>;
}

function Photos({ listing, onImages }: { listing: Listing; onImages: (images: ListingImage[]) => void }) {
  const { t } = useApp();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const images = [...listing.images].sort((a, b) => a.position - b.position);
  const editable = IMAGE_STATUSES.includes(listing.status);

  const run = async (work: () => Promise<void>) => {
    setError(null);
    setBusy(true);
    try {
      await work();
    } catch (e) {
      setError(e instanceof ApiError ? e.problem?.detail || e.message : t("common.error"));
    } finally {
      setBusy(false);
    }
  };

  const upload = (file: File | undefined) => {
    if (!file) return;
    if (!IMAGE_TYPES.includes(file.type)) return setError(t("listing.imageType"));
    if (file.size > IMAGE_MAX_BYTES) return setError(t("listing.imageSize"));
    void run(async () => {
      const img = await uploadImage(listing.id, file);
      onImages([...images, img]);
    });
  };

  const move = (index: number, by: -1 | 1) =>
    run(async () => {
      const ids = moved(
        images.map((i) => i.id),
        index,
        by,
      );
      const r = await reorderImages(listing.id, ids);
      onImages(r.items);
    });

  const remove = (img: ListingImage) =>
    run(async () => {
      await api<null>(vehiclePath(listing.id, `/images/${encodeURIComponent(img.id)}`), { method: "DELETE" });
      onImages(images.filter((i) => i.id !== img.id).map((i, n) => ({ ...i, position: n, is_cover: n === 0 })));
    });

  return (
    <section className="card" aria-labelledby="listing-photos">
      <h2 id="listing-photos">{t("listing.photos")}</h2>
      <p className="muted">{t("listing.photosHint")}</p>
      {images.length === 0 && <p data-testid="listing-no-photos">{t("listing.noPhotos")}</p>}
      <ol data-testid="listing-photos" style={{ paddingLeft: "1.2em" }}>
        {images.map((img, n) => (
          <li key={img.id} data-image-id={img.id}>
            <div className="row">
              <ListingPhoto url={img.url} alt={t("listing.photoAlt", { n: n + 1 })} />
              {n === 0 && <StatusBadge k="listing.cover" tone="ok" />}
              {editable && (
                <>
                  <button type="button" className="secondary" onClick={() => void move(n, -1)} disabled={busy || n === 0} aria-label={t("listing.moveUpN", { n: n + 1 })}>
                    {t("listing.moveUp")}
                  </button>
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => void move(n, 1)}
                    disabled={busy || n === images.length - 1}
                    aria-label={t("listing.moveDownN", { n: n + 1 })}
                  >
                    {t("listing.moveDown")}
                  </button>
                  <button type="button" className="secondary" onClick={() => void remove(img)} disabled={busy} aria-label={t("listing.deleteN", { n: n + 1 })}>
                    {t("listing.delete")}
                  </button>
                </>
              )}
            </div>
          </li>
        ))}
      </ol>
      {editable && (
        <div className="field">
          <label htmlFor="listing-upload">{t("listing.upload")}</label>
          <input
            id="listing-upload"
            type="file"
            accept={IMAGE_TYPES.join(",")}
            disabled={busy}
            onChange={(e) => {
              upload(e.target.files?.[0]);
              e.target.value = "";
            }}
          />
        </div>
      )}
      {busy && <p className="muted" role="status">{t("common.loading")}</p>}
      {error && <ErrorBox message={error} />}
    </section>
  );
}

export function ListingEditor({ initial }: { initial: Listing | null }) {
  const { t } = useApp();
  const router = useRouter();
  const [listing, setListing] = useState<Listing | null>(initial);
  const [form, setForm] = useState<ListingForm>(initial ? formOf(initial) : emptyForm());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [submitError, setSubmitError] = useState<string | null>(null);

  const set = <K extends keyof ListingForm>(k: K) => (v: ListingForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  const editable = !listing || EDIT_STATUSES.includes(listing.status);

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    const b = listingBody(form);
    if (b.errors) {
      const out: Record<string, string> = {};
      for (const [k, key] of Object.entries(b.errors)) out[k] = t(key);
      setErrors(out);
      return;
    }
    setErrors({});
    let patch: Record<string, unknown> | null = null;
    if (listing) {
      const before = listingBody(formOf(listing)).body ?? {};
      patch = changedFields(before, b.body);
      if (Object.keys(patch).length === 0) {
        setDone(t("listing.noChanges"));
        return;
      }
    }
    setBusy(true);
    try {
      const v = listing
        ? await api<Listing>(vehiclePath(listing.id), { method: "PATCH", body: patch })
        : await api<Listing>("/api/v1/vehicles", { method: "POST", body: b.body });
      setListing(v);
      setForm(formOf(v));
      setDone(t(listing ? "listing.saved" : "listing.created"));
      if (!listing) router.replace(`/dealer/listings/${v.id}`);
    } catch (err) {
      if (err instanceof ApiError) {
        const fe: Record<string, string> = {};
        for (const [k, m] of Object.entries(err.fieldErrors())) fe[formFieldOf(k)] ??= m;
        setErrors(fe);
        // A status conflict (identity fields of a public listing, say) names no form field.
        if (!Object.keys(fe).some((k) => FORM_FIELDS.has(k))) setError(err.problem?.detail || err.message);
      } else setError(t("common.error"));
    } finally {
      setBusy(false);
    }
  };

  const submit = async () => {
    if (!listing) return;
    setSubmitError(null);
    setDone(null);
    setBusy(true);
    try {
      const v = await api<Listing>(vehiclePath(listing.id, "/submit"), { method: "POST" });
      setListing(v);
      setDone(t("listing.submitted"));
    } catch (err) {
      if (err instanceof ApiError) {
        const fe = err.fieldErrors();
        setSubmitError(fe.images ? t("listing.needsPhoto") : err.problem?.detail || err.message);
      } else setSubmitError(t("common.error"));
    } finally {
      setBusy(false);
    }
  };

  const electric = form.fuel === "electric";
  const opts = (values: readonly string[], prefix: string) => values.map((v) => ({ value: v, label: t(`${prefix}${v}` as never) }));

  return (
    <>
      <h1>{listing ? t("listing.editTitle") : t("listing.newTitle")}</h1>
      {listing && (
        <p>
          {t("common.status")}: <StatusBadge k={`vstatus.${listing.status}` as never} />
          {listing.rejection_reason ? (
            <small className="error" data-testid="listing-rejection">
              {" "}
              {t("listing.rejectedBecause", { reason: listing.rejection_reason })}
            </small>
          ) : null}
        </p>
      )}
      {done && (
        <p className="ok-box" role="status">
          {done}
        </p>
      )}
      <form className="card" onSubmit={save} noValidate>
        <fieldset disabled={!editable || busy} style={{ border: 0, padding: 0, margin: 0 }}>
          <Select id="category" label={t("listing.category")} value={form.category} onChange={set("category")} options={opts(CATEGORIES, "listing.category.")} error={errors.category} />
          <Field id="make" label={t("listing.make")} value={form.make} onChange={set("make")} error={errors.make} required />
          <Field id="model" label={t("listing.model")} value={form.model} onChange={set("model")} error={errors.model} required />
          <Field id="year" label={t("listing.year")} value={form.year} onChange={set("year")} error={errors.year} inputMode="numeric" required />
          <Select id="condition" label={t("listing.condition")} value={form.condition} onChange={set("condition")} options={opts(CONDITIONS, "market.condition.")} error={errors.condition} />
          <Select id="fuel" label={t("listing.fuel")} value={form.fuel} onChange={set("fuel")} options={opts(FUELS, "market.fuel.")} error={errors.fuel} />
          {electric ? (
            <Field id="battery_kwh" label={t("listing.batteryKwh")} value={form.battery_kwh} onChange={set("battery_kwh")} error={errors.battery_kwh} inputMode="decimal" />
          ) : (
            <Field id="engine_cc" label={t("listing.engineCc")} value={form.engine_cc} onChange={set("engine_cc")} error={errors.engine_cc} inputMode="numeric" />
          )}
          <Field id="mileage_km" label={t("listing.mileage")} value={form.mileage_km} onChange={set("mileage_km")} error={errors.mileage_km} inputMode="numeric" />
          <Field id="colour" label={t("listing.colour")} value={form.colour} onChange={set("colour")} error={errors.colour} />
          <Field id="vin" label={t("listing.vin")} value={form.vin} onChange={set("vin")} error={errors.vin} hint={t("listing.vinHint")} required />
          <Field id="registration" label={t("listing.registration")} value={form.registration} onChange={set("registration")} error={errors.registration} />
          <Select
            id="currency"
            label={t("listing.currency")}
            value={form.currency}
            onChange={set("currency")}
            options={LISTING_CURRENCIES.map((c) => ({ value: c, label: c }))}
          />
          <Field id="price" label={t("listing.price", { currency: form.currency })} value={form.price} onChange={set("price")} error={errors.price} inputMode="decimal" required />
          <Field id="city" label={t("listing.city")} value={form.city} onChange={set("city")} error={errors.city} required />
          <Field id="branch" label={t("listing.branch")} value={form.branch} onChange={set("branch")} error={errors.branch} />
          <TextArea id="description" label={t("listing.description")} value={form.description} onChange={set("description")} error={errors.description} maxLength={4000} />
          <div className="field">
            <label>
              <input type="checkbox" checked={form.tracker_ready} onChange={(e) => set("tracker_ready")(e.target.checked)} /> {t("listing.tracker")}
            </label>
            {errors.tracker_ready && <small className="error">{errors.tracker_ready}</small>}
          </div>
          <button type="submit">{listing ? t("listing.save") : t("listing.create")}</button>
        </fieldset>
        {error && <ErrorBox message={error} />}
      </form>
      {listing && <Photos listing={listing} onImages={(images) => setListing((l) => (l ? { ...l, images } : l))} />}
      {listing?.status === "draft" && (
        <section className="card">
          <p className="muted">{t("listing.submitHint")}</p>
          <button type="button" onClick={() => void submit()} disabled={busy}>
            {t("listing.submit")}
          </button>
          {submitError && <ErrorBox message={submitError} />}
        </section>
      )}
    </>
  );
}
