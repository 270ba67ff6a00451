/* The search box: enterprises by name or credit code, towns by name; picking one zooms there. */
import { state } from "./state.js";
import { getJson, showError } from "./api.js";
import { t, tierColor, townName, html } from "./i18n.js";

const DEBOUNCE_MS = 250;
let timer = null;
let found = { towns: [], enterprises: [] };

function render() {
  const list = document.getElementById("search-results");
  const towns = found.towns.map((town, i) => html`<li><button type="button" data-kind="town" data-index="${i}">
    <span class="kind">${t("town")}</span>${state.lang === "en" ? town.name_en || town.name : town.name}</button></li>`);
  const firms = found.enterprises.map((firm, i) => html`<li><button type="button" data-kind="enterprise" data-index="${i}">
    <span class="swatch round" style="background:${tierColor(firm.tier)}"></span>${firm.name}
    <small>${firm.credit_code} · ${townName(firm.town_code)}</small></button></li>`);
  const empty = !towns.length && !firms.length ? html`<li class="hint">${t("search_none")}</li>` : "";
  list.innerHTML = html`${towns}${firms}${empty}`;
  list.hidden = false;
}

async function run(text) {
  try {
    found = await getJson(`/api/search?${new URLSearchParams({ q: text })}`);
    if (document.getElementById("search-input").value.trim() === text) render();
  } catch (error) {
    showError(error);
  }
}

function pick(kind, index, openDossier) {
  document.getElementById("search-results").hidden = true;
  if (kind === "town") {
    const [w, s, e, n] = found.towns[index].bbox;
    state.map.fitBounds([[s, w], [n, e]]);
  } else {
    openDossier(found.enterprises[index].id, true);
  }
}

export function installSearch(openDossier) {
  const input = document.getElementById("search-input");
  const list = document.getElementById("search-results");
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const text = input.value.trim();
    if (!text) {
      list.hidden = true;
      return;
    }
    timer = setTimeout(() => run(text), DEBOUNCE_MS);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") list.hidden = true;
    if (event.key === "Enter") list.querySelector("button")?.click();
  });
  list.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-kind]");
    if (button) pick(button.dataset.kind, Number(button.dataset.index), openDossier);
  });
  document.addEventListener("click", (event) => {
    if (!event.target.closest("#search")) list.hidden = true;
  });
}

export function renderSearch() {
  document.getElementById("search-input").placeholder = t("search_placeholder");
  if (!document.getElementById("search-results").hidden) render();
}
