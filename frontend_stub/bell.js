// The header's bell (提醒, issue 20): the unread count, kept live, and a panel of the
// newest notifications, each with its link and 标为已读; 全部已读 marks every one.

import { busy, gql } from "./api.js";
import { dateTime, h } from "./format.js";

const COUNT = `{ viewer { unreadNotificationCount } }`;
const LIST = `{ viewer { unreadNotificationCount
  notifications(first: 20) { totalCount
    nodes { id kind title body createdAt readAt task { id } } } } }`;
const MARK = `mutation ($input: MarkNotificationsReadInput!) {
  markNotificationsRead(input: $input) { marked viewer { unreadNotificationCount } errors { message } }
}`;
const POLL_MS = 60_000; // a briefing or a sweep warning comes with no task event to hear

let pollTimer = null;

/** The bell button and its (hidden) panel, for the header. */
export function bell() {
  const count = h("span", { id: "bell-count", class: "count-badge", hidden: true });
  const button = h(
    "button",
    { type: "button", id: "bell", class: "secondary bell", "aria-expanded": "false", "aria-controls": "bell-panel", "aria-label": "提醒" },
    "提醒", count,
  );
  const panel = h("section", { id: "bell-panel", class: "bell-panel", hidden: true, "aria-label": "提醒" });
  button.addEventListener("click", () => {
    const open = panel.hidden;
    panel.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    if (open) busy(button, () => showPanel(panel));
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !panel.hidden) {
      panel.hidden = true;
      button.setAttribute("aria-expanded", "false");
      button.focus();
    }
  });
  clearInterval(pollTimer);
  pollTimer = setInterval(refreshBell, POLL_MS);
  return h("span", { class: "bell-wrap" }, button, panel);
}

function showCount(unread) {
  const badge = document.getElementById("bell-count");
  if (!badge) return;
  badge.textContent = String(unread);
  badge.hidden = unread === 0;
  document.getElementById("bell")?.setAttribute("aria-label", unread ? `提醒：${unread} 条未读` : "提醒：没有未读");
}

/** Ask the server for the unread count again (after a live event, or every minute). */
export async function refreshBell() {
  if (!document.getElementById("bell-count")) return;
  try {
    showCount((await gql(COUNT)).viewer.unreadNotificationCount);
  } catch (err) {
    // the page says what went wrong; the bell keeps its number
  }
  const panel = document.getElementById("bell-panel");
  if (panel && !panel.hidden) await showPanel(panel);
}

async function mark(input, panel) {
  const answer = (await gql(MARK, { input })).markNotificationsRead;
  if (answer.errors.length) throw new Error(answer.errors[0].message);
  showCount(answer.viewer.unreadNotificationCount);
  await showPanel(panel);
}

async function showPanel(panel) {
  const viewer = (await gql(LIST)).viewer;
  showCount(viewer.unreadNotificationCount);
  const items = viewer.notifications.nodes.map((n) => {
    const title = n.task ? h("a", { href: `#/tasks/${n.task.id}` }, n.title) : h("span", {}, n.title);
    const read = n.readAt
      ? h("small", { class: "muted" }, "已读")
      : h("button", { type: "button", class: "link-button", "data-notification": n.id }, "标为已读");
    if (!n.readAt) read.addEventListener("click", () => busy(read, () => mark({ ids: [n.id] }, panel)));
    return h(
      "li",
      { class: n.readAt ? "is-read" : "is-unread" },
      h("div", {}, title),
      n.body ? h("div", { class: "muted" }, n.body) : "",
      h("div", { class: "bell-meta" }, h("small", {}, dateTime(n.createdAt)), read),
    );
  });
  const all = h("button", { type: "button", class: "secondary", id: "bell-read-all", disabled: viewer.unreadNotificationCount === 0 }, "全部标为已读");
  all.addEventListener("click", () => busy(all, () => mark({ all: true }, panel)));
  panel.replaceChildren(
    h("header", {}, h("h2", {}, "提醒"), all),
    items.length ? h("ul", {}, ...items) : h("p", { class: "muted" }, "暂无提醒。"),
  );
}
