/* TwoMaps first map page: layers, legend and colours all come from /config.json. */
"use strict";

const state = { lang: "zh", config: null, map: null, overlays: {} };

function t(key) { return state.config.strings[state.lang][key] || key; }
function label(obj) { return obj[state.lang] || obj.zh; }
function tierColor(tier) {
  const found = state.config.palette.tiers.find((x) => x.id === tier);
  return found ? found.color : "#9aa5b1";
}
function escapeHtml(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function styleFor(layer) {
  const s = layer.style;
  return (feature) => {
    const p = feature.properties;
    const color = s.kind === "tier" ? tierColor(p.tier) : (s.color || "#4a5568");
    if (s.kind === "outline") return { color, weight: 1.5, fill: false };
    if (s.kind === "population") return { color: "#718096", weight: 0, fillOpacity: Math.min(0.7, (p.population || 0) / 20000) };
    return { color, weight: layer.geometry_type === "MultiPolygon" ? 1.5 : 2, fillColor: color, fillOpacity: 0.35 };
  };
}

function popupFor(layer, feature) {
  const rows = layer.properties
    .filter((p) => p.type !== "json" && feature.properties[p.name] !== null && feature.properties[p.name] !== undefined)
    .map((p) => `<tr><th>${escapeHtml(label(p.label))}</th><td>${escapeHtml(feature.properties[p.name])}</td></tr>`);
  return `<strong>${escapeHtml(feature.properties[layer.title_property])}</strong><table>${rows.join("")}</table>`;
}

async function loadLayer(layer) {
  const response = await fetch(`${layer.items}?limit=10000`);
  if (!response.ok) throw new Error(`${layer.id}: ${response.status}`);
  const data = await response.json();
  const style = styleFor(layer);
  return L.geoJSON(data, {
    style,
    pointToLayer: (f, latlng) => L.circleMarker(latlng, { ...style(f), radius: layer.style.radius, fillOpacity: 0.8 }),
    onEachFeature: (f, l) => l.bindPopup(() => popupFor(layer, f)),
  });
}

function renderLegend() {
  const items = state.config.palette.tiers
    .map((tier) => `<div><span class="swatch" style="background:${tier.color}"></span>${escapeHtml(state.lang === "en" ? tier.label_en : tier.label_zh)}</div>`);
  document.getElementById("legend").innerHTML = `<h2>${escapeHtml(t("legend"))}</h2>${items.join("")}`;
}

function renderTree() {
  const tree = document.getElementById("layer-tree");
  tree.innerHTML = `<h2>${escapeHtml(t("layers"))}</h2>`;
  for (const group of state.config.groups) {
    const heading = document.createElement("h2");
    heading.textContent = label(group.title);
    tree.appendChild(heading);
    for (const layer of state.config.layers.filter((l) => l.group === group.id)) {
      const row = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.dataset.layer = layer.id;
      box.checked = state.map.hasLayer(state.overlays[layer.id] || L.layerGroup());
      box.addEventListener("change", () => toggle(layer, box.checked));
      row.append(box, " ", label(layer.title));
      tree.appendChild(row);
    }
  }
}

async function toggle(layer, on) {
  const status = document.getElementById("status");
  if (!on) { if (state.overlays[layer.id]) state.map.removeLayer(state.overlays[layer.id]); return; }
  try {
    state.overlays[layer.id] = state.overlays[layer.id] || await loadLayer(layer);
    state.overlays[layer.id].addTo(state.map);
    status.textContent = "";
  } catch (error) {
    status.textContent = `${t("error")}: ${error.message}`;
  }
}

function renderChrome() {
  document.documentElement.lang = state.lang === "en" ? "en" : "zh-CN";
  document.getElementById("app-title").textContent = t("title");
  document.getElementById("lang-switch").textContent = t("language");
  const banner = document.getElementById("demo-banner");
  banner.hidden = !state.config.demo;
  banner.textContent = t("demo_banner");
  renderTree();
  renderLegend();
}

async function main() {
  state.config = await (await fetch("/config.json")).json();
  state.map = L.map("map", { preferCanvas: true }).setView(state.config.center, state.config.zoom);
  L.control.scale({ imperial: false }).addTo(state.map);
  if (state.config.basemap.url) {
    L.tileLayer(state.config.basemap.url, { attribution: state.config.basemap.attribution }).addTo(state.map);
  }
  document.getElementById("lang-switch").addEventListener("click", () => {
    state.lang = state.lang === "zh" ? "en" : "zh";
    renderChrome();
  });
  for (const layer of state.config.layers.filter((l) => l.visible && l.id !== "enterprises")) await toggle(layer, true);
  renderChrome();
}

main().catch((error) => { document.getElementById("status").textContent = String(error); });
