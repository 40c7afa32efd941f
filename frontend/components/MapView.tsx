"use client";
// A Leaflet map (loaded on demand, so only map pages download it): coloured markers, a track
// and a metric scale, all drawn as vectors, so they show even when the tiles cannot load.
import "leaflet/dist/leaflet.css";
import { useEffect, useRef, useState } from "react";
import type * as Leaflet from "leaflet";
import { useApp } from "./Providers";

export interface MapMarker {
  id: string;
  lat: number;
  lon: number;
  colour: string;
  label: string;
  selected?: boolean;
}

type L = typeof Leaflet;

// Kampala, until there is something to show.
const START: [number, number] = [0.3476, 32.5825];

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function MapView(props: {
  /** The map's accessible name. */
  label: string;
  markers: MapMarker[];
  /** [lat, lon] points, in order. */
  track?: [number, number][];
  /** The view is fitted to the markers and track when this changes (not on every live update). */
  fitKey?: string;
  onSelect?: (id: string) => void;
  testId?: string;
}) {
  const { t, tiles } = useApp();
  const el = useRef<HTMLDivElement>(null);
  const lib = useRef<L | null>(null);
  const map = useRef<Leaflet.Map | null>(null);
  const group = useRef<Leaflet.LayerGroup | null>(null);
  const fitted = useRef<string | null>(null);
  const onSelect = useRef(props.onSelect);
  onSelect.current = props.onSelect;
  const [ready, setReady] = useState(false);
  const [tilesFailed, setTilesFailed] = useState(false);
  const zoomIn = t("map.zoomIn");
  const zoomOut = t("map.zoomOut");

  useEffect(() => {
    let cancelled = false;
    void import("leaflet").then((mod) => {
      if (cancelled || !el.current || map.current) return;
      const Lf = ((mod as unknown as { default?: L }).default ?? mod) as L;
      lib.current = Lf;
      const m = Lf.map(el.current, { zoomControl: false, center: START, zoom: 12, worldCopyJump: true });
      Lf.control.zoom({ zoomInTitle: zoomIn, zoomOutTitle: zoomOut }).addTo(m);
      Lf.control.scale({ imperial: false, maxWidth: 120, position: "topright" }).addTo(m);
      if (tiles.url) {
        const layer = Lf.tileLayer(tiles.url, { maxZoom: 19, attribution: escapeHtml(tiles.attribution) });
        layer.on("tileerror", () => setTilesFailed(true));
        layer.addTo(m);
      }
      group.current = Lf.layerGroup().addTo(m);
      map.current = m;
      setReady(true);
    });
    return () => {
      cancelled = true;
      map.current?.remove();
      map.current = null;
      group.current = null;
      fitted.current = null;
      setReady(false);
    };
  }, [tiles.url, tiles.attribution, zoomIn, zoomOut]);

  const { markers, track, fitKey } = props;
  useEffect(() => {
    const Lf = lib.current;
    const m = map.current;
    const g = group.current;
    if (!ready || !Lf || !m || !g) return;
    g.clearLayers();
    const points: [number, number][] = [];
    if (track && track.length > 0) {
      if (track.length > 1) Lf.polyline(track, { color: "#1d5fbf", weight: 4, opacity: 0.85, interactive: false }).addTo(g);
      Lf.circleMarker(track[0], { radius: 4, color: "#1d5fbf", weight: 2, fillColor: "#fff", fillOpacity: 1, interactive: false }).addTo(g);
      points.push(...track);
    }
    for (const mk of markers) {
      const c = Lf.circleMarker([mk.lat, mk.lon], {
        radius: mk.selected ? 11 : 8, color: mk.selected ? "#1b1f1d" : "#fff", weight: mk.selected ? 3 : 2, fillColor: mk.colour, fillOpacity: 1,
        className: `marker-${mk.id}`,
      });
      c.bindTooltip(mk.label);
      c.on("click", () => onSelect.current?.(mk.id));
      c.addTo(g);
      points.push([mk.lat, mk.lon]);
    }
    const key = fitKey ?? "";
    if (points.length > 0 && fitted.current !== key) {
      fitted.current = key;
      // Not animated: a zoom animation started before the first paint can be left half-done.
      m.invalidateSize({ animate: false });
      if (points.length === 1) m.setView(points[0], 15, { animate: false });
      else m.fitBounds(Lf.latLngBounds(points), { padding: [24, 24], maxZoom: 16, animate: false });
    }
  }, [ready, markers, track, fitKey]);

  return (
    <div className="map-wrap">
      <div ref={el} className="map" role="region" aria-label={props.label} data-testid={props.testId} data-ready={ready ? "true" : undefined} />
      {(tilesFailed || !tiles.url) && <p className="muted small">{t("map.noTiles")}</p>}
    </div>
  );
}

/** The colour legend beside a map. */
export function MapLegend({ items }: { items: { colour: string; label: string }[] }) {
  return (
    <ul className="legend">
      {items.map((i) => (
        <li key={i.label}>
          <span className="dot" style={{ background: i.colour }} aria-hidden="true" />
          {i.label}
        </li>
      ))}
    </ul>
  );
}
