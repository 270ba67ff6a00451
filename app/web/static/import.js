/* The import page: upload → per-row report (nothing written) → confirm → progress, by polling the job. */
import { api, el, showMessage, showWho } from "/static/pages.js";

const $ = (id) => document.getElementById(id);
const POLL_MS = 500;
const PHASES = {
  queued: "排队 queued", reading: "读取 reading", validating: "逐行检查 checking rows", staging: "暂存 staging",
  checking: "数据库检查 checking in the database", writing: "写入 writing", tiering: "重新定级 re-tiering",
  done: "完成 done",
};
const STATUS = {
  validating: "检查中 checking", validated: "检查完成，尚未写入 checked, nothing written yet",
  importing: "导入中 importing", done: "已导入 imported", rejected: "未写入：有错误 not written: errors",
  failed: "失败 failed",
};
let job = null;
let layers = [];

async function start() {
  await showWho($("who"));
  layers = (await api("/api/imports/layers")).layers;
  $("layer").replaceChildren(...layers.map((l) => el("option", { value: l.layer, text: `${l.title_zh} ${l.title_en}` })));
  describeLayer();
}

function describeLayer() {
  const layer = layers.find((l) => l.layer === $("layer").value);
  if (!layer) return;
  const required = layer.columns.filter((c) => c.required).map((c) => c.name);
  $("fields").textContent = `必填 required: ${required.join(", ")} · 字段 columns: ${layer.columns.map((c) => c.name).join(", ")}`
    + ` · 几何 geometry: ${layer.geometry_type}`;
}

function uploadUrl(form) {
  const data = new FormData(form);
  const params = new URLSearchParams({ layer: data.get("layer") });
  const crs = data.get("crs") === "other" ? $("epsg").value.trim() : data.get("crs");
  if (crs) params.set("crs", crs);
  for (const name of ["lon_col", "lat_col", "id_field"]) {
    const value = String(data.get(name) || "").trim();
    if (value) params.set(name, value);
  }
  if (data.get("repair")) params.set("repair", "true");
  return `/api/imports?${params}`;
}

async function upload(event) {
  event.preventDefault();
  showMessage(null);
  const file = $("file").files[0];
  if (!file) return;
  const body = new FormData();
  body.append("file", file, file.name);
  $("check").disabled = true;
  try {
    job = await api(uploadUrl($("upload")), { method: "POST", body });
    render();
    poll();
  } catch (error) {
    showMessage(error);
  } finally {
    $("check").disabled = false;
  }
}

async function poll() {
  try {
    job = await api(`/api/imports/${job.id}`);
  } catch (error) {
    showMessage(error);
    return;
  }
  render();
  if (job.status === "validating" || job.status === "importing") setTimeout(poll, POLL_MS);
}

function render() {
  $("job").hidden = false;
  $("job-title").textContent = `${job.file} → ${job.layer}: ${STATUS[job.status] ?? job.status}`;
  $("progress").value = job.progress;
  $("phase").textContent = PHASES[job.phase] ?? job.phase;
  const report = job.report;
  const errors = report?.summary.errors ?? 0;
  $("confirm").disabled = !(job.status === "validated" && errors === 0);
  $("discard").disabled = job.status === "importing";
  if (job.error) showMessage(new Error(`${job.error.message_zh} · ${job.error.message_en}`));
  if (!report) return;
  const s = report.summary;
  const written = job.status === "done" ? ` · 新增 new ${s.inserted} · 更新 updated ${s.updated} · 未变 unchanged ${s.unchanged}` : "";
  $("summary").replaceChildren(
    el("span", { className: errors ? "error" : "ok", text: `${s.rows} 行 rows · ${s.errors} 错误 errors · ${s.warnings} 警告 warnings${written}` }),
  );
  $("notices").replaceChildren(...report.notices.map((n) => el("li", { text: `${n.message_zh} · ${n.message_en}` })));
  const rows = report.problems.map((p) => el("tr", {},
    el("td", { className: "number", text: p.row ?? "文件 file" }),
    el("td", { text: p.field }),
    el("td", { className: p.severity, text: p.severity === "error" ? "错误 error" : "警告 warning" }),
    el("td", { text: p.message_zh }),
    el("td", { text: p.message_en }),
  ));
  if (report.problems_truncated) rows.push(el("tr", {}, el("td", { colSpan: 5, className: "hint", text: "… 仅显示前 5000 条 first 5000 shown" })));
  $("report").tBodies[0].replaceChildren(...rows);
}

async function confirmImport() {
  try {
    job = await api(`/api/imports/${job.id}/confirm`, { method: "POST" });
    render();
    poll();
  } catch (error) {
    showMessage(error);
  }
}

async function discard() {
  if (job) await api(`/api/imports/${job.id}`, { method: "DELETE" }).catch(() => {});
  job = null;
  $("job").hidden = true;
}

$("upload").addEventListener("submit", upload);
$("layer").addEventListener("change", describeLayer);
$("crs").addEventListener("change", () => { $("epsg-label").hidden = $("crs").value !== "other"; });
$("confirm").addEventListener("click", confirmImport);
$("discard").addEventListener("click", discard);
start().catch(showMessage);
