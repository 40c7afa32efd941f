"use client";
import { use } from "react";
import { ListingEditor } from "../../../../components/ListingEditor";
import { ErrorBox, Loading, RequireSession } from "../../../../components/ui";
import { api } from "../../../../lib/api";
import { vehiclePath, type Listing } from "../../../../lib/listings";
import { useLoad } from "../../../../lib/useLoad";

function Edit({ id }: { id: string }) {
  const v = useLoad(() => api<Listing>(vehiclePath(id)), [id]);
  if (v.loading && !v.data) return <Loading />;
  if (v.error || !v.data) return <ErrorBox message={v.error?.message ?? ""} onRetry={v.reload} />;
  return <ListingEditor key={v.data.id} initial={v.data} />;
}

export default function EditListingPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = use(params);
  return (
    <RequireSession roles={["dealer", "admin"]}>
      <Edit id={id} />
    </RequireSession>
  );
}
