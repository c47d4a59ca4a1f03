// 待办: the first page — what waits on this person now (Query.inbox), section by section,
// kept current by the live task events.

import { gql } from "../api.js";
import { KIND_LABELS, date, fill, h, stateBadge, table, warningBadge } from "../format.js";

export const INBOX = `{ inbox { total sections { kind label count
  tasks { id code title kind state dueOn overdue warning responsibleUnit { name } } } } }`;

// What to do about each section, said under its heading.
const HINTS = {
  TO_ACCEPT: "已交办到本单位，请签收或退回。",
  DUE_SOON: "3个工作日内到期，请抓紧办理或申请延期。",
  REJECTED: "销号申请被驳回，请补充材料后重新申请。",
  SUPERVISED: "联席办已督办或催办，请报告进展。",
  EXTENSION_ANSWERED: "延期申请已答复，请按新的办结时限办理。",
  CLOSURE_TO_REVIEW: "责任单位已申请销号，请审核。",
  EXTENSION_TO_DECIDE: "责任单位申请延期，请审批。",
  OVERDUE: "已超过办结时限仍未办结。",
  LISTING_CANDIDATE: "超期10个工作日以上且尚未挂牌：请打开事项，决定是否「督办」挂牌（须填写意见说明）。",
};

// A section lists its first few tasks (fewer on a phone, where each is a card); the
// rest open with 查看全部（N）, so the page stays short.
export const FIRST_SHOWN = { wide: 3, narrow: 2 };
const firstShown = () => (matchMedia("(max-width: 600px)").matches ? FIRST_SHOWN.narrow : FIRST_SHOWN.wide);
// The sections opened in full stay open when a live event redraws the page.
const expanded = new Set();

function section(s) {
  const first = firstShown();
  const id = `inbox-${s.kind.toLowerCase()}`;
  const rows = s.tasks.map((t, i) =>
    h(
      "tr",
      { class: t.overdue ? "overdue" : null, dataset: { taskId: t.id }, hidden: i >= first && !expanded.has(s.kind) },
      h("th", { scope: "row" }, h("a", { href: `#/tasks/${encodeURIComponent(t.id)}` }, t.code)),
      h("td", { class: "title-cell" }, t.title, h("small", { class: "muted block" }, KIND_LABELS[t.kind])),
      h("td", {}, t.responsibleUnit.name),
      h("td", { class: "state-cell" }, stateBadge(t.state)),
      h("td", {}, date(t.dueOn)),
      h("td", {}, warningBadge(t.warning)),
    ),
  );
  return h(
    "section",
    { class: `card inbox-section${s.count ? "" : " is-empty"}`, "aria-labelledby": `${id}-h`, dataset: { kind: s.kind, count: s.count } },
    h("h2", { id: `${id}-h` }, s.label, " ", h("span", { class: "count-badge" }, s.count)),
    s.count ? h("p", { class: "muted hint" }, HINTS[s.kind]) : h("p", { class: "muted" }, "暂无。"),
    rows.length ? table(`${s.label}的事项`, ["编号", "事项", "责任单位", "状态", "办结时限", "预警"], rows) : null,
    s.tasks.length > first && !expanded.has(s.kind) ? showAll(s) : null,
    s.count > s.tasks.length ? h("p", { class: "muted all-note", hidden: !expanded.has(s.kind) }, `仅列出最急的 ${s.tasks.length} 件，共 ${s.count} 件。`) : null,
  );
}

function showAll(s) {
  return h(
    "button",
    {
      type: "button",
      class: "secondary show-all",
      onclick: (event) => {
        expanded.add(s.kind);
        const section = event.currentTarget.closest("section");
        for (const el of section.querySelectorAll("tr[hidden], .all-note")) el.hidden = false;
        event.currentTarget.remove();
      },
    },
    `查看全部（${s.count}）`,
  );
}

export async function render(page, { viewer }) {
  const { inbox } = await gql(INBOX);
  const waiting = inbox.sections.filter((s) => s.count);
  const quiet = inbox.sections.filter((s) => !s.count);
  fill(
    page,
    h("h1", {}, "待办"),
    h(
      "p",
      { class: "inbox-total", id: "inbox-total", role: "status" },
      inbox.sections.length
        ? inbox.total
          ? `共 ${inbox.total} 件事项等待您处理。`
          : "目前没有等待您处理的事项。"
        : `${viewer.displayName}的角色没有待办事项；请从导航进入各页面。`,
    ),
    h(
      "nav",
      { class: "inbox-jump", "aria-label": "待办分类" },
      inbox.sections.map((s) =>
        h(
          "button",
          {
            type: "button",
            class: `secondary jump${s.count ? "" : " zero"}`,
            dataset: { kind: s.kind },
            onclick: () => {
              const heading = document.getElementById(`inbox-${s.kind.toLowerCase()}-h`);
              heading.setAttribute("tabindex", "-1");
              heading.focus();
            },
          },
          s.label,
          " ",
          h("strong", {}, s.count),
        ),
      ),
    ),
    // the sections with work first, the empty ones after
    waiting.map(section),
    quiet.length ? h("div", { class: "inbox-quiet" }, quiet.map(section)) : null,
  );
  let timer = null;
  return {
    onTaskEvent() {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        if (!page.isConnected) return;
        const fresh = h("div");
        await render(fresh, { viewer });
        if (page.isConnected) page.replaceChildren(...fresh.childNodes);
      }, 300);
    },
  };
}

