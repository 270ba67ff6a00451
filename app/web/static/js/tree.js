/* The sidebar: the layer tree (监管对象图 / 安全风险图) with the enterprise filters nested under 企业, and the legend.
   Filters are one state: the tree's sub-filters are the inspectors' filters, the tiles, list and exports follow. */
import { state, emit, emptyFilters } from "./state.js";
import { t, label, vocabLabel, tierLabel, tiers, tierColor, html } from "./i18n.js";
import { allEntries, entryTitle, layerSpec, setEntry } from "./overlays.js";
import { startDrawing } from "./area.js";

const openChecklists = new Set();

function checklist(name, title, options) {
  const chosen = state.filters[name];
  const summary = chosen.length ? t("selected", { n: chosen.length }) : t("any");
  const boxes = options.map(({ value, text }) => html`<label><input type="checkbox" name="${name}" value="${value}"
    ${chosen.includes(value) ? "checked" : ""}> ${text}</label>`);
  return html`<details class="checklist" data-name="${name}" ${openChecklists.has(name) ? "open" : ""}>
    <summary>${title} <span class="summary">${summary}</span></summary><div class="options">${boxes}</div></details>`;
}

function vocabularyOptions(vocabulary) {
  return Object.keys(state.config.vocabularies[vocabulary]).map((code) => ({ value: code, text: vocabLabel(vocabulary, code) }));
}

function filtersHtml() {
  const spec = layerSpec("enterprises");
  const propertyLabel = (name) => label(spec.properties.find((p) => p.name === name).label);
  const tierBoxes = tiers().map((tier) => html`<label class="tier-chip"><input type="checkbox" name="tier" value="${tier.id}"
    ${state.filters.tier.includes(tier.id) ? "checked" : ""}><span class="swatch" style="background:${tier.color}"></span>${tierLabel(tier.id)}</label>`);
  const towns = [...state.towns.values()].map((town) => ({ value: town.code, text: state.lang === "en" ? town.name_en || town.name : town.name }));
  return html`<div id="filters" class="filters" aria-label="${t("filters")}">
    <div class="tier-filter" role="group" aria-label="${propertyLabel("tier")}">${tierBoxes}</div>
    ${checklist("industry", propertyLabel("industry"), vocabularyOptions("INDUSTRIES"))}
    ${checklist("hazard_tags", propertyLabel("hazard_tags"), vocabularyOptions("HAZARD_TAGS"))}
    ${checklist("town_code", t("town"), towns)}
    <div class="area-tools" role="group" aria-label="${t("area")}">
      <span>${t("area")}</span>
      <button type="button" data-draw="polygon">${t("draw_polygon")}</button>
      <button type="button" data-draw="rectangle">${t("draw_rectangle")}</button>
      <button type="button" data-draw="circle">${t("draw_circle")}</button>
      <button type="button" data-action="clear-area" ${state.filters.area ? "" : "disabled"}>${t("clear_area")}</button>
    </div>
    ${state.filters.area ? html`<p class="hint">${t("area_set")}</p>` : ""}
    <button type="button" data-action="clear-filters">${t("clear_filters")}</button>
  </div>`;
}

export function renderTree() {
  const groups = state.config.tree.map((group) => html`<fieldset class="group"><legend>${label(group.title)}</legend>
    ${group.entries.map((entry) => html`<label class="entry"><input type="checkbox" data-entry="${entry.id}"
      ${state.entries.has(entry.id) ? "checked" : ""}> ${entryTitle(entry)}</label>${entry.id === "enterprises" ? filtersHtml() : ""}`)}
  </fieldset>`);
  document.getElementById("layer-tree").innerHTML = html`<h2>${t("layers")}</h2>${groups}`;
}

function readChecked(root, name) {
  return [...root.querySelectorAll(`input[name="${name}"]:checked`)].map((box) => box.value);
}

export function installTree() {
  const root = document.getElementById("layer-tree");
  root.addEventListener("change", (event) => {
    const box = event.target;
    if (box.dataset.entry) {
      setEntry(allEntries().find((entry) => entry.id === box.dataset.entry), box.checked);
    } else if (box.name in state.filters) {
      state.filters[box.name] = readChecked(root, box.name);
      emit("filters");
    }
  });
  root.addEventListener("toggle", (event) => {
    const name = event.target.dataset?.name;
    if (name) event.target.open ? openChecklists.add(name) : openChecklists.delete(name);
  }, true);
  root.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.dataset.draw) startDrawing(button.dataset.draw);
    if (button.dataset.action === "clear-area") state.filters.area = null;
    if (button.dataset.action === "clear-filters") state.filters = emptyFilters();
    if (button.dataset.action) emit("filters");
  });
}

export function renderLegend() {
  const tierRows = [...tiers().map((tier) => tier.id), null].map((tier) => html`<li><span class="swatch round"
    style="background:${tierColor(tier)}"></span>${tierLabel(tier)}</li>`);
  const neutral = allEntries()
    .filter((entry) => state.entries.has(entry.id) && entry.id !== "town_risk")
    .map((entry) => ({ entry, spec: layerSpec(entry.layer) }))
    .filter(({ spec }) => spec.style.kind !== "tier" && spec.style.color)
    .map(({ entry, spec }) => html`<li><span class="swatch round" style="background:${spec.style.color}"></span>${entryTitle(entry)}</li>`);
  const symbols = html`<li><span class="swatch cell"></span>${t("legend_cells")}</li>
    ${state.entries.has("major_hazards") ? html`<li><span class="swatch ring"></span>${t("major_hazards")}</li>` : ""}`;
  document.getElementById("legend").innerHTML = html`<h2>${t("legend")}</h2><ul>${tierRows}${neutral}${symbols}</ul>`;
}
