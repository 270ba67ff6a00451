/* 三防指挥 storm page: the rainfall surface and rainstorm warning areas of one event, replayed hour by hour, with
   what just turned orange or red, the towns' levels and the 临灾叫应 status. Colours come from /config.json; the
   page polls /api/storm/status and follows new observations as they arrive. */
"use strict";

const STRINGS = {
  zh: {
    title: "三防指挥 · 暴雨监测预警", event: "过程", home: "返回“两张图”", language: "English", play: "播放",
    pause: "暂停", live: "跟随最新", window: "累计时段", turned: "最近一小时升级为橙色/红色", towns: "镇街预警",
    callout: "临灾叫应", export_csv: "导出 CSV", export_xlsx: "导出 Excel", none_turned: "无",
    max_rain: "最大累计 {mm} mm", rain_legend: "累计雨量（0 → ≥{mm} mm）", no_data: "暂无降雨观测数据",
    summary: "应叫应 {total}，已确认 {acknowledged}，未确认 {pending}", confirm: "确认", who: "确认人姓名：",
    pending_more: "另有 {n} 条未确认", town: "镇街", level: "预警", max3: "3小时最大", hour_ending: "{time}（该小时末）",
    flood_spot: "内涝黑点", geohazard: "地质灾害隐患点", enterprise: "企业", town_kind: "镇街",
    login_needed: "请先登录后再记录确认", updated: "收到新观测数据",
  },
  en: {
    title: "Storm operations · rainstorm monitoring", event: "Event", home: "Back to TwoMaps", language: "中文",
    play: "Play", pause: "Pause", live: "Follow latest", window: "Window", turned: "Turned orange or red in the last hour",
    towns: "Towns", callout: "Warning call-out", export_csv: "Export CSV", export_xlsx: "Export Excel", none_turned: "None",
    max_rain: "Max total {mm} mm", rain_legend: "Rain total (0 → ≥{mm} mm)", no_data: "No rain observations yet",
    summary: "{total} to call, {acknowledged} confirmed, {pending} not confirmed", confirm: "Confirm",
    who: "Name of the person who confirmed:", pending_more: "{n} more not confirmed", town: "Town", level: "Warning",
    max3: "Max 3 h", hour_ending: "{time} (end of hour)", flood_spot: "Flood black-spot", geohazard: "Geohazard point",
    enterprise: "Enterprise", town_kind: "Town", login_needed: "Log in to record a confirmation",
    updated: "New observations received",
  },
};
const POLL_MS = 15000;
const PLAY_MS = 1200;
const RAIN_FULL_MM = 100; // the rain layer is opaque from here up
const PENDING_SHOWN = 30;
const HOUR_MS = 3600 * 1000;

const view = {
  lang: "zh", config: null, events: [], event: null, hours: [], index: 0, version: null,
  map: null, rain: null, warnings: null, gauges: null, timer: null, request: 0,
};

function t(key, values = {}) {
  const text = STRINGS[view.lang][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");
}

function escapeHtml(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function getJson(url, options) {
  const response = await fetch(url, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(body.detail || response.statusText), { status: response.status });
  return body;
}

function showMessage(text) {
  const box = document.getElementById("message");
  box.hidden = !text;
  box.textContent = text || "";
}

function warning(id) {
  return view.config.palette.warnings.find((w) => w.id === id);
}

function warningLabel(id) {
  const entry = warning(id);
  return view.lang === "en" ? entry.label_en : entry.label_zh;
}

function formatHour(date) {
  const text = new Intl.DateTimeFormat(view.lang === "en" ? "en-GB" : "zh-CN", {
    timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
  }).format(date);
  return view.lang === "en" ? `${text} (UTC+8)` : text;
}

function query(extra = {}) {
  const at = view.hours[view.index];
  const params = new URLSearchParams({ event: view.event, at: at.toISOString(), ...extra });
  return params.toString();
}

/* ---- the map ---------------------------------------------------------------------------------------------- */

function createMap() {
  const map = L.map("map", { preferCanvas: true, zoomSnap: 0.25 });
  const [west, south, east, north] = view.config.bounds;
  map.fitBounds([[south, west], [north, east]], { padding: [10, 10] });
  map.createPane("rain").style.zIndex = 350;
  map.createPane("warnings").style.zIndex = 360;
  L.control.scale({ imperial: false }).addTo(map);
  map.attributionControl.setPrefix(false);
  if (view.config.basemap.url) {
    L.tileLayer(view.config.basemap.url, { attribution: view.config.basemap.attribution }).addTo(map);
  }
  return map;
}

async function drawBasemap() {
  const data = await getJson("/api/basemap");
  const color = view.config.palette.neutral.town;
  L.geoJSON(data, {
    filter: (feature) => feature.properties.level !== "road",
    style: (feature) => ({ color, weight: feature.properties.level === "city" ? 2 : 0.6, fill: false }),
  }).addTo(view.map);
}

/* The packed surface (uint16 tenths of a mm, row-major from the south-west) painted into a canvas. */
function drawRain(surface) {
  const { nx, ny, lon0, lat0, dlon, dlat } = surface.grid;
  const bytes = Uint8Array.from(atob(surface.values), (c) => c.charCodeAt(0));
  const values = new Uint16Array(bytes.buffer);
  const canvas = document.createElement("canvas");
  canvas.width = nx;
  canvas.height = ny;
  const context = canvas.getContext("2d");
  const image = context.createImageData(nx, ny);
  const hex = view.config.palette.neutral.rain_gauge;
  const rgb = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  for (let row = 0; row < ny; row += 1) {
    for (let col = 0; col < nx; col += 1) {
      const value = values[row * nx + col];
      if (value === surface.no_value) continue;
      const pixel = ((ny - 1 - row) * nx + col) * 4;
      image.data.set(rgb, pixel);
      image.data[pixel + 3] = Math.round(230 * Math.min(1, (value * surface.scale_mm) / RAIN_FULL_MM));
    }
  }
  context.putImageData(image, 0, 0);
  const bounds = [[lat0, lon0], [lat0 + ny * dlat, lon0 + nx * dlon]];
  if (view.rain) view.rain.remove();
  view.rain = L.imageOverlay(canvas.toDataURL(), bounds, { pane: "rain", className: "rain-layer" }).addTo(view.map);

  if (view.gauges) view.gauges.remove();
  view.gauges = L.layerGroup(surface.gauges.map((g) => L.circleMarker([g.lat, g.lon], {
    radius: 3, color: hex, weight: 1, fillOpacity: 0.9,
  }).bindTooltip(`${escapeHtml(g.code)} · ${g.mm} mm`))).addTo(view.map);
  document.getElementById("max-rain").textContent = surface.max_mm === null ? "" : t("max_rain", { mm: surface.max_mm });
}

function drawWarnings(warnings) {
  if (view.warnings) view.warnings.remove();
  view.warnings = L.geoJSON(warnings.areas, {
    pane: "warnings",
    style: (feature) => ({
      color: warning(feature.properties.level).color, weight: 1, fillOpacity: 0.35,
    }),
    onEachFeature: (feature, layer) => layer.bindTooltip(
      `${escapeHtml(warningLabel(feature.properties.level))} · ${feature.properties.area_km2} km²`,
    ),
  }).addTo(view.map);
}

/* ---- the panel -------------------------------------------------------------------------------------------- */

function renderStatic() {
  document.documentElement.lang = view.lang === "en" ? "en" : "zh-CN";
  document.title = t("title");
  document.getElementById("title").textContent = t("title");
  document.getElementById("lang").textContent = t("language");
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
  document.getElementById("play").textContent = t(view.timer ? "pause" : "play");
  const swatches = view.config.palette.warnings.filter((w) => w.id !== "none").map((w) => (
    `<span class="swatch" style="background:${w.color}"></span>${escapeHtml(warningLabel(w.id))}`
  ));
  const rain = view.config.palette.neutral.rain_gauge;
  swatches.push(`<span class="swatch ramp" style="--rain:${rain}"></span>${escapeHtml(t("rain_legend", { mm: RAIN_FULL_MM }))}`);
  document.getElementById("legend").innerHTML = swatches.map((s) => `<div>${s}</div>`).join("");
}

function renderWhen() {
  const at = view.hours[view.index];
  document.getElementById("when").textContent = at ? t("hour_ending", { time: formatHour(at) }) : t("no_data");
}

function kindLabel(kind) {
  return t(kind === "town" ? "town_kind" : kind);
}

function levelBadge(level) {
  return `<span class="badge" style="background:${warning(level).color}">${escapeHtml(warningLabel(level))}</span>`;
}

function renderTurned(changes) {
  const items = changes.turned.map((row) => (
    `<li>${levelBadge(row.level)} ${escapeHtml(kindLabel(row.entity_type))} · ${escapeHtml(row.name)}`
    + `${row.town && row.entity_type !== "town" ? ` · ${escapeHtml(row.town)}` : ""}</li>`
  ));
  document.getElementById("turned").innerHTML = items.join("") || `<li class="muted">${t("none_turned")}</li>`;
}

function renderTowns(warnings) {
  const order = ["red", "orange", "yellow", "blue", "none"];
  const towns = warnings.towns.filter((town) => town.level !== "none")
    .sort((a, b) => order.indexOf(a.level) - order.indexOf(b.level) || (b.max_3h_mm ?? 0) - (a.max_3h_mm ?? 0));
  const head = `<tr><th>${t("town")}</th><th>${t("level")}</th><th>${t("max3")}</th></tr>`;
  const rows = towns.map((town) => (
    `<tr><td>${escapeHtml(town.name)}</td><td>${levelBadge(town.level)}</td><td>${town.max_3h_mm ?? ""}</td></tr>`
  ));
  document.getElementById("towns").innerHTML = rows.length ? head + rows.join("") : "";
}

function renderCallout(callout) {
  document.getElementById("callout-summary").textContent = t("summary", callout.summary);
  const lang = view.lang === "en" ? "&lang=en" : "";
  document.getElementById("export-csv").href = `/api/storm/callout?${query({ format: "csv" })}${lang}`;
  document.getElementById("export-xlsx").href = `/api/storm/callout?${query({ format: "xlsx" })}${lang}`;
  const rows = callout.items.map((row) => (
    `<tr><td>${levelBadge(row.warning_level)}</td><td>${escapeHtml(kindLabel(row.entity_type))}<br>${escapeHtml(row.name)}</td>`
    + `<td>${escapeHtml(row.person)}<br>${escapeHtml(row.phone)}</td>`
    + `<td><button type="button" class="ack" data-type="${row.entity_type}" data-id="${row.id}">${t("confirm")}</button></td></tr>`
  ));
  const more = callout.matched - callout.items.length;
  if (more > 0) rows.push(`<tr><td colspan="4" class="muted">${t("pending_more", { n: more })}</td></tr>`);
  document.getElementById("pending").innerHTML = rows.join("");
}

/* ---- data ------------------------------------------------------------------------------------------------- */

async function show() {
  renderWhen();
  if (!view.hours.length) return;
  const request = (view.request += 1);
  const windowHours = document.getElementById("window").value;
  try {
    const [surface, warnings, changes, callout] = await Promise.all([
      getJson(`/api/storm/surface?${query({ window: windowHours })}`),
      getJson(`/api/storm/warnings?${query()}`),
      getJson(`/api/storm/changes?${query()}`),
      getJson(`/api/storm/callout?${query({ pending: "true", limit: PENDING_SHOWN })}`),
    ]);
    if (request !== view.request) return; // a later hour was asked for meanwhile
    drawRain(surface);
    drawWarnings(warnings);
    renderTurned(changes);
    renderTowns(warnings);
    renderCallout(callout);
    showMessage("");
  } catch (error) {
    showMessage(error.message);
  }
}

function hoursOf(event) {
  const first = new Date(event.first_hour).getTime();
  const last = new Date(event.last_hour).getTime();
  const hours = [];
  for (let time = first; time <= last; time += HOUR_MS) hours.push(new Date(time));
  return hours;
}

function applyEvents(status) {
  view.events = status.events;
  view.version = status.version;
  const select = document.getElementById("event");
  select.innerHTML = status.events.map((e) => `<option>${escapeHtml(e.event)}</option>`).join("");
  if (!status.events.some((e) => e.event === view.event)) view.event = status.events[0]?.event ?? null;
  select.value = view.event ?? "";
  const event = status.events.find((e) => e.event === view.event);
  const previous = view.hours[view.index]?.getTime();
  view.hours = event ? hoursOf(event) : [];
  const slider = document.getElementById("slider");
  slider.max = String(Math.max(0, view.hours.length - 1));
  const kept = view.hours.findIndex((hour) => hour.getTime() === previous);
  view.index = document.getElementById("live").checked || kept < 0 ? view.hours.length - 1 : kept;
  slider.value = String(Math.max(0, view.index));
}

async function poll() {
  try {
    const status = await getJson("/api/storm/status");
    if (status.version !== view.version) {
      applyEvents(status);
      await show();
      if (view.hours.length) showMessage(t("updated"));
    }
  } catch (error) {
    showMessage(error.message);
  }
}

async function acknowledge(button) {
  const who = window.prompt(t("who"));
  if (!who || !who.trim()) return;
  try {
    await getJson(`/api/storm/callout/ack?${query()}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ entity_type: button.dataset.type, entity_id: Number(button.dataset.id), acknowledged_by: who }),
    });
    await show();
  } catch (error) {
    showMessage(error.status === 401 ? t("login_needed") : error.message);
  }
}

function togglePlay() {
  if (view.timer) {
    clearInterval(view.timer);
    view.timer = null;
  } else {
    document.getElementById("live").checked = false;
    if (view.index >= view.hours.length - 1) view.index = -1;
    view.timer = setInterval(() => {
      if (view.index >= view.hours.length - 1) return togglePlay();
      view.index += 1;
      document.getElementById("slider").value = String(view.index);
      show();
    }, PLAY_MS);
  }
  document.getElementById("play").textContent = t(view.timer ? "pause" : "play");
}

async function main() {
  view.config = await getJson("/config.json");
  const wanted = new URLSearchParams(location.search);
  view.lang = wanted.get("lang") === "en" ? "en" : view.config.app.default_language;
  view.event = wanted.get("event"); // a shared link may name the event; the newest otherwise
  view.map = createMap();
  renderStatic();
  drawBasemap().catch((error) => showMessage(error.message));
  document.getElementById("slider").addEventListener("input", (event) => {
    view.index = Number(event.target.value);
    document.getElementById("live").checked = view.index === view.hours.length - 1;
    show();
  });
  document.getElementById("window").addEventListener("change", show);
  document.getElementById("event").addEventListener("change", async (event) => {
    view.event = event.target.value;
    document.getElementById("live").checked = true;
    applyEvents({ events: view.events, version: view.version });
    await show();
  });
  document.getElementById("play").addEventListener("click", togglePlay);
  document.getElementById("pending").addEventListener("click", (event) => {
    const button = event.target.closest("button.ack");
    if (button) acknowledge(button);
  });
  document.getElementById("lang").addEventListener("click", () => {
    view.lang = view.lang === "zh" ? "en" : "zh";
    renderStatic();
    show();
  });
  await poll();
  setInterval(poll, POLL_MS);
}

main().catch((error) => showMessage(error.message));
