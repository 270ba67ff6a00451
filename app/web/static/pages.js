/* Shared by the admin and import pages: DOM building with textContent only (every value from the server or a file
   is shown as text, never parsed as HTML), JSON requests with problem+json errors, and who is logged in. */

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "text") node.textContent = value ?? "";
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key in node) node[key] = value;
    else node.setAttribute(key, value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

export class ProblemError extends Error {}

export async function api(url, options = {}) {
  const headers = { Accept: "application/json", ...(options.headers || {}) };
  if (options.json !== undefined) {
    headers["Content-Type"] = "application/json";
    options = { ...options, body: JSON.stringify(options.json) };
  }
  const response = await fetch(url, { ...options, headers });
  if (response.status === 401) {
    location.assign(`/static/login.html?next=${encodeURIComponent(location.pathname)}`);
    throw new ProblemError("请先登录 / log in first");
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new ProblemError(body.detail ? `${body.title}：${body.detail}` : `HTTP ${response.status}`);
  return body;
}

export function showMessage(error) {
  const box = document.getElementById("message");
  box.textContent = error ? String(error.message || error) : "";
  box.hidden = !error;
}

export async function showWho(slot) {
  const me = await api("/api/auth/me");
  const logout = el("button", {
    className: "button", type: "button", text: "退出 Log out",
    onclick: async () => { await api("/api/auth/logout", { method: "POST" }); location.assign("/static/login.html"); },
  });
  slot.replaceChildren(
    el("span", { text: me.anonymous ? "未登录 (anonymous)" : `${me.username} · ${me.role_label.zh} ${me.role_label.en}` }),
    " ", me.anonymous ? el("a", { className: "button", href: "/static/login.html", text: "登录 Log in" }) : logout,
  );
  return me;
}
