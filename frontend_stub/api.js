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

/** Which fields the schema's root types have, so pages for API parts not yet
 * deployed can say so instead of failing. */
let rootFields = null;
export async function schemaHas(typeName, fieldName) {
  if (!rootFields) {
    const data = await gql(`{
      q: __type(name: "Query") { fields { name } }
      m: __type(name: "Mutation") { fields { name } }
    }`);
    rootFields = {
      Query: new Set(data.q.fields.map((f) => f.name)),
      Mutation: new Set(data.m.fields.map((f) => f.name)),
    };
  }
  return rootFields[typeName].has(fieldName);
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
