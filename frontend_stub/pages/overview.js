// 总览: closure progress from `progress`, every figure a link to the list behind it.

import { gql } from "../api.js";
import { dateTime, fill, h, integerTicks, percent, places, table, wan } from "../format.js";

const PROGRESS = `{
  progress {
    asOf total open closed cancelled overdue
    closureRate onTimeRate performanceRate amountRate
    enforcementCases performedCases amountDue amountPerformed
    warnings { blue yellow red }
    byUnit { unit { id name } total closed overdue closureRate onTimeRate }
    trend { weekStart new closed }
  }
}`;

function figure(label, value, detail, href, id) {
  return h(
    "a",
    { class: "figure", href, id },
    h("span", { class: "figure-label" }, label),
    h("span", { class: "figure-value" }, value),
    h("span", { class: "figure-detail" }, detail),
  );
}

/** Weekly new and closed tasks as grouped bars, drawn as inline SVG. */
function trendChart(trend) {
  const width = 640;
  const height = 220;
  const pad = { left: 32, right: 8, top: 12, bottom: 40 };
  // integer ticks, evenly spaced (counts are whole): 0 1 2 3, not 0 2 3
  const ticks = integerTicks(Math.max(1, ...trend.flatMap((w) => [w.new, w.closed])));
  const max = ticks[ticks.length - 1];
  const slot = (width - pad.left - pad.right) / Math.max(1, trend.length);
  const bar = Math.max(2, slot / 2 - 3);
  const y = (value) => pad.top + (height - pad.top - pad.bottom) * (1 - value / max);
  const base = y(0);
  const summary = trend.map((w) => `${w.weekStart} 起一周：新增 ${w.new}，销号 ${w.closed}`).join("；");
  return h(
    "figure",
    { class: "chart" },
    h(
      "svg",
      { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": `每周新增与销号趋势。${summary}` },
      ticks.map((t) => [
        h("line", { x1: pad.left, x2: width - pad.right, y1: y(t), y2: y(t), class: "grid" }),
        h("text", { x: pad.left - 6, y: y(t) + 4, class: "axis", "text-anchor": "end" }, t),
      ]),
      trend.map((w, i) => {
        const x = pad.left + i * slot + 2;
        return h(
          "g",
          {},
          h("rect", { x, y: y(w.new), width: bar, height: base - y(w.new), class: "bar-new" }, h("title", {}, `${w.weekStart} 新增 ${w.new}`)),
          h("rect", { x: x + bar + 1, y: y(w.closed), width: bar, height: base - y(w.closed), class: "bar-closed" }, h("title", {}, `${w.weekStart} 销号 ${w.closed}`)),
          i % 2 === 0 ? h("text", { x: x + bar, y: height - pad.bottom + 16, class: "axis", "text-anchor": "middle" }, w.weekStart.slice(5)) : null,
        );
      }),
    ),
    h(
      "figcaption",
      {},
      h("span", { class: "key key-new" }, "新增"),
      h("span", { class: "key key-closed" }, "销号"),
      " 按周统计（周一起算）",
    ),
  );
}

export async function render(page) {
  const { progress: p } = await gql(PROGRESS);
  const w = p.warnings;
  // ties share a place: two units at 50.0% are both 3rd, the next is 5th
  const place = places(p.byUnit, (u) => (u.closureRate === null ? "none" : u.closureRate.toFixed(4)));
  const ranking = p.byUnit.map((u, i) =>
    h(
      "tr",
      { class: u.overdue ? "has-overdue" : null },
      h("td", {}, place[i]),
      h("th", { scope: "row" }, h("a", { href: `#/tasks?unit=${encodeURIComponent(u.unit.id)}` }, u.unit.name)),
      h("td", { class: "num" }, u.total),
      h("td", { class: "num" }, h("a", { href: `#/tasks?unit=${encodeURIComponent(u.unit.id)}&state=CLOSED` }, u.closed)),
      h("td", { class: "num" }, u.overdue ? h("a", { href: `#/tasks?unit=${encodeURIComponent(u.unit.id)}&overdue=true` }, u.overdue) : 0),
      h("td", { class: "num" }, percent(u.closureRate)),
      h("td", { class: "num" }, percent(u.onTimeRate)),
    ),
  );
  fill(page, 
    h("h1", {}, "总览"),
    h("p", { class: "muted" }, `截至 ${dateTime(p.asOf)}（北京时间），共 ${p.total} 件交办事项，未办结 ${p.open} 件，已撤销 ${p.cancelled} 件。`),
    h(
      "section",
      { class: "figures", "aria-label": "主要指标" },
      figure("办结率", percent(p.closureRate), `已销号 ${p.closed} 件`, "#/tasks?state=CLOSED", "fig-closure"),
      figure("按期办结率", percent(p.onTimeRate), `按期销号占已销号`, "#/tasks?state=CLOSED", "fig-ontime"),
      figure("履行率", percent(p.performanceRate), `履行完毕 ${p.performedCases} / ${p.enforcementCases} 件`, "#/cases?closed=true", "fig-performance"),
      figure("执行到位率", percent(p.amountRate), `已履行 ${wan(p.amountPerformed)} / 执行标的 ${wan(p.amountDue)}`, "#/cases", "fig-amount"),
    ),
    h(
      "section",
      { class: "warnings", "aria-labelledby": "warn-h" },
      h("h2", { id: "warn-h" }, "三色预警"),
      h(
        "ul",
        { class: "warning-list" },
        h("li", {}, h("a", { class: "warn-tile warn-red", href: "#/tasks?warning=RED" }, h("strong", {}, w.red), " 红色（超期未办结）")),
        h("li", {}, h("a", { class: "warn-tile warn-yellow", href: "#/tasks?warning=YELLOW" }, h("strong", {}, w.yellow), " 黄色（进度滞后）")),
        h("li", {}, h("a", { class: "warn-tile warn-blue", href: "#/tasks?warning=BLUE" }, h("strong", {}, w.blue), " 蓝色（临近期限）")),
        h("li", {}, h("a", { class: "warn-tile", href: "#/tasks?overdue=true" }, h("strong", {}, p.overdue), " 超期事项")),
      ),
    ),
    h("section", { "aria-labelledby": "trend-h" }, h("h2", { id: "trend-h" }, "每周趋势"), trendChart(p.trend)),
    h(
      "section",
      { "aria-labelledby": "rank-h" },
      h("h2", { id: "rank-h" }, "责任单位排名（按办结率）"),
      table("责任单位排名", ["名次", "责任单位", "事项", "已销号", "超期", "办结率", "按期办结率"], ranking),
    ),
  );
  let timer = null;
  return {
    // Any event may move a figure: recount, at most once a second.
    onTaskEvent() {
      clearTimeout(timer);
      timer = setTimeout(() => refresh(page), 500);
    },
  };
}

async function refresh(page) {
  if (!page.isConnected) return;
  const fresh = h("div");
  await render(fresh);
  if (page.isConnected) page.replaceChildren(...fresh.childNodes);
}
