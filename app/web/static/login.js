/* Log in, then go back to the page that sent us here (only a path on this site, never another origin). */
const form = document.getElementById("login");
const message = document.getElementById("message");

function nextPage() {
  const next = new URLSearchParams(location.search).get("next") || "/";
  return next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  message.hidden = true;
  const body = Object.fromEntries(new FormData(form));
  const response = await fetch("/api/auth/login", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  if (response.ok) {
    location.assign(nextPage());
    return;
  }
  const problem = await response.json().catch(() => ({}));
  message.textContent = problem.detail || `HTTP ${response.status}`;
  message.hidden = false;
});
