// Talks to the public API only: POST /graphql, and taskEvents over graphql-transport-ws.

const TOKEN_KEY = "fuyuan.token";

export class ApiError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** Run a query or mutation; top-level errors throw ApiError with extensions.code. */
export async function gql(query, variables = {}) {
  // The server's messages in Chinese, whatever the browser's own language.
  const headers = { "Content-Type": "application/json", Accept: "application/json", "Accept-Language": "zh-CN" };
  const bearer = token();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers,
      body: JSON.stringify({ query, variables }),
    });
  } catch (err) {
    throw new ApiError("无法连接服务器，请检查网络后重试", "NETWORK");
  }
  let body;
  try {
    body = await response.json();
  } catch (err) {
    throw new ApiError(`服务器返回了无法识别的应答（HTTP ${response.status}）`, "HTTP");
  }
  if (body.errors && body.errors.length) {
    const first = body.errors[0];
    const code = (first.extensions && first.extensions.code) || "ERROR";
    if (code === "UNAUTHENTICATED") {
      window.dispatchEvent(new CustomEvent("fuyuan:signed-out", { detail: first.message }));
    }
    throw new ApiError(first.message, code);
  }
  return body.data;
}

/**
 * A graphql-transport-ws client that keeps one subscription open and
 * reconnects with a growing pause. `onStatus` gets "connecting" | "live" | "offline".
 */
export class Subscription {
  constructor(query, variables, { onData, onStatus }) {
    this.query = query;
    this.variables = variables;
    this.onData = onData;
    this.onStatus = onStatus;
    this.closed = false;
    this.retries = 0;
    this.connect();
  }

  connect() {
    if (this.closed) return;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}/graphql`, "graphql-transport-ws");
    this.socket = socket;
    this.onStatus("connecting");
    socket.addEventListener("open", () => {
      socket.send(
        JSON.stringify({
          type: "connection_init",
          payload: { Authorization: `Bearer ${token()}` },
        }),
      );
    });
    socket.addEventListener("message", (message) => {
      const frame = JSON.parse(message.data);
      if (frame.type === "connection_ack") {
        this.retries = 0;
        socket.send(
          JSON.stringify({
            id: "events",
            type: "subscribe",
            payload: { query: this.query, variables: this.variables },
          }),
        );
        this.onStatus("live");
      } else if (frame.type === "ping") {
        socket.send(JSON.stringify({ type: "pong" }));
      } else if (frame.type === "next" && frame.payload && frame.payload.data) {
        this.onData(frame.payload.data);
      } else if (frame.type === "error" || frame.type === "complete") {
        socket.close();
      }
    });
    socket.addEventListener("close", () => {
      this.onStatus("offline");
      if (this.closed) return;
      const pause = Math.min(30000, 1000 * 2 ** this.retries);
      this.retries += 1;
      this.timer = setTimeout(() => this.connect(), pause);
    });
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.socket) this.socket.close();
  }
}

/** A mutation with one file, as a GraphQL multipart request: the file is `variables.input.file`. */
export async function gqlUpload(query, variables, file) {
  const form = new FormData();
  form.append("operations", JSON.stringify({ query, variables: { ...variables, input: { ...variables.input, file: null } } }));
  form.append("map", JSON.stringify({ 0: ["variables.input.file"] }));
  form.append("0", file, file.name);
  const headers = { Accept: "application/json", "Accept-Language": "zh-CN" };
  const bearer = token();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  let response;
  try {
    response = await fetch("/graphql", { method: "POST", headers, body: form });
  } catch (err) {
    throw new ApiError("无法连接服务器，请检查网络后重试", "NETWORK");
  }
  const body = await response.json().catch(() => {
    throw new ApiError(`服务器返回了无法识别的应答（HTTP ${response.status}）`, "HTTP");
  });
  if (body.errors && body.errors.length) {
    const first = body.errors[0];
    throw new ApiError(first.message, (first.extensions && first.extensions.code) || "ERROR");
  }
  return body.data;
}

/** GET a file of ours (a ledger, a template) with the bearer token and save it. */
export async function download(url, fallbackName) {
  const headers = { "Accept-Language": "zh-CN" };
  const bearer = token();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  const response = await fetch(url, { headers });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new ApiError(body.message || `下载失败（HTTP ${response.status}）`, body.code || "HTTP");
  }
  const disposition = response.headers.get("content-disposition") || "";
  const match = disposition.match(/filename\*=UTF-8''([^;]+)/);
  const name = match ? decodeURIComponent(match[1]) : fallbackName;
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

const EXPORT_LEDGER = `mutation ($input: ExportLedgerInput!) {
  exportLedger(input: $input) { url errors { message } }
}`;

/** The 导出台账 button of a list: its ledger with the list's current filter. */
export async function exportLedger(kind, filter, fallbackName) {
  const { exportLedger: payload } = await gql(EXPORT_LEDGER, { input: { kind, filter } });
  if (payload.errors.length) throw new ApiError(payload.errors[0].message, "REFUSED");
  await download(payload.url, fallbackName);
}

/**
 * Run `work` while `control` (a button, or a form: its submit buttons) shows that it is
 * working: disabled, aria-busy, a spinner. A press while it works does nothing, so a
 * double click starts the work once. An error the work throws is shown in the page's
 * notice (the `fuyuan:error` event app.js listens to) instead of getting lost.
 *
 * Every button or form that starts work on the server goes through here (or `onPress`,
 * `onSubmit`), so none can be pressed twice.
 */
export async function busy(control, work) {
  if (control.dataset.busy === "true") return undefined;
  const buttons = control.tagName === "FORM"
    ? [...control.querySelectorAll("button:not([type=button])")]
    : [control];
  const before = buttons.map((button) => button.disabled);
  control.dataset.busy = "true";
  for (const button of buttons) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
  }
  try {
    return await work();
  } catch (err) {
    window.dispatchEvent(new CustomEvent("fuyuan:error", { detail: err.message || String(err) }));
    return undefined;
  } finally {
    delete control.dataset.busy;
    buttons.forEach((button, i) => {
      // a button the work took away (the page was redrawn) is left as it is
      button.disabled = before[i] && button.isConnected;
      button.removeAttribute("aria-busy");
    });
  }
}

/** `button` runs `work(event)` on a click, through `busy`. Returns the button. */
export function onPress(button, work) {
  button.addEventListener("click", (event) => busy(button, () => work(event)));
  return button;
}

/** `form` runs `work(event)` on submit, through `busy` (the page never reloads). */
export function onSubmit(form, work) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(form, () => work(event));
  });
  return form;
}
