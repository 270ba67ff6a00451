/* 一企一档: profile, tier with its reasons and history (/api/tiers), units with chemicals and GB 18218 S/R and
   grade, hidden dangers with their status (overdue highlighted). Replaces the result list in the right panel. */
import { state, writeHash } from "./state.js";
import { getJson, showError } from "./api.js";
import { t, label, vocabLabel, tierLabel, tierColor, townName, formatNumber, html } from "./i18n.js";
import { layerSpec } from "./overlays.js";

let current = null; // {file: the dossier, tier: /api/tiers/enterprise/{id}}

function tierBadge(tier) {
  return html`<span class="tier-badge" style="border-color:${tierColor(tier)}"><span class="swatch round"
    style="background:${tierColor(tier)}"></span>${tierLabel(tier)}</span>`;
}

function message(reason) { return state.lang === "en" ? reason.message_en : reason.message_zh; }

function reasonList(reasons) {
  if (!reasons?.length) return html`<p class="hint">${t("no_reasons")}</p>`;
  return html`<ul class="reasons">${reasons.map((reason) => html`<li class="${reason.verified === false ? "unverified" : ""}">
    ${reason.tier ? html`<span class="swatch round" style="background:${tierColor(reason.tier)}"></span>` : ""}${message(reason)}</li>`)}</ul>`;
}

function dateTime(text) {
  return text ? new Date(text).toLocaleString(state.lang === "en" ? "en-GB" : "zh-CN", { dateStyle: "medium", timeStyle: "short" }) : "";
}

function history(entries) {
  if (!entries.length) return html`<p class="hint">${t("no_history")}</p>`;
  return html`<ol class="timeline">${entries.map((entry) => html`<li>
    <time datetime="${entry.changed_at}">${dateTime(entry.changed_at)}</time>
    <div>${entry.old_tier ? html`${tierBadge(entry.old_tier)} → ` : ""}${tierBadge(entry.new_tier)}</div>
    ${entry.cause ? html`<div class="hint">${entry.cause}</div>` : ""}
    <details><summary>${t("tier_reasons")}</summary>${reasonList(entry.reasons)}</details></li>`)}</ol>`;
}

function grade(value) { return value ? t("grade", { n: value }) : t("not_major_hazard"); }

function units(list) {
  if (!list.length) return html`<p class="hint">${t("no_units")}</p>`;
  return list.map((unit) => html`<div class="unit">
    <h4>${unit.name} <small>${t(`unit_${unit.kind}`)}</small></h4>
    <p class="unit-values"><span>S = ${formatNumber(unit.s_value, 3) || "—"}</span><span>R = ${formatNumber(unit.r_value, 2) || "—"}</span>
      <span class="${unit.major_hazard_grade ? "major" : ""}">${t("major_hazards")}：${grade(unit.major_hazard_grade)}</span></p>
    <table><thead><tr><th>${t("chemical")}</th><th>${t("cas")}</th><th>${t("hazard_category")}</th><th>${t("quantity_t")}</th></tr></thead>
      <tbody>${unit.chemicals.map((c) => html`<tr><td>${c.chemical}</td><td>${c.cas}</td><td>${c.hazard_category}</td>
        <td class="number">${formatNumber(c.quantity_t, 3)}</td></tr>`)}</tbody></table></div>`);
}

function dangers(list) {
  if (!list.length) return html`<p class="hint">${t("no_dangers")}</p>`;
  return html`<table class="dangers"><thead><tr><th>${t("level")}</th><th>${t("description")}</th><th>${t("status")}</th>
    <th>${t("found_on")}</th><th>${t("due_on")}</th></tr></thead><tbody>${list.map((d) => html`<tr class="${d.overdue ? "overdue" : ""}">
      <td>${vocabLabel("HIDDEN_DANGER_LEVELS", d.level)}</td><td>${d.description}</td>
      <td>${vocabLabel("HIDDEN_DANGER_STATUSES", d.status)}${d.overdue ? html` <span class="badge">${t("overdue")}</span>` : ""}</td>
      <td>${d.found_on}</td><td>${d.due_on}</td></tr>`)}</tbody></table>`;
}

function profile(data) {
  const spec = layerSpec("enterprises");
  const propertyLabel = (name) => label(spec.properties.find((p) => p.name === name).label);
  const rows = [
    [propertyLabel("credit_code"), data.credit_code],
    [t("town"), townName(data.town_code)],
    [propertyLabel("address"), data.address],
    [propertyLabel("industry"), data.industry && vocabLabel("INDUSTRIES", data.industry)],
    [propertyLabel("hazard_tags"), data.hazard_tags.map((tag) => vocabLabel("HAZARD_TAGS", tag)).join(state.lang === "en" ? ", " : "、")],
    [propertyLabel("employees"), formatNumber(data.employees)],
    [propertyLabel("contact_name"), data.contact_name],
    [propertyLabel("contact_phone"), data.contact_phone],
    [propertyLabel("assessment_score"), formatNumber(data.assessment_score, 1)],
    [t("assessed_on"), data.assessed_on],
    [t("exposed_people"), formatNumber(data.exposed_people)],
    [propertyLabel("major_hazard_grade"), grade(data.major_hazard_grade)],
  ].filter(([, value]) => value !== null && value !== undefined && value !== "");
  return html`<table class="profile">${rows.map(([name, value]) => html`<tr><th>${name}</th><td>${value}</td></tr>`)}</table>`;
}

export function renderDossier() {
  const root = document.getElementById("dossier");
  if (!current) return;
  const { file: data, tier } = current;
  const overdue = data.hidden_dangers.filter((d) => d.overdue).length;
  root.innerHTML = html`<header class="panel-header"><button type="button" data-action="close-dossier">← ${t("results")}</button>
      <h2>${t("dossier")}</h2></header>
    <h3 class="enterprise-name">${data.name}</h3>
    <p>${tierBadge(data.tier)} ${data.is_demo ? html`<span class="demo-tag">${t("demo_tag")}</span>` : ""}</p>
    <section><h3>${t("profile")}</h3>${profile(data)}</section>
    <section><h3>${t("tier_reasons")}</h3>${reasonList(tier.reasons)}
      ${tier.tier_updated_at ? html`<p class="hint">${t("tier_updated_at")}：${dateTime(tier.tier_updated_at)}</p>` : ""}</section>
    <section><h3>${t("tier_history")}</h3>${history(tier.history)}</section>
    <section><h3>${t("units")}</h3>${units(data.units)}</section>
    <section><h3>${t("hidden_dangers")} ${overdue ? html`<span class="badge">${t("overdue")} ${overdue}</span>` : ""}</h3>${dangers(data.hidden_dangers)}</section>`;
}

export async function openDossier(id, zoomTo = false) {
  state.enterprise = id;
  writeHash();
  document.getElementById("results").hidden = true;
  const root = document.getElementById("dossier");
  root.hidden = false;
  root.innerHTML = html`<p class="hint">${t("loading")}</p>`;
  try {
    const [file, tier] = await Promise.all([getJson(`/api/enterprises/${id}/dossier`), getJson(`/api/tiers/enterprise/${id}`)]);
    current = { file, tier };
  } catch (error) {
    showError(error);
    closeDossier();
    return;
  }
  if (state.enterprise !== id) return;
  renderDossier();
  if (zoomTo) state.map.setView([current.file.lat, current.file.lon], Math.max(state.map.getZoom(), 15));
}

export function closeDossier() {
  state.enterprise = null;
  current = null;
  writeHash();
  document.getElementById("dossier").hidden = true;
  document.getElementById("results").hidden = false;
}

export function installDossier() {
  document.getElementById("dossier").addEventListener("click", (event) => {
    if (event.target.closest("[data-action=close-dossier]")) closeDossier();
  });
}
