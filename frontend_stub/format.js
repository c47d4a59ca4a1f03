// Labels, formats and a tiny DOM builder shared by the pages.

export const STATE_LABELS = {
  DRAFT: "草稿",
  ASSIGNED: "已交办",
  ACCEPTED: "已签收",
  RETURNED: "已退回",
  IN_PROGRESS: "办理中",
  SUSPENDED: "已中止",
  CLOSURE_REQUESTED: "申请销号",
  CLOSED: "已销号",
  CANCELLED: "已撤销",
};

export const KIND_LABELS = {
  ENFORCEMENT: "涉党政机关执行案件",
  BANKRUPTCY_MATTER: "破产协调事项",
  MEETING_DECISION: "联席会议议定事项",
  OTHER: "其他交办事项",
};

export const WARNING_LABELS = {
  RED: "红色预警（超期）",
  YELLOW: "黄色预警（滞后）",
  BLUE: "蓝色预警（临期）",
  NONE: "无预警",
  UNKNOWN: "无法判定",
};

export const WARNING_SHORT = { RED: "红", YELLOW: "黄", BLUE: "蓝", NONE: "—", UNKNOWN: "?" };

export const SUPERVISION_LABELS = { NORMAL: "一般", KEY: "重点", LISTED: "挂牌" };

export const ROLE_LABELS = {
  COORDINATOR: "联席办协调员",
  COURT_LIAISON: "法院联络员",
  UNIT_LIAISON: "单位联络员",
  LEADER: "领导",
  ADMIN: "系统管理员",
};

export const PROCEDURE_LABELS = { LIQUIDATION: "破产清算", REORGANIZATION: "破产重整", SETTLEMENT: "破产和解" };
export const LEVEL_LABELS = { PROVINCE: "省级", CITY: "市级", COUNTY: "县级" };
export const SOURCE_LABELS = {
  PROVINCE_ASSIGNED: "省联席办交办",
  CITY_ASSIGNED: "市联席办交办",
  COURT_REFERRED: "法院移送",
  SELF_FOUND: "自查",
};
export const CLOSURE_LABELS = {
  FULL_PERFORMANCE: "执行完毕",
  SETTLEMENT: "执行和解履行完毕",
  TERMINATION: "终结执行",
  NOT_ENFORCED: "不予执行",
  WITHDRAWN: "撤回执行申请",
  TERMINATION_THIS_ROUND: "终结本次执行",
};
export const PAYMENT_LABELS = {
  TRANSFER: "转账",
  COURT_ACCOUNT: "交付法院执行款账户",
  FISCAL_ALLOCATION: "财政拨付",
  ASSET_DELIVERY: "以物抵债",
  OTHER: "其他",
};
export const MATTER_LABELS = {
  EMPLOYEE_SETTLEMENT: "职工安置",
  TAX: "税收",
  CREDIT_REPAIR: "信用修复",
  ASSET_TAKEOVER: "财产接管",
  ASSET_DISPOSAL: "资产处置",
  PROPERTY_REGISTRATION: "不动产登记",
  FINANCIAL: "金融协调",
  DEBT_EVASION: "打击逃废债",
  DEREGISTRATION: "变更注销",
  FUNDING: "破产费用保障",
  STABILITY: "社会稳定",
  OTHER: "其他",
};
export const REQUIRES_LABELS = { comment: "意见说明", evidence: "证明材料", dueOn: "办结时限" };

const DATE_TIME = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});

/** A moment (ISO with offset) in Beijing time: 2026/11/20 09:30. */
export function dateTime(iso) {
  return iso ? DATE_TIME.format(new Date(iso)) : "—";
}

/** A calendar date (YYYY-MM-DD), shown as is: due dates are days, not moments. */
export function date(value) {
  return value || "—";
}

/** Today in Beijing as YYYY-MM-DD. */
export function today() {
  return new Intl.DateTimeFormat("sv-SE", { timeZone: "Asia/Shanghai" }).format(new Date());
}

export function percent(rate) {
  return rate === null || rate === undefined ? "—" : `${(rate * 100).toFixed(1)}%`;
}

/** Yuan from the API's decimal string, with thousands separators: 1,200,000.00 元. */
export function money(value) {
  if (value === null || value === undefined) return "—";
  const [whole, fraction = "00"] = String(value).split(".");
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${fraction.padEnd(2, "0")} 元`;
}

/**
 * Yuan from the API's decimal string in 万元, as the briefing writes money (exact, no
 * separators, half up): "56075800.00" → "5607.58 万元"; under 1 万元 in 元: "350.00 元".
 */
export function wan(value) {
  if (value === null || value === undefined) return "—";
  const [whole, fraction = ""] = String(value).split(".");
  const fen = BigInt(whole || "0") * 100n + BigInt((fraction + "00").slice(0, 2));
  if (fen < 1000000n) return `${whole || "0"}.${(fraction + "00").slice(0, 2)} 元`;
  const hundredths = (fen + 5000n) / 10000n; // 0.01 万元 is 10000 fen
  const text = hundredths.toString().padStart(3, "0");
  return `${text.slice(0, -2)}.${text.slice(-2)} 万元`;
}

/** Places in a ranking: ties share one, the next skips (1, 2, 2, 4), by ``key``. */
export function places(items, key) {
  let place = 0;
  return items.map((item, i) => {
    if (i === 0 || key(item) !== key(items[i - 1])) place = i + 1;
    return place;
  });
}

/** Integer axis ticks from 0, evenly spaced, the last at or above ``max``: 3 → 0 1 2 3. */
export function integerTicks(max, most = 5) {
  const top = Math.max(1, Math.ceil(max));
  // the smallest of 1, 2, 5, 10, 20, 50 … that needs at most `most` intervals
  let step = 1;
  for (let scale = 1; ; scale *= 10) {
    const found = [1, 2, 5].map((b) => b * scale).find((s) => Math.ceil(top / s) <= most);
    if (found) {
      step = found;
      break;
    }
  }
  const ticks = [];
  for (let t = 0; ticks.length === 0 || ticks[ticks.length - 1] < top; t += step) ticks.push(t);
  return ticks;
}

/**
 * h("a", {href: "#/tasks", class: "x"}, "text", child) — builds elements without
 * innerHTML, so nothing from the API is ever parsed as markup.
 */
export function h(tag, attrs = {}, ...children) {
  const svg = ["svg", "g", "rect", "line", "polyline", "path", "text", "circle", "title", "defs", "marker", "polygon"].includes(tag);
  const node = svg ? document.createElementNS("http://www.w3.org/2000/svg", tag) : document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Replace a node's children, skipping null/false (replaceChildren would print "null"). */
export function fill(node, ...children) {
  node.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
}

export function warningBadge(warning, reason) {
  // an UNKNOWN warning says why (Task.warningUnknownReason: 2027年节假日安排尚未录入)
  const label = WARNING_LABELS[warning] || warning;
  return h(
    "span",
    { class: `badge warn-${(warning || "NONE").toLowerCase()}`, title: reason || null },
    reason ? `${label}（${reason}）` : label,
  );
}

export function stateBadge(state) {
  return h("span", { class: `badge state state-${(state || "").toLowerCase()}` }, STATE_LABELS[state] || state);
}

/** A description list from [label, value] pairs. */
export function facts(pairs) {
  return h(
    "dl",
    { class: "facts" },
    pairs.filter(Boolean).map(([term, value]) => [h("dt", {}, term), h("dd", {}, value ?? "—")]),
  );
}

/** A table that scrolls sideways on a narrow screen rather than squeezing. */
export function table(caption, headers, rows) {
  for (const row of rows) {
    [...row.children].forEach((cell, i) => {
      if (headers[i]) cell.dataset.label = headers[i];
    });
  }
  return h(
    "div",
    { class: "table-wrap", role: "region", "aria-label": caption, tabindex: "0" },
    h(
      "table",
      {},
      h("caption", { class: "visually-hidden" }, caption),
      h("thead", {}, h("tr", {}, headers.map((name) => h("th", { scope: "col" }, name)))),
      h("tbody", {}, rows),
    ),
  );
}

/** Parse "a=1&b=2" into an object. */
export function parseQuery(text) {
  return Object.fromEntries(new URLSearchParams(text || ""));
}

export function queryString(values) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== "" && value != null) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : "";
}
