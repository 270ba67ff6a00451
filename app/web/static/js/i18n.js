/* Words on the page: UI strings, registry labels and vocabularies from /config.json, in the current language. */
import { state } from "./state.js";

export function t(key, values = {}) {
  const text = state.config.strings[state.lang][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");
}

export function label(titles) { return titles?.[state.lang] ?? titles?.zh ?? ""; }

export function vocabLabel(vocabulary, code) {
  const entry = state.config.vocabularies[vocabulary]?.[code];
  return entry ? label(entry) : code;
}

export function tiers() { return state.config.palette.tiers; }

export function tierLabel(tier) {
  const found = tiers().find((x) => x.id === tier);
  return found ? (state.lang === "en" ? found.label_en : found.label_zh) : t("untiered");
}

/* Untiered features take the palette's "no warning" grey: styles.py stays the only home of colours. */
export function tierColor(tier) {
  const found = tiers().find((x) => x.id === tier) || state.config.palette.warnings.find((x) => x.id === "none");
  return found.color;
}

export function townName(code) {
  const town = state.towns.get(code);
  return town ? (state.lang === "en" ? town.name_en || town.name : town.name) : code ?? "";
}

export function formatNumber(value, digits = 0) {
  if (value === null || value === undefined || value === "") return "";
  return Number(value).toLocaleString(state.lang === "en" ? "en-US" : "zh-CN", { maximumFractionDigits: digits });
}

export function escapeHtml(text) {
  const entities = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  return String(text ?? "").replace(/[&<>"']/g, (c) => entities[c]);
}

/* HTML from a template literal: every interpolated value is escaped unless it is itself `html`. */
class SafeHtml {
  constructor(text) { this.text = text; }
  toString() { return this.text; }
}
export function html(strings, ...values) {
  return new SafeHtml(strings.reduce((out, text, i) => out + text + (i < values.length ? toHtml(values[i]) : ""), ""));
}
function toHtml(value) {
  if (Array.isArray(value)) return value.map(toHtml).join("");
  return value instanceof SafeHtml ? value.text : escapeHtml(value);
}
