/* The admin page: users (create, role, towns, disable, reset password) and the audit log, admins only. */
import { api, el, showMessage, showWho } from "/static/pages.js";

const $ = (id) => document.getElementById(id);
let roles = {};
let nextBeforeId = null;

const towns = (text) => text.split(/[,，\s]+/).map((t) => t.trim()).filter(Boolean);

function roleSelect(value) {
  return el("select", {}, ...Object.entries(roles).map(([code, [zh, en]]) =>
    el("option", { value: code, text: `${zh} ${en}`, selected: code === value })));
}

function userRow(user) {
  const role = roleSelect(user.role);
  const townInput = el("input", { value: user.towns.join(","), size: 24 });
  const disabled = el("input", { type: "checkbox", checked: user.disabled });
  const name = el("input", { value: user.display_name ?? "", size: 14 });
  const password = el("input", { type: "password", minLength: 10, placeholder: "≥10", autocomplete: "new-password", size: 10 });
  const save = async () => {
    await act(() => api(`/api/users/${user.id}`, {
      method: "PATCH",
      json: { role: role.value, towns: towns(townInput.value), disabled: disabled.checked, display_name: name.value },
    }), `已保存 saved: ${user.username}`);
  };
  const reset = async () => {
    await act(() => api(`/api/users/${user.id}/password`, { method: "POST", json: { password: password.value } }),
      `密码已重置 password reset: ${user.username}`);
  };
  const state = user.disabled ? "停用 disabled" : user.password_is_default ? "演示密码 demo password" : "正常 active";
  return el("tr", {},
    el("td", { text: user.username }), el("td", {}, name), el("td", {}, role), el("td", {}, townInput),
    el("td", {}, disabled), el("td", { text: state }),
    el("td", {}, el("button", { className: "button", type: "button", text: "保存 Save", onclick: save })),
    el("td", {}, password, " ", el("button", { className: "button", type: "button", text: "重置 Reset", onclick: reset })),
  );
}

async function act(request, done) {
  $("status").textContent = "";
  try {
    await request();
    showMessage(null);
    await loadUsers();
    $("status").textContent = done;
  } catch (error) {
    showMessage(error);
  }
}

async function loadUsers() {
  const body = await api("/api/users");
  roles = body.roles;
  $("users").tBodies[0].replaceChildren(...body.users.map(userRow));
  $("new-role").replaceChildren(...roleSelect("viewer").children);
}

async function createUser(event) {
  event.preventDefault();
  const data = Object.fromEntries(new FormData(event.target));
  const payload = { ...data, towns: towns(data.towns), display_name: data.display_name || null };
  await act(() => api("/api/users", { method: "POST", json: payload }), `已创建 created: ${data.username}`);
  event.target.reset();
}

function json(value) { return el("pre", { text: value ? JSON.stringify(value, null, 1) : "" }); }

async function loadAudit(append = false) {
  const params = new URLSearchParams();
  for (const [key, value] of new FormData($("audit-filter"))) if (String(value).trim()) params.set(key, value.trim());
  if (append && nextBeforeId) params.set("before_id", nextBeforeId);
  const body = await api(`/api/audit?${params}`);
  nextBeforeId = body.next_before_id;
  $("more").hidden = !nextBeforeId;
  const rows = body.entries.map((e) => el("tr", {},
    el("td", { text: e.at.replace("T", " ").slice(0, 19) }), el("td", { text: e.actor }), el("td", { text: e.action }),
    el("td", { text: e.table_name }), el("td", { text: e.row_id ?? "" }), el("td", {}, json(e.before)), el("td", {}, json(e.after)),
  ));
  if (append) $("audit").tBodies[0].append(...rows);
  else $("audit").tBodies[0].replaceChildren(...rows);
}

async function start() {
  const me = await showWho($("who"));
  if (me.anonymous) {
    location.assign(`/static/login.html?next=${encodeURIComponent(location.pathname)}`);
    return;
  }
  if (me.role !== "admin") {
    showMessage(new Error("仅管理员可用 / admins only"));
    return;
  }
  await loadUsers();
  await loadAudit();
}

$("create").addEventListener("submit", createUser);
$("audit-filter").addEventListener("submit", (event) => { event.preventDefault(); loadAudit().catch(showMessage); });
$("more").addEventListener("click", () => loadAudit(true).catch(showMessage));
start().catch(showMessage);
