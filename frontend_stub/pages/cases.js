// 执行案件 and 破产案件: lists with search and paging, and detail pages with their tasks.

import { attachmentLinks } from "../attachments.js";
import { gql } from "../api.js";
import { ledgerButton } from "./ledger.js";
import { canCoordinate, canRegisterCases, dependencyForm, enforcementCaseForm, matterForm, performanceForm, taskForm } from "./writes.js";
import { goThenSay } from "../forms.js";
import {
  CLOSURE_LABELS, MATTER_LABELS, PAYMENT_LABELS, PROCEDURE_LABELS, SOURCE_LABELS,
  date, dateTime, facts, fill, h, money, queryString, stateBadge, table, warningBadge,
} from "../format.js";

const PAGE_SIZE = 20;

const ENFORCEMENT_LIST = `query ($filter: EnforcementCaseFilter, $first: Int, $after: String, $last: Int, $before: String) {
  enforcementCases(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes { id caseNumber cause amountDue amountPerformed closureMethod court { name } respondent { name } }
  }
}`;

const ENFORCEMENT = `query ($id: ID!) { node(id: $id) { ... on EnforcementCase {
  id caseNumber cause basis filedOn source batch amountDue amountPerformed applicantName applicantKind
  closureMethod closedOn performanceConfirmedAt court { name } respondent { name }
  performanceRecords { paidOn amount method note attachments { id name size url } }
  tasks { id code title state dueOn warning }
} } }`;

const BANKRUPTCY_LIST = `query ($filter: BankruptcyCaseFilter, $first: Int, $after: String, $last: Int, $before: String) {
  bankruptcyCases(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes { id caseNumber debtorName procedure acceptedOn court { name } matters { id state } }
  }
}`;

const BANKRUPTCY = `query ($id: ID!) { node(id: $id) { ... on BankruptcyCase {
  id caseNumber debtorName debtorUscc procedure acceptedOn administrator employeesAffected
  claimsTotal assetsTotal court { name }
  matters { id code title state dueOn warning matterType responsibleUnit { name } blockedBy { code } }
} } }`;

function paging(variables, q) {
  if (q.before) Object.assign(variables, { last: PAGE_SIZE, before: q.before });
  else Object.assign(variables, { first: PAGE_SIZE, after: q.after || null });
  return variables;
}

export function pager(path, q, connection) {
  const base = { ...q };
  delete base.after;
  delete base.before;
  return h(
    "nav",
    { class: "pager", "aria-label": "翻页" },
    connection.pageInfo.hasPreviousPage || q.after
      ? h("a", { class: "button secondary", href: `${path}${queryString({ ...base, before: connection.pageInfo.startCursor })}` }, "上一页")
      : null,
    h("span", {}, `共 ${connection.totalCount} 件`),
    connection.pageInfo.hasNextPage
      ? h("a", { class: "button secondary", href: `${path}${queryString({ ...base, after: connection.pageInfo.endCursor })}` }, "下一页")
      : null,
  );
}

function searchForm(path, q, label, extra) {
  const form = h(
    "form",
    { class: "filters", role: "search", "aria-label": label },
    h("div", { class: "field" }, h("label", { for: "search" }, label), h("input", { id: "search", name: "search", type: "search", value: q.search || "" })),
    extra,
    h("div", { class: "actions" }, h("button", { type: "submit" }, "查询")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    location.hash = `${path}${queryString(Object.fromEntries(new FormData(form)))}`;
  });
  return form;
}

function taskTable(caption, list, withUnit) {
  if (!list.length) return h("p", { class: "muted" }, "暂无交办事项。");
  return table(
    caption,
    ["编号", "事项", withUnit ? "责任单位" : null, "状态", "办结时限", "预警"].filter(Boolean),
    list.map((t) =>
      h(
        "tr",
        { class: t.warning === "RED" ? "overdue" : null },
        h("th", { scope: "row" }, h("a", { href: `#/tasks/${encodeURIComponent(t.id)}` }, t.code)),
        h("td", {}, t.title, t.matterType ? h("small", { class: "muted block" }, MATTER_LABELS[t.matterType]) : null),
        withUnit ? h("td", {}, t.responsibleUnit.name) : null,
        h("td", {}, stateBadge(t.state)),
        h("td", {}, date(t.dueOn)),
        h("td", {}, warningBadge(t.warning)),
      ),
    ),
  );
}

export async function renderEnforcementList(page, { query: q, notify, viewer }) {
  const filter = {};
  if (q.search) filter.search = q.search;
  if (q.closed) filter.closed = q.closed === "true";
  const { enforcementCases: list } = await gql(ENFORCEMENT_LIST, paging({ filter }, q));
  const closed = h(
    "div",
    { class: "field" },
    h("label", { for: "closed" }, "结案情况"),
    h("select", { id: "closed", name: "closed" }, [["", "全部"], ["false", "未结案"], ["true", "已结案"]].map(([v, t]) => h("option", { value: v, selected: (q.closed || "") === v }, t))),
  );
  fill(page, 
    h("h1", {}, "涉党政机关执行案件"),
    canRegisterCases(viewer)
      ? await enforcementCaseForm(viewer, {
          done: (c) => {
            goThenSay(`#/cases/${encodeURIComponent(c.id)}`, notify, `已登记执行案件 ${c.caseNumber}。`);
          },
        })
      : null,
    searchForm("#/cases", q, "搜索（案号、申请执行人、案由）", closed),
    ledgerButton("CASES", { enforcementCases: filter }, "涉党政机关执行案件台账.xlsx", notify),
    table(
      "执行案件列表",
      ["案号", "被执行单位", "执行法院", "执行标的", "已履行", "结案方式"],
      list.nodes.map((c) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, h("a", { href: `#/cases/${encodeURIComponent(c.id)}` }, c.caseNumber)),
          h("td", {}, c.respondent.name),
          h("td", {}, c.court.name),
          h("td", { class: "num" }, money(c.amountDue)),
          h("td", { class: "num" }, money(c.amountPerformed)),
          h("td", {}, c.closureMethod ? CLOSURE_LABELS[c.closureMethod] : "未结案"),
        ),
      ),
    ),
    pager("#/cases", q, list),
  );
}

export async function renderEnforcement(page, { params: [id], viewer, notify }) {
  const c = (await gql(ENFORCEMENT, { id })).node;
  const again = () => renderEnforcement(page, { params: [id], viewer, notify });
  if (!c) {
    fill(page, h("h1", {}, "案件不存在"), h("p", {}, "该案件不存在，或您无权查看。"));
    return;
  }
  fill(page, 
    h("p", { class: "crumbs" }, h("a", { href: "#/cases" }, "执行案件"), " / ", c.caseNumber),
    h("h1", {}, c.caseNumber),
    h(
      "section",
      { class: "card" },
      h("h2", {}, "案件信息"),
      facts([
        ["执行法院", c.court.name],
        ["被执行单位", c.respondent.name],
        ["申请执行人", c.applicantName],
        ["案由", c.cause],
        ["执行依据", c.basis],
        ["立案日期", date(c.filedOn)],
        ["来源", SOURCE_LABELS[c.source]],
        ["交办批次", c.batch || "—"],
        ["执行标的", money(c.amountDue)],
        ["已履行金额", money(c.amountPerformed)],
        ["结案方式", c.closureMethod ? `${CLOSURE_LABELS[c.closureMethod]}（${date(c.closedOn)}）` : "未结案"],
        ["法院确认履行", c.performanceConfirmedAt ? dateTime(c.performanceConfirmedAt) : "未确认"],
      ]),
    ),
    h(
      "section",
      { class: "card" },
      h("h2", {}, "履行记录"),
      c.performanceRecords.length
        ? table("履行记录", ["履行日期", "金额", "方式", "备注", "凭证"], c.performanceRecords.map((r) => h("tr", {}, h("td", {}, date(r.paidOn)), h("td", { class: "num" }, money(r.amount)), h("td", {}, PAYMENT_LABELS[r.method]), h("td", {}, r.note || "—"), h("td", {}, attachmentLinks(r.attachments) || "—"))))
        : h("p", { class: "muted" }, "尚无履行记录。"),
    ),
    canRegisterCases(viewer) && !c.closureMethod
      ? performanceForm(c, {
          done: async () => {
            await again();
            notify("已记录履行。");
          },
        })
      : null,
    h("section", { class: "card" }, h("h2", {}, "交办事项"), taskTable("案件的交办事项", c.tasks, false)),
    canCoordinate(viewer) && !c.closureMethod
      ? await taskForm({ kind: "ENFORCEMENT", subject: { enforcementCaseId: c.id }, heading: "交办本案", prefix: "case-task" }, {
          done: (task, assigned) => {
            goThenSay(`#/tasks/${encodeURIComponent(task.id)}`, notify, assigned ? `已交办 ${task.code}。` : `已保存草稿 ${task.code}。`);
          },
        })
      : null,
  );
}

export async function renderBankruptcyList(page, { query: q }) {
  const filter = q.search ? { search: q.search } : {};
  const { bankruptcyCases: list } = await gql(BANKRUPTCY_LIST, paging({ filter }, q));
  fill(page, 
    h("h1", {}, "企业破产案件"),
    searchForm("#/bankruptcy", q, "搜索（案号、债务人、信用代码）", null),
    table(
      "破产案件列表",
      ["案号", "债务人", "程序", "受理法院", "受理日期", "协调事项（已销号/总数）"],
      list.nodes.map((c) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, h("a", { href: `#/bankruptcy/${encodeURIComponent(c.id)}` }, c.caseNumber)),
          h("td", {}, c.debtorName),
          h("td", {}, PROCEDURE_LABELS[c.procedure]),
          h("td", {}, c.court.name),
          h("td", {}, date(c.acceptedOn)),
          h("td", { class: "num" }, `${c.matters.filter((m) => m.state === "CLOSED").length} / ${c.matters.length}`),
        ),
      ),
    ),
    pager("#/bankruptcy", q, list),
  );
}

export async function renderBankruptcy(page, { params: [id], viewer, notify }) {
  const c = (await gql(BANKRUPTCY, { id })).node;
  const again = () => renderBankruptcy(page, { params: [id], viewer, notify });
  if (!c) {
    fill(page, h("h1", {}, "案件不存在"), h("p", {}, "该案件不存在，或您无权查看。"));
    return;
  }
  fill(page, 
    h("p", { class: "crumbs" }, h("a", { href: "#/bankruptcy" }, "破产案件"), " / ", c.caseNumber),
    h("h1", {}, `${c.debtorName} ${c.caseNumber}`),
    h(
      "section",
      { class: "card" },
      h("h2", {}, "案件信息"),
      facts([
        ["债务人", c.debtorName],
        ["统一社会信用代码", c.debtorUscc],
        ["程序", PROCEDURE_LABELS[c.procedure]],
        ["受理法院", c.court.name],
        ["受理日期", date(c.acceptedOn)],
        ["管理人", c.administrator],
        ["涉及职工", `${c.employeesAffected} 人`],
        ["申报债权", money(c.claimsTotal)],
        ["资产总额", money(c.assetsTotal)],
      ]),
    ),
    h("section", { class: "card" }, h("h2", {}, "协调事项"), taskTable("协调事项", c.matters, true)),
    canCoordinate(viewer)
      ? await matterForm(c, {
          done: async (task) => {
            await again();
            notify(`已添加协调事项 ${task.code}。`);
          },
        })
      : null,
    canCoordinate(viewer) && c.matters.length > 1
      ? dependencyForm(c.matters, {
          done: async (task) => {
            await again();
            notify(`已设置办理顺序：${task.code} 须待前序事项办结。`);
          },
        })
      : null,
  );
}
