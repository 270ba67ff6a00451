/* TwoMaps: the map application. Everything it draws and says comes from /config.json and our API, in zh-CN or
   English; the view, layers, filters and open enterprise file live in the URL hash, so links can be shared. */
import { state, on, readHash, writeHash } from "./js/state.js";
import { getJson, showError, clearError } from "./js/api.js";
import { t } from "./js/i18n.js";
import { createMap, loadBasemap, renderMapLabels } from "./js/basemap.js";
import { allEntries, setEntry, refreshEnterpriseLayers, clickEnterprises, whenEnterprisesLoaded } from "./js/overlays.js";
import { renderTree, installTree, renderLegend } from "./js/tree.js";
import { installDrawing, showArea } from "./js/area.js";
import { loadResults, renderResults, renderExports, installResults } from "./js/results.js";
import { openDossier, renderDossier, installDossier } from "./js/dossier.js";
import { loadDashboard, renderDashboard, installDashboard } from "./js/dashboard.js";
import { installSearch, renderSearch } from "./js/search.js";

function renderChrome() {
  document.documentElement.lang = state.lang === "en" ? "en" : "zh-CN";
  document.title = t("title");
  document.getElementById("app-title").textContent = t("title");
  document.getElementById("lang-switch").textContent = t("language");
  const banner = document.getElementById("demo-banner");
  banner.hidden = !state.config.demo;
  banner.textContent = t("demo_banner");
}

/* Every label on the page, in the current language. */
function renderAll() {
  renderChrome();
  renderTree();
  renderLegend();
  renderMapLabels();
  renderSearch();
  renderDashboard();
  renderResults();
  renderDossier();
}

function defaultEntries() {
  const visible = new Set(state.config.layers.filter((layer) => layer.visible).map((layer) => layer.id));
  return allEntries().filter((entry) => visible.has(entry.id)).map((entry) => entry.id);
}

async function main() {
  state.config = await getJson("/config.json");
  const restored = readHash();
  state.lang = restored.lang || state.config.app.default_language;
  state.filters = restored.filters;
  state.map = createMap(restored.view);
  const wanted = new Set(restored.entries || defaultEntries());
  for (const entry of allEntries()) if (wanted.has(entry.id)) state.entries.add(entry.id);
  renderAll();
  const basemap = loadBasemap().then(renderAll); // town names and labels arrive with it
  const layers = Promise.all(allEntries().filter((entry) => wanted.has(entry.id)).map((entry) => setEntry(entry, true)));
  showArea();
  if (restored.enterprise) openDossier(restored.enterprise);

  installTree();
  installDrawing(state.map);
  installResults(openDossier);
  installDossier();
  installDashboard();
  installSearch(openDossier);
  state.map.on("click", clickEnterprises);
  state.map.on("moveend", () => { writeHash(); renderExports(); });
  state.map.getContainer().addEventListener("click", (event) => {
    const button = event.target.closest(".open-dossier");
    if (button) openDossier(Number(button.dataset.id));
  });
  document.querySelector("#message button").addEventListener("click", clearError);
  document.getElementById("lang-switch").addEventListener("click", () => {
    state.lang = state.lang === "zh" ? "en" : "zh";
    state.map.closePopup();
    renderAll();
    writeHash();
  });
  on("entries", () => { renderLegend(); renderExports(); writeHash(); });
  on("filters", () => {
    refreshEnterpriseLayers();
    showArea();
    renderTree();
    renderDashboard();
    loadResults();
    writeHash();
  });
  writeHash();

  await Promise.all([basemap, layers]);
  await whenEnterprisesLoaded();
  performance.mark("map-ready"); // first render: basemap, layers and the first enterprise tiles are drawn
  document.body.dataset.ready = "true";
  // The strip and the list wait for the map, so that its tiles get the server first.
  await Promise.all([loadDashboard(), loadResults()]);
  document.body.dataset.loaded = "true";
}

main().catch(showError);
