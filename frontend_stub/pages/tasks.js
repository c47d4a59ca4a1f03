// 交办事项: the list with the API's filters, sort and paging, kept in the address.

import { gql } from "../api.js";
import { ledgerButton } from "./ledger.js";
import { canCoordinate, taskForm } from "./writes.js";
import { goThenSay } from "../forms.js";
import {
  KIND_LABELS, STATE_LABELS, SUPERVISION_LABELS, WARNING_LABELS,
  date, fill, h, queryString, stateBadge, table, warningBadge,
} from "../format.js";

const TASKS = `query ($filter: TaskFilter, $orderBy: TaskOrder, $first: Int, $after: String, $last: Int, $before: String) {
  tasks(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes { id code title kind state dueOn overdue warning supervisionLevel version
      responsibleUnit { id name } progress { percent } }
  }
}`;

const UNITS = `{ units(first: 100) { nodes { id name active } } }`;

const PAGE_SIZE = 20;
const SORTS = {
  OPEN_FIRST: "未办结在前",
  DUE_ON: "办结时限",
  CODE: "事项编号",
  UPDATED_AT: "最近变动",
  CREATED_AT: "创建时间",
  SUPERVISION_LEVEL: "督办等级",
};

let unitsCache = null;

function select(id, label, options, value) {
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    h("select", { id, name: id }, h("option", { value: "" }, "全部"), Object.entries(options).map(([key, text]) => h("option", { value: key, selected: key === value }, text))),
  );
}

function input(id, label, type, value) {
  return h("div", { class: "field" }, h("label", { for: id }, label), h("input", { id, name: id, type, value: value || "" }));
}

function filterOf(q) {
  const filter = {};
  if (q.state) filter.state = q.state.split(",");
  if (q.kind) filter.kind = q.kind;
  if (q.unit) filter.responsibleUnitId = q.unit;
  if (q.warning) filter.warning = q.warning;
  if (q.overdue) filter.overdue = q.overdue === "true";
  if (q.dueAfter) filter.dueAfter = q.dueAfter;
  if (q.dueBefore) filter.dueBefore = q.dueBefore;
  if (q.search) filter.search = q.search;
  return filter;
}

export async function render(page, { query: q, viewer, notify }) {
  if (!unitsCache) unitsCache = (await gql(UNITS)).units.nodes;
  const variables = {
    filter: filterOf(q),
    orderBy: { field: q.sort || "OPEN_FIRST", direction: q.dir || "ASC" },
  };
  if (q.before) Object.assign(variables, { last: PAGE_SIZE, before: q.before });
  else Object.assign(variables, { first: PAGE_SIZE, after: q.after || null });
  const { tasks } = await gql(TASKS, variables);

  const form = h(
    "form",
    { class: "filters", role: "search", "aria-label": "筛选交办事项" },
    input("search", "搜索（编号、标题、案号、当事人）", "search", q.search),
    select("state", "办理状态", STATE_LABELS, q.state),
    select("kind", "事项类型", KIND_LABELS, q.kind),
    viewer.role === "UNIT_LIAISON" ? null : select("unit", "责任单位", Object.fromEntries(unitsCache.map((u) => [u.id, u.active ? u.name : `${u.name}（已停用）`])), q.unit),
    select("warning", "预警", WARNING_LABELS, q.warning),
    select("overdue", "是否超期", { true: "已超期", false: "未超期" }, q.overdue),
    input("dueAfter", "办结时限起", "date", q.dueAfter),
    input("dueBefore", "办结时限止", "date", q.dueBefore),
    select("sort", "排序", SORTS, q.sort || "OPEN_FIRST"),
    select("dir", "顺序", { ASC: "升序", DESC: "降序" }, q.dir || "ASC"),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "查询"), h("a", { class: "button secondary", href: "#/tasks" }, "清除条件")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const values = Object.fromEntries(new FormData(form));
    if (values.sort === "OPEN_FIRST") delete values.sort;
    if (values.dir === "ASC") delete values.dir;
    location.hash = `#/tasks${queryString(values)}`;
  });

  const rows = tasks.nodes.map((t) =>
    h(
      "tr",
      { class: t.overdue ? "overdue" : null, dataset: { taskId: t.id, state: t.state } },
      h("th", { scope: "row" }, h("a", { href: `#/tasks/${encodeURIComponent(t.id)}` }, t.code)),
      h("td", { class: "title-cell" }, t.title, h("small", { class: "muted block" }, KIND_LABELS[t.kind])),
      h("td", {}, t.responsibleUnit.name),
      h("td", { class: "state-cell" }, stateBadge(t.state)),
      h("td", {}, date(t.dueOn), t.overdue ? h("strong", { class: "overdue-mark" }, " 已超期") : null),
      h("td", {}, warningBadge(t.warning)),
      h("td", {}, SUPERVISION_LABELS[t.supervisionLevel]),
    ),
  );
  const base = { ...q };
  delete base.after;
  delete base.before;
  const pager = h(
    "nav",
    { class: "pager", "aria-label": "翻页" },
    tasks.pageInfo.hasPreviousPage || q.after
      ? h("a", { class: "button secondary", href: `#/tasks${queryString({ ...base, before: tasks.pageInfo.startCursor })}` }, "上一页")
      : null,
    h("span", {}, `共 ${tasks.totalCount} 件`),
    tasks.pageInfo.hasNextPage
      ? h("a", { class: "button secondary", href: `#/tasks${queryString({ ...base, after: tasks.pageInfo.endCursor })}` }, "下一页")
      : null,
  );
  fill(page, 
    h("h1", {}, "交办事项"),
    viewer.role === "UNIT_LIAISON" ? h("p", { class: "muted" }, `仅显示${viewer.unit.name}承办或配合的事项。`) : null,
    canCoordinate(viewer)
      ? await taskForm({}, {
          done: (task, assigned) => {
            goThenSay(`#/tasks/${encodeURIComponent(task.id)}`, notify, assigned ? `已交办 ${task.code}。` : `已保存草稿 ${task.code}。`);
          },
        })
      : null,
    form,
    h("p", { class: "count", id: "task-count", role: "status" }, `符合条件的事项共 ${tasks.totalCount} 件`),
    ledgerButton("TASKS", { tasks: filterOf(q) }, "交办事项台账.xlsx", notify),
    rows.length ? table("交办事项列表", ["编号", "事项", "责任单位", "状态", "办结时限", "预警", "督办"], rows) : h("p", { class: "empty" }, "没有符合条件的事项。"),
    pager,
  );

  let timer = null;
  return {
    // A new event may change a row or what the filter matches: reload the page of the list.
    onTaskEvent() {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        if (!page.isConnected) return;
        const fresh = h("div");
        await render(fresh, { query: q, viewer });
        const focused = document.activeElement && document.activeElement.id;
        if (page.isConnected && !form.contains(document.activeElement)) {
          // the 交办 form keeps what is being typed into it
          const mine = page.querySelector("[data-form]");
          const theirs = fresh.querySelector("[data-form]");
          if (mine && theirs) theirs.replaceWith(mine);
          page.replaceChildren(...fresh.childNodes);
          if (focused) document.getElementById(focused)?.focus();
        }
      }, 300);
    },
  };
}
