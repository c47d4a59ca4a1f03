// The administrator's pages: 账号管理 (createAccount, resetPassword, deactivateAccount)
// and 单位管理 (createUnit, updateUnit, deactivateUnit).

import { gql, onPress } from "../api.js";
import { apiForm, fields, forgetUnits, given } from "../forms.js";
import { ROLE_LABELS, dateTime, fill, h, table } from "../format.js";

export const UNIT_KIND_LABELS = {
  COURT: "法院",
  PARTY_GOV_ORGAN: "党政机关",
  DEPARTMENT: "政府部门",
  DISTRICT_GOV: "县区政府",
  OFFICE: "联席办",
};

// Pages of 20 accounts; 8 on a phone, where each account is a card.
const ACCOUNTS_PER_PAGE = { wide: 20, narrow: 8 };
const accountsPerPage = () => (matchMedia("(max-width: 600px)").matches ? ACCOUNTS_PER_PAGE.narrow : ACCOUNTS_PER_PAGE.wide);
// What the administrator looked for: kept when the page redraws after a change.
const accountView = { words: "", unitId: "", pageNo: 0 };
const ACCOUNTS = `{ accounts(first: 100) { totalCount nodes { id username displayName role active phone unit { id name } } } }`;
const UNITS = `{ units(first: 100) { totalCount nodes { id code name kind region courtCode active deactivatedAt parent { id name } } } }`;
const ERRORS = "errors { field code message }";
const CREATE_ACCOUNT = `mutation ($input: CreateAccountInput!) { createAccount(input: $input) { account { id username } ${ERRORS} } }`;
const RESET = `mutation ($input: ResetPasswordInput!) { resetPassword(input: $input) { account { id username } ${ERRORS} } }`;
const DEACTIVATE_ACCOUNT = `mutation ($input: DeactivateAccountInput!) { deactivateAccount(input: $input) { account { id username } ${ERRORS} } }`;
const CREATE_UNIT = `mutation ($input: CreateUnitInput!) { createUnit(input: $input) { unit { id name } ${ERRORS} } }`;
const UPDATE_UNIT = `mutation ($input: UpdateUnitInput!) { updateUnit(input: $input) { unit { id name } ${ERRORS} } }`;
const DEACTIVATE_UNIT = `mutation ($input: DeactivateUnitInput!) { deactivateUnit(input: $input) { unit { id name } ${ERRORS} } }`;

function onlyAdmin(page, viewer, title) {
  if (viewer.role === "ADMIN") return false;
  fill(page, h("h1", {}, title), h("p", { class: "muted" }, `${title}需要系统管理员账号。`));
  return true;
}

const activeBadge = (active) => h("span", { class: `badge ${active ? "state-closed" : "state-cancelled"}` }, active ? "启用" : "已停用");

export async function renderAccounts(page, { viewer, notify }) {
  if (onlyAdmin(page, viewer, "账号管理")) return null;
  const again = () => renderAccounts(page, { viewer, notify });
  const [{ accounts }, { units }] = await Promise.all([gql(ACCOUNTS), gql(UNITS)]);
  const unitChoices = units.nodes.filter((u) => u.active).map((u) => [u.id, `${u.name}（${UNIT_KIND_LABELS[u.kind]}）`]);
  const f = fields("account");
  const create = apiForm({
    id: "account-form",
    heading: "新建账号",
    submit: "创建账号",
    fields: [
      f.input("username", "用户名", { required: true, hint: "字母、数字、- 和 _，创建后不能修改" }),
      f.input("displayName", "姓名"),
      f.select("role", "角色", ROLE_LABELS, { required: true, value: "UNIT_LIAISON" }),
      f.select("unitId", "所属单位", unitChoices, { required: true }),
      f.input("password", "初始密码", { type: "password", required: true, hint: "至少10个字符，请当面或电话告知本人" }),
      f.input("phone", "电话（可不填）"),
    ],
    send: async (values) => (await gql(CREATE_ACCOUNT, { input: given(values) })).createAccount,
    done: async (payload) => {
      await again();
      notify(`已创建账号 ${payload.account.username}。`);
    },
  });
  const r = fields("reset");
  const active = accounts.nodes.filter((a) => a.active);
  const reset = apiForm({
    id: "reset-form",
    heading: "重置密码",
    intro: "重置后，该账号已登录的会话全部失效，须用新密码重新登录。",
    submit: "重置密码",
    fields: [
      r.select("accountId", "账号", active.map((a) => [a.id, `${a.username}（${a.displayName}）`]), { required: true }),
      r.input("password", "新密码", { type: "password", required: true, hint: "至少10个字符" }),
    ],
    send: async (values) => (await gql(RESET, { input: values })).resetPassword,
    done: async (payload) => {
      await again();
      notify(`已重置 ${payload.account.username} 的密码。`);
    },
  });
  const message = h("p", { class: "error", role: "alert", id: "account-message" });
  const row = (a) =>
    h(
      "tr",
      { dataset: { username: a.username } },
      h("th", { scope: "row" }, a.username),
      h("td", {}, a.displayName),
      h("td", {}, ROLE_LABELS[a.role] || a.role),
      h("td", {}, a.unit.name),
      h("td", {}, a.phone || "—"),
      h("td", { class: "state-cell" }, activeBadge(a.active)),
      h(
        "td",
        {},
        a.active && a.id !== viewer.id
          ? onPress(h("button", { type: "button", class: "danger small", "aria-label": `停用${a.username}` }, "停用"), async () => {
              if (!window.confirm(`停用账号 ${a.username}（${a.displayName}）？停用后不能登录，历史记录保留。`)) return;
              const { deactivateAccount: result } = await gql(DEACTIVATE_ACCOUNT, { input: { accountId: a.id } });
              if (result.errors.length) {
                message.textContent = result.errors.map((e) => e.message).join("；");
                return;
              }
              await again();
              notify(`已停用账号 ${a.username}。`);
            })
          : null,
      ),
    );
  // A search box, a unit and pages (accountsPerPage): the list stays short on a phone.
  const search = h("input", { id: "account-search", type: "search", autocomplete: "off", placeholder: "用户名、姓名或电话" });
  const withAccounts = [...new Map(accounts.nodes.map((a) => [a.unit.id, a.unit.name])).entries()].sort((x, y) => x[1].localeCompare(y[1], "zh-CN"));
  const unitFilter = h("select", { id: "account-unit" }, h("option", { value: "" }, "全部单位"), withAccounts.map(([id, name]) => h("option", { value: id }, name)));
  const count = h("p", { class: "count", id: "account-count", role: "status" });
  const list = h("div", { id: "account-list" });
  search.value = accountView.words;
  unitFilter.value = withAccounts.some(([id]) => id === accountView.unitId) ? accountView.unitId : "";
  let pageNo = accountView.pageNo;
  const perPage = accountsPerPage();
  function draw() {
    Object.assign(accountView, { words: search.value, unitId: unitFilter.value, pageNo });
    const words = search.value.trim().toLowerCase();
    const found = accounts.nodes.filter(
      (a) =>
        (!unitFilter.value || a.unit.id === unitFilter.value) &&
        (!words || [a.username, a.displayName, a.phone || ""].some((v) => v.toLowerCase().includes(words))),
    );
    const pages = Math.max(1, Math.ceil(found.length / perPage));
    pageNo = Math.min(pageNo, pages - 1);
    accountView.pageNo = pageNo;
    const shown = found.slice(pageNo * perPage, (pageNo + 1) * perPage);
    count.textContent = found.length === accounts.totalCount ? `共 ${accounts.totalCount} 个账号` : `共 ${accounts.totalCount} 个账号，筛选出 ${found.length} 个`;
    const turn = (to, label) =>
      h("button", { type: "button", class: "secondary", disabled: to < 0 || to >= pages, onclick: () => { pageNo = to; draw(); } }, label);
    list.replaceChildren(
      shown.length ? table("账号列表", ["用户名", "姓名", "角色", "所属单位", "电话", "状态", "操作"], shown.map(row)) : h("p", { class: "muted" }, "没有符合条件的账号。"),
      pages > 1 ? h("nav", { class: "pager", "aria-label": "账号翻页" }, turn(pageNo - 1, "上一页"), h("span", { id: "account-page" }, `第 ${pageNo + 1} / ${pages} 页`), turn(pageNo + 1, "下一页")) : null,
    );
  }
  search.addEventListener("input", () => { pageNo = 0; draw(); });
  unitFilter.addEventListener("change", () => { pageNo = 0; draw(); });
  draw();
  fill(
    page,
    h("h1", {}, "账号管理"),
    create,
    reset,
    message,
    h(
      "div",
      { class: "filters", role: "search", "aria-label": "筛选账号" },
      h("div", { class: "field" }, h("label", { for: "account-search" }, "按用户名或姓名查找"), search),
      h("div", { class: "field" }, h("label", { for: "account-unit" }, "按单位筛选"), unitFilter),
    ),
    count,
    list,
  );
  return null;
}

export async function renderUnits(page, { viewer, notify }) {
  if (onlyAdmin(page, viewer, "单位管理")) return null;
  const again = () => renderUnits(page, { viewer, notify });
  const { units } = await gql(UNITS);
  const parents = units.nodes.filter((u) => u.active).map((u) => [u.id, u.name]);
  const f = fields("unit");
  const create = apiForm({
    id: "unit-form",
    heading: "新建单位",
    submit: "创建单位",
    fields: [
      f.input("code", "单位代码", { required: true, placeholder: "KF-XXJ", hint: "字母、数字、- 和 _，创建后不能修改" }),
      f.input("name", "单位名称", { required: true }),
      f.select("kind", "类型", UNIT_KIND_LABELS, { required: true }),
      f.input("region", "县区（可不填）", { placeholder: "龙亭区、杞县 或 市本级" }),
      f.input("courtCode", "法院代字（法院填写）", { placeholder: "豫0202" }),
      f.select("parentId", "上级单位（可不填）", parents, { empty: "无" }),
    ],
    send: async (values) => (await gql(CREATE_UNIT, { input: given(values) })).createUnit,
    done: async (payload) => {
      forgetUnits();
      await again();
      notify(`已创建单位 ${payload.unit.name}。`);
    },
  });
  const e = fields("edit-unit");
  const active = units.nodes.filter((u) => u.active);
  const edit = apiForm({
    id: "edit-unit-form",
    heading: "修改单位",
    intro: "单位代码不能修改；留空的县区、法院代字将被清除。",
    submit: "保存修改",
    fields: [
      e.select("id", "单位", active.map((u) => [u.id, `${u.name}（${u.code}）`]), { required: true }),
      e.input("name", "单位名称", { required: true }),
      e.select("kind", "类型", UNIT_KIND_LABELS, { required: true }),
      e.input("region", "县区"),
      e.input("courtCode", "法院代字"),
    ],
    send: async (values) => {
      const input = { ...values, region: values.region || null, courtCode: values.courtCode || null };
      return (await gql(UPDATE_UNIT, { input })).updateUnit;
    },
    done: async (payload) => {
      forgetUnits();
      await again();
      notify(`已保存单位 ${payload.unit.name}。`);
    },
  });
  // picking a unit fills in what it has now
  const picker = edit.querySelector("[name=id]");
  picker.addEventListener("change", () => {
    const unit = units.nodes.find((u) => u.id === picker.value);
    if (!unit) return;
    for (const name of ["name", "kind", "region", "courtCode"]) edit.querySelector(`[name=${name}]`).value = unit[name] || "";
  });
  const message = h("p", { class: "error", role: "alert", id: "unit-message" });
  const rows = units.nodes.map((u) =>
    h(
      "tr",
      { dataset: { code: u.code } },
      h("th", { scope: "row" }, u.code),
      h("td", {}, u.name, u.parent ? h("small", { class: "muted block" }, `上级：${u.parent.name}`) : null),
      h("td", {}, UNIT_KIND_LABELS[u.kind] || u.kind),
      h("td", {}, u.region || "—"),
      h("td", {}, u.courtCode || "—"),
      h("td", { class: "state-cell" }, activeBadge(u.active), u.deactivatedAt ? h("small", { class: "muted block" }, dateTime(u.deactivatedAt)) : null),
      h(
        "td",
        {},
        u.active
          ? onPress(h("button", { type: "button", class: "danger small", "aria-label": `停用${u.name}` }, "停用"), async () => {
              if (!window.confirm(`停用 ${u.name}？它的案件、事项和历史保留，但不再接收新的交办、案件或账号。`)) return;
              const { deactivateUnit: result } = await gql(DEACTIVATE_UNIT, { input: { id: u.id } });
              if (result.errors.length) {
                message.textContent = result.errors.map((x) => x.message).join("；");
                return;
              }
              forgetUnits();
              await again();
              notify(`已停用单位 ${u.name}。`);
            })
          : null,
      ),
    ),
  );
  fill(
    page,
    h("h1", {}, "单位管理"),
    create,
    edit,
    message,
    h("p", { class: "count" }, `共 ${units.totalCount} 个单位`),
    table("单位列表", ["代码", "名称", "类型", "县区", "法院代字", "状态", "操作"], rows),
  );
  return null;
}
