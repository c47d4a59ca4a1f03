// The header's bell (提醒, issue 20): the unread count, kept live, and a panel of the
// newest notifications, each with its link and 标为已读; 全部已读 marks every one; below
// them 提醒方式: one's own e-mail, the channels beside the bell, immediate or a digest.

import { busy, gql } from "./api.js";
import { dateTime, h } from "./format.js";
import { apiForm, fields } from "./forms.js";

const COUNT = `{ viewer { unreadNotificationCount } }`;
const LIST = `{ viewer { unreadNotificationCount
  notifications(first: 20) { totalCount
    nodes { id kind title body createdAt readAt task { id } } } } }`;
const MARK = `mutation ($input: MarkNotificationsReadInput!) {
  markNotificationsRead(input: $input) { marked viewer { unreadNotificationCount } errors { message } }
}`;
const PREFERENCES = `{ viewer { email phone notifyChannels notifyMode } }`;
const SET_PREFERENCES = `mutation ($input: SetNotificationPreferencesInput!) {
  setNotificationPreferences(input: $input) {
    account { email notifyChannels notifyMode } errors { field code message }
  }
}`;
const CHANNELS = [["EMAIL", "电子邮件"], ["WEBHOOK", "短信"]];
const MODES = { IMMEDIATE: "即时提醒", DIGEST: "每日汇总（工作日早上一次）" };
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

/** 提醒方式: the viewer's own reminder choices, as a form (made once per panel). */
async function preferencesForm() {
  const viewer = (await gql(PREFERENCES)).viewer;
  const f = fields("reminders");
  const channels = h(
    "fieldset",
    { class: "field wide", dataset: { field: "channels" } },
    h("legend", {}, "提醒渠道（站内提醒之外）"),
    CHANNELS.map(([value, label]) =>
      h("label", { class: "check" },
        h("input", { type: "checkbox", name: `channel-${value}`, value, checked: viewer.notifyChannels.includes(value) }),
        ` ${label}`),
    ),
    h("p", { class: "hint" }, viewer.phone ? `短信发往 ${viewer.phone}。` : "短信需要账号的联系电话，请联系管理员填写。"),
    h("ul", { class: "field-errors", role: "alert" }),
  );
  const form = apiForm({
    id: "reminders-form",
    heading: "提醒方式",
    submit: "保存提醒方式",
    fields: [
      f.input("email", "电子邮箱", { type: "email", value: viewer.email || "", wide: true }),
      channels,
      f.select("mode", "提醒频率", MODES, { value: viewer.notifyMode, empty: null, wide: true }),
    ],
    send: (entered) =>
      gql(SET_PREFERENCES, {
        input: {
          email: entered.email,
          channels: CHANNELS.map(([value]) => value).filter((value) => entered[`channel-${value}`]),
          mode: entered.mode,
        },
      }).then((d) => d.setNotificationPreferences),
    done: (payload) => {
      const saved = payload.account;
      const said = saved.notifyChannels.map((c) => Object.fromEntries(CHANNELS)[c]).join("、") || "仅站内提醒";
      status.textContent = `已保存：${said}，${MODES[saved.notifyMode]}。`;
    },
  });
  // what was saved, in the ink of a success (not the red of the field errors); cleared
  // when the form is sent again
  const status = h("p", { class: "form-saved", role: "status" });
  form.querySelector("form").append(status);
  form.querySelector("form").addEventListener("submit", () => { status.textContent = ""; }, { capture: true });
  return form;
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
  // the list is drawn again on every refresh; the settings form only once, so that a
  // refresh never wipes what is being typed
  const settings = panel.querySelector("#reminders-form")?.closest("details") || (await preferencesForm());
  panel.replaceChildren(
    h("header", {}, h("h2", {}, "提醒"), all),
    items.length ? h("ul", {}, ...items) : h("p", { class: "muted" }, "暂无提醒。"),
    settings,
  );
}
