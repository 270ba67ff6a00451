/* The result list of the filtered enterprises: counts per tier, a table sorted on the server, and the exports of
   exactly that set (the server applies the same filters). */
import { state, filterParams } from "./state.js";
import { getJson, showError } from "./api.js";
import { t, label, vocabLabel, tierLabel, tierColor, tiers, townName, formatNumber, html } from "./i18n.js";
import { layerSpec } from "./overlays.js";

const ROWS = 200;
const COLUMNS = ["name", "town_code", "industry", "tier", "assessment_score", "employees"];
const SORT_KEY = { town_code: "town" }; // table column → the API's sort key, where they differ
let sortby = "tier";
let latest = null;
let failed = false;
let generation = 0;

export async function loadResults() {
  const ticket = ++generation;
  const root = document.getElementById("results");
  const params = filterParams();
  params.set("sortby", sortby);
  params.set("limit", ROWS);
  root.setAttribute("aria-busy", "true");
  try {
    const data = await getJson(`/api/enterprises?${params}`);
    if (ticket !== generation) return;
    [latest, failed] = [data, false];
  } catch (error) {
    if (ticket !== generation) return;
    [latest, failed] = [null, true];
    showError(error);
  }
  renderResults();
  root.setAttribute("aria-busy", "false");
}

function sortHeader(column) {
  const spec = layerSpec("enterprises");
  const key = SORT_KEY[column] || column;
  const direction = sortby === key ? "ascending" : sortby === `-${key}` ? "descending" : "none";
  const title = label(spec.properties.find((p) => p.name === column).label);
  return html`<th aria-sort="${direction}"><button type="button" data-sort="${key}">${title}</button></th>`;
}

function row(item) {
  return html`<tr data-id="${item.id}" tabindex="0">
    <td>${item.name}</td><td>${townName(item.town_code)}</td><td>${item.industry ? vocabLabel("INDUSTRIES", item.industry) : ""}</td>
    <td class="tier" title="${tierLabel(item.tier)}"><span class="swatch round" style="background:${tierColor(item.tier)}"></span><span
      class="visually-hidden">${tierLabel(item.tier)}</span></td>
    <td class="number">${formatNumber(item.assessment_score, 1)}</td><td class="number">${formatNumber(item.employees)}</td></tr>`;
}

export function exportLinks() {
  const params = filterParams();
  params.set("lang", state.lang);
  const files = ["csv", "xlsx", "geojson"].map((format) => html`<a class="button" download
    href="/api/exports/enterprises.${format}?${params}" data-export="${format}">${format.toUpperCase()}</a>`);
  const bounds = state.map.getBounds();
  params.set("bbox", [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()].map((v) => v.toFixed(5)).join(","));
  params.set("layers", [...state.entries].join(","));
  const maps = ["html", "png", "pdf"].map((format) => html`<a class="button" download
    href="/api/exports/situation-map.${format}?${params}" data-export="map-${format}">${format.toUpperCase()}</a>`);
  return html`<div class="exports"><span>${t("export")}</span>${files}</div>
    <div class="exports"><span>${t("export_map")}</span>${maps}</div>`;
}

export function renderExports() {
  const box = document.getElementById("export-links");
  if (box) box.innerHTML = exportLinks();
}

export function renderResults() {
  const root = document.getElementById("results");
  if (!latest) {
    root.innerHTML = html`<h2>${t("results")}</h2><p class="${failed ? "empty" : "hint"}">${t(failed ? "error" : "loading")}</p>`;
    return;
  }
  const counts = [...tiers().map((tier) => tier.id), "none"]
    .filter((id) => latest.tiers[id])
    .map((id) => html`<li><span class="swatch round" style="background:${tierColor(id)}"></span>${tierLabel(id)}
      <b data-tier-count="${id}">${formatNumber(latest.tiers[id])}</b></li>`);
  const body = latest.total === 0
    ? html`<p class="empty">${t("empty")}</p>`
    : html`<table class="result-table"><colgroup>${COLUMNS.map((column) => html`<col class="${column}">`)}</colgroup>
        <thead><tr>${COLUMNS.map(sortHeader)}</tr></thead>
        <tbody>${latest.rows.map(row)}</tbody></table>
        ${latest.total > latest.rows.length ? html`<p class="hint">${t("first_rows", { n: latest.rows.length, total: formatNumber(latest.total) })}</p>` : ""}`;
  root.innerHTML = html`<h2>${t("results")} <span class="total">${t("total")} <b id="result-total">${formatNumber(latest.total)}</b></span></h2>
    <ul class="tier-counts">${counts}</ul><div id="export-links">${exportLinks()}</div>${body}`;
}

export function installResults(openDossier) {
  const root = document.getElementById("results");
  root.addEventListener("click", (event) => {
    const sort = event.target.closest("button[data-sort]");
    if (sort) {
      const key = sort.dataset.sort;
      sortby = sortby === key ? `-${key}` : key;
      loadResults();
      return;
    }
    const tableRow = event.target.closest("tr[data-id]");
    if (tableRow) openDossier(Number(tableRow.dataset.id), true);
  });
  root.addEventListener("keydown", (event) => {
    const tableRow = event.target.closest("tr[data-id]");
    if (tableRow && event.key === "Enter") openDossier(Number(tableRow.dataset.id), true);
  });
}
