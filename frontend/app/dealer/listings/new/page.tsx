"use client";
import { ListingEditor } from "../../../../components/ListingEditor";
import { RequireSession } from "../../../../components/ui";

export default function NewListingPage() {
  return (
    <RequireSession roles={["dealer", "admin"]}>
      <ListingEditor initial={null} />
    </RequireSession>
  );
}
