/* The dashboard strip (一屏观全域): city-wide counts by tier, major hazards, open and overdue hidden dangers, and a
   hand-written SVG bar chart of enterprises per town, stacked by tier; clicking a bar zooms to the town and filters. */
import { state, emit } from "./state.js";
import { getJson, showError } from "./api.js";
import { t, tierLabel, tiers, townName, formatNumber, html } from "./i18n.js";

const BAR_WIDTH = 26;
const BAR_GAP = 6;
const CHART_HEIGHT = 72;
const LABEL_SPACE = 52;
const LEFT_MARGIN = 50; // room for the first rotated label
const LABEL_CHARS = 12; // longer names are cut here; the bar's tooltip has them whole

function shortName(name) { return name.length > LABEL_CHARS ? `${name.slice(0, LABEL_CHARS - 1)}…` : name; }
let overview = null;

export async function loadDashboard() {
  try {
    overview = await getJson("/api/dashboard");
    renderDashboard();
  } catch (error) {
    showError(error);
  }
}

function card(name, value, extra = {}) {
  return html`<div class="card ${extra.className || ""}" style="${extra.color ? `border-color:${extra.color}` : ""}">
    <span>${name}</span><b data-card="${extra.key || name}">${formatNumber(value)}</b></div>`;
}

function chart(towns) {
  const largest = Math.max(1, ...towns.map((town) => town.total));
  const scale = CHART_HEIGHT / largest;
  const width = towns.length * (BAR_WIDTH + BAR_GAP);
  const bars = towns.map((town, i) => {
    const x = i * (BAR_WIDTH + BAR_GAP);
    let y = CHART_HEIGHT;
    const segments = tiers().map((tier) => {
      const height = (town.tiers[tier.id] || 0) * scale;
      y -= height;
      return html`<rect x="${x}" y="${y.toFixed(1)}" width="${BAR_WIDTH}" height="${height.toFixed(1)}" fill="${tier.color}"></rect>`;
    });
    const tooltip = [townName(town.code), `${t("enterprises_total")} ${formatNumber(town.total)}`,
      ...tiers().map((tier) => `${tierLabel(tier.id)} ${formatNumber(town.tiers[tier.id] || 0)}`),
      `${t("open_dangers")} ${formatNumber(town.open_dangers)} · ${t("overdue_dangers")} ${formatNumber(town.overdue_dangers)}`].join("\n");
    const selected = state.filters.town_code.includes(town.code) ? "selected" : "";
    const labelX = x + BAR_WIDTH / 2;
    return html`<g class="bar ${selected}" data-town="${town.code}" role="button" tabindex="0"><title>${tooltip}</title>
      <rect class="hit" x="${x - BAR_GAP / 2}" y="0" width="${BAR_WIDTH + BAR_GAP}" height="${CHART_HEIGHT + LABEL_SPACE}"></rect>
      ${segments}<text x="${labelX}" y="${CHART_HEIGHT + 10}" transform="rotate(-40 ${labelX} ${CHART_HEIGHT + 10})">${shortName(townName(town.code))}</text></g>`;
  });
  return html`<svg width="${width + LEFT_MARGIN}" height="${CHART_HEIGHT + LABEL_SPACE}" role="img" aria-label="${t("by_town")}">
    <g transform="translate(${LEFT_MARGIN} 0)">${bars}</g></svg>`;
}

export function renderDashboard() {
  const root = document.getElementById("dashboard");
  if (!overview) return;
  const tierCards = tiers().map((tier) => card(tierLabel(tier.id), overview.tiers[tier.id] || 0, { color: tier.color, key: tier.id }));
  root.innerHTML = html`<h2 class="visually-hidden">${t("dashboard")}</h2><div class="cards">
      ${card(t("enterprises_total"), overview.total, { key: "total" })}${tierCards}
      ${card(t("major_hazards"), overview.major_hazards, { key: "major_hazards" })}
      ${card(t("open_dangers"), overview.open_dangers, { key: "open_dangers" })}
      ${card(t("overdue_dangers"), overview.overdue_dangers, { key: "overdue_dangers", className: "alert" })}
    </div>
    <figure class="town-chart"><figcaption>${t("by_town")} · ${t("town_hint")}</figcaption><div class="chart-scroll">${chart(overview.towns)}</div></figure>`;
}

function chooseTown(code) {
  const town = overview.towns.find((x) => x.code === code);
  const [w, s, e, n] = town.bbox;
  state.map.fitBounds([[s, w], [n, e]]);
  state.filters.town_code = [code];
  emit("filters");
}

export function installDashboard() {
  const root = document.getElementById("dashboard");
  root.addEventListener("click", (event) => {
    const bar = event.target.closest("g.bar");
    if (bar) chooseTown(bar.dataset.town);
  });
  root.addEventListener("keydown", (event) => {
    const bar = event.target.closest("g.bar");
    if (bar && (event.key === "Enter" || event.key === " ")) chooseTown(bar.dataset.town);
  });
}
