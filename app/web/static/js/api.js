/* Requests to our API: problem+json errors become a readable message in the user's language. */
import { state } from "./state.js";
import { t } from "./i18n.js";

export class ApiError extends Error {}

export function languageHeaders() {
  return { "Accept-Language": state.lang === "en" ? "en" : "zh-CN" };
}

/* The server titles its problems in the Accept-Language we send; the detail says what exactly went wrong. */
export async function problemError(response) {
  try {
    const problem = await response.json();
    return new ApiError(problem.detail ? `${problem.title}：${problem.detail}` : problem.title);
  } catch {
    return new ApiError(`${t("error")} (HTTP ${response.status})`);
  }
}

async function request(url) {
  let response;
  try {
    response = await fetch(url, { headers: languageHeaders() });
  } catch {
    throw new ApiError(t("network_error"));
  }
  if (!response.ok) throw await problemError(response);
  return response;
}

export async function getJson(url) { return (await request(url)).json(); }

export function showError(error) {
  const box = document.getElementById("message");
  box.querySelector("span").textContent = error instanceof ApiError ? error.message : `${t("error")}：${error.message}`;
  box.hidden = false;
}

export function clearError() { document.getElementById("message").hidden = true; }
