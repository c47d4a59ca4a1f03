// The shell: sign-in state, navigation, the hash router and the live subscription.

import { ApiError, Subscription, gql, setToken, token } from "./api.js";
import { ROLE_LABELS, h, parseQuery } from "./format.js";
import * as login from "./pages/login.js";
import * as overview from "./pages/overview.js";
import * as inbox from "./pages/inbox.js";
import * as tasks from "./pages/tasks.js";
import * as task from "./pages/task.js";
import * as cases from "./pages/cases.js";
import * as meetings from "./pages/meetings.js";
import * as workflow from "./pages/workflow.js";
import * as briefings from "./pages/briefings.js";
import * as imports from "./pages/imports.js";
import * as calendar from "./pages/calendar.js";
import * as admin from "./pages/admin.js";
import { bell, refreshBell } from "./bell.js";

const ROUTES = [
  [/^$/, inbox.render],
  [/^overview$/, overview.render],
  [/^tasks$/, tasks.render],
  [/^tasks\/(.+)$/, task.render],
  [/^cases$/, cases.renderEnforcementList],
  [/^cases\/(.+)$/, cases.renderEnforcement],
  [/^bankruptcy$/, cases.renderBankruptcyList],
  [/^bankruptcy\/(.+)$/, cases.renderBankruptcy],
  [/^meetings$/, meetings.renderList],
  [/^meetings\/(.+)$/, meetings.renderDetail],
  [/^workflow$/, workflow.render],
  [/^briefings$/, briefings.render],
  [/^import$/, imports.render],
  [/^calendar$/, calendar.render],
  [/^accounts$/, admin.renderAccounts],
  [/^units$/, admin.renderUnits],
];

const NAV = [
  ["#/", "待办"],
  ["#/overview", "总览"],
  ["#/tasks", "交办事项"],
  ["#/cases", "执行案件"],
  ["#/bankruptcy", "破产案件"],
  ["#/meetings", "联席会议"],
  ["#/workflow", "流程图"],
  ["#/briefings", "工作通报"],
  ["#/import", "清单导入", ["COORDINATOR", "ADMIN"]],
  ["#/calendar", "节假日安排", ["ADMIN"]],
  ["#/accounts", "账号管理", ["ADMIN"]],
  ["#/units", "单位管理", ["ADMIN"]],
];

// Who is told that a year of the official calendar is missing (Query.calendarNotice).
const NOTICE_ROLES = ["COORDINATOR", "ADMIN"];
const CALENDAR_NOTICE = `{ calendarNotice { missingYear affectedTasks message } }`;
const NOTICE_EVERY_MS = 60_000;

const VIEWER = `{ viewer { id username displayName role unit { id name } } }`;

// The header's 待办 count: asked on each page and after each live event (debounced).
const INBOX_COUNT = `{ inbox { total sections { kind label count } } }`;

const TASK_EVENTS = `subscription {
  taskEvents { id seq action actionLabel toState occurredAt
    actor { id displayName } task { id code title state version } }
}`;

const main = document.getElementById("main");
let viewer = null;
let current = null; // what the shown page returned: { onTaskEvent? }
let live = null;
let renderCount = 0;
let noticeCheckedAt = 0;

export function notify(message, kind = "info") {
  const box = document.getElementById("notice");
  box.replaceChildren(message ? h("p", { class: `notice-${kind}` }, message) : "");
  box.setAttribute("role", kind === "error" ? "alert" : "status");
}

function setLiveStatus(status) {
  document.body.dataset.live = status;
  const badge = document.getElementById("live-status");
  if (badge) {
    badge.textContent = { live: "实时更新已连接", connecting: "实时更新连接中…", offline: "实时更新已断开" }[status];
    badge.className = `live live-${status}`;
  }
}

function renderChrome() {
  const nav = document.getElementById("nav");
  const account = document.getElementById("account");
  if (!viewer) {
    nav.hidden = true;
    account.hidden = true;
    refreshCalendarNotice();
    return;
  }
  const route = location.hash.split("?")[0] || "#/";
  nav.replaceChildren(
    h(
      "ul",
      {},
      NAV.filter(([, , roles]) => !roles || roles.includes(viewer.role)).map(([href, label]) => {
        const here = href === "#/" ? route === "#/" || route === "#" : route.startsWith(href);
        const count = href === "#/" ? h("span", { id: "inbox-count", class: "count-badge", hidden: true }) : null;
        return h("li", {}, h("a", { href, "aria-current": here ? "page" : null }, label, count));
      }),
    ),
  );
  nav.hidden = false;
  account.replaceChildren(
    h("span", { class: "who" }, viewer.displayName, h("small", {}, ` ${ROLE_LABELS[viewer.role] || viewer.role} · ${viewer.unit.name}`)),
    h("span", { id: "live-status", class: "live", role: "status" }),
    document.getElementById("bell") ? document.getElementById("bell").parentElement : bell(),
    h("button", { type: "button", class: "secondary", onclick: signOut }, "退出登录"),
  );
  account.hidden = false;
  setLiveStatus(document.body.dataset.live || "connecting");
}

/** The banner naming a missing year of the calendar, for coordinators and administrators:
 * asked at most once a minute, and at once after the calendar page saved a year. */
async function refreshCalendarNotice({ force = false } = {}) {
  const banner = document.getElementById("calendar-notice");
  if (!viewer || !NOTICE_ROLES.includes(viewer.role)) {
    banner.hidden = true;
    banner.replaceChildren();
    noticeCheckedAt = 0;
    return;
  }
  if (!force && Date.now() - noticeCheckedAt < NOTICE_EVERY_MS) return;
  noticeCheckedAt = Date.now();
  let notice;
  try {
    notice = (await gql(CALENDAR_NOTICE)).calendarNotice;
  } catch (err) {
    noticeCheckedAt = 0; // try again on the next page
    return;
  }
  if (!notice) {
    banner.hidden = true;
    banner.replaceChildren();
    return;
  }
  banner.replaceChildren(
    h(
      "p",
      {},
      h("strong", {}, notice.message),
      "。",
      viewer.role === "ADMIN"
        ? h("a", { href: `#/calendar?year=${notice.missingYear}`, id: "calendar-notice-link" }, `录入${notice.missingYear}年节假日安排`)
        : "请系统管理员录入国务院办公厅的通知。",
    ),
  );
  banner.hidden = false;
}

let inboxTimer = null;

/** The 待办 count in the navigation, with what it is made of as its title. */
async function refreshInboxCount() {
  const badge = document.getElementById("inbox-count");
  if (!viewer || !badge) return;
  let answer;
  try {
    answer = (await gql(INBOX_COUNT)).inbox;
  } catch (err) {
    return; // the page itself says what went wrong
  }
  const shown = document.getElementById("inbox-count");
  if (!shown) return;
  shown.textContent = String(answer.total);
  shown.hidden = answer.total === 0;
  const parts = answer.sections.filter((s) => s.count).map((s) => `${s.label} ${s.count}`);
  shown.title = parts.join("，");
  shown.setAttribute("aria-label", parts.length ? `${answer.total} 件待办：${parts.join("，")}` : "没有待办");
}

function startLive() {
  if (live) live.close();
  live = new Subscription(TASK_EVENTS, {}, {
    onData: (data) => {
      const event = data.taskEvents;
      document.dispatchEvent(new CustomEvent("fuyuan:task-event", { detail: event }));
      clearTimeout(inboxTimer);
      inboxTimer = setTimeout(() => { refreshInboxCount(); refreshBell(); }, 400);
      if (current && current.onTaskEvent) current.onTaskEvent(event);
    },
    onStatus: setLiveStatus,
  });
}

export async function signedIn(newToken) {
  setToken(newToken);
  viewer = (await gql(VIEWER)).viewer;
  startLive();
  location.hash = "#/";
  await route();
}

function signOut() {
  setToken(null);
  viewer = null;
  if (live) live.close();
  live = null;
  notify("您已退出登录。");
  location.hash = "#/login";
}

async function route() {
  const [path, query] = location.hash.replace(/^#\/?/, "").split("?");
  const serial = ++renderCount;
  if (!token() || path === "login") {
    viewer = null;
    renderChrome();
    document.title = "登录 · 府院联动工作平台";
    current = null;
    main.replaceChildren();
    login.render(main, { onSignedIn: signedIn });
    return;
  }
  if (!viewer) {
    try {
      viewer = (await gql(VIEWER)).viewer;
    } catch (err) {
      if (err instanceof ApiError && err.code === "UNAUTHENTICATED") return;
      throw err;
    }
    if (!viewer) {
      setToken(null);
      location.hash = "#/login";
      return;
    }
    startLive();
  }
  renderChrome();
  refreshCalendarNotice();
  refreshInboxCount();
  refreshBell();
  for (const [pattern, render] of ROUTES) {
    const match = path.match(pattern);
    if (!match) continue;
    const page = h("div", { class: "page" }, h("p", { class: "loading" }, "正在加载…"));
    main.replaceChildren(page);
    try {
      const result = await render(page, {
        params: match.slice(1).map(decodeURIComponent),
        query: parseQuery(query),
        viewer,
        notify,
      });
      if (serial !== renderCount) return; // a newer navigation took over
      current = result || null;
    } catch (err) {
      if (serial !== renderCount) return;
      current = null;
      page.replaceChildren(h("h1", { tabindex: "-1" }, "出错了"), h("p", { class: "error", role: "alert" }, err.message));
    }
    const heading = page.querySelector("h1");
    if (heading) {
      document.title = `${heading.textContent} · 府院联动工作平台`;
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
    return;
  }
  main.replaceChildren(h("h1", { tabindex: "-1" }, "页面不存在"), h("p", {}, h("a", { href: "#/" }, "返回待办")));
}

window.addEventListener("hashchange", () => {
  notify("");
  route();
});
document.addEventListener("fuyuan:calendar-changed", () => refreshCalendarNotice({ force: true }));
// What a button's work threw (api.js busy): said in the notice, not lost in the console.
window.addEventListener("fuyuan:error", (event) => notify(event.detail, "error"));
window.addEventListener("fuyuan:signed-out", (event) => {
  setToken(null);
  viewer = null;
  if (live) live.close();
  live = null;
  notify(`登录已失效，请重新登录（${event.detail}）`, "error");
  if (location.hash !== "#/login") location.hash = "#/login";
  else route();
});

route();
