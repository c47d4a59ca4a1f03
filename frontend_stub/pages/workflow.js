// 流程图: a kind's workflow drawn as SVG from workflow(kind), plus the list of actions.

import { gql } from "../api.js";
import { KIND_LABELS, fill, h, table } from "../format.js";

const WORKFLOW = `query ($kind: TaskKind!) {
  workflow(kind: $kind) {
    key version mermaid
    states { key label terminal }
    transitions { action label from to roles requires }
  }
}`;

const ROLE_NAMES = { COORDINATOR: "联席办", RESPONSIBLE_UNIT: "责任单位", COURT: "法院" };
const BOX = { width: 96, height: 34 };
const GAP = { x: 150, y: 70 };

/** Columns by distance from the start state; 撤销 (from any open state) is drawn once, as a note. */
function layout(states, transitions) {
  const moves = transitions.filter((t) => t.from !== t.to && t.action !== "cancel");
  const depth = { [states[0].key]: 0 };
  const queue = [states[0].key];
  while (queue.length) {
    const at = queue.shift();
    for (const t of moves) {
      if (t.from === at && depth[t.to] === undefined) {
        depth[t.to] = depth[at] + 1;
        queue.push(t.to);
      }
    }
  }
  const columns = {};
  const place = {};
  let lastColumn = 0;
  for (const s of states) {
    const column = depth[s.key] ?? Math.max(...Object.values(depth)) + 1;
    lastColumn = Math.max(lastColumn, column);
    const row = (columns[column] = (columns[column] || 0) + 1) - 1;
    place[s.key] = { x: 16 + column * GAP.x, y: 16 + row * GAP.y };
  }
  const rows = Math.max(...Object.values(columns));
  return { place, moves, width: 32 + lastColumn * GAP.x + BOX.width, height: 32 + (rows - 1) * GAP.y + BOX.height + 24 };
}

function diagram(wf) {
  const { place, moves, width, height } = layout(wf.states, wf.transitions);
  const center = (key) => ({ x: place[key].x + BOX.width / 2, y: place[key].y + BOX.height / 2 });
  // Where the line from a box's centre towards `to` leaves the box.
  const exit = (from, to) => {
    const dx = to.x - from.x;
    const dy = to.y - from.y;
    const t = Math.min(dx ? BOX.width / 2 / Math.abs(dx) : Infinity, dy ? BOX.height / 2 / Math.abs(dy) : Infinity);
    return { x: from.x + dx * t, y: from.y + dy * t };
  };
  // Labels never overlap each other or a box (申请销号 and 恢复 both meet 办理中): each
  // takes the first free spot along its curve, from the middle outwards.
  const taken = Object.keys(place).map((key) => ({ x: place[key].x, y: place[key].y, w: BOX.width, h: BOX.height }));
  const overlaps = (a) => taken.some((b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h);
  const edges = moves.map((t) => {
    const a = center(t.from);
    const b = center(t.to);
    const start = exit(a, b);
    const end = exit(b, a);
    const length = Math.hypot(end.x - start.x, end.y - start.y) || 1;
    // The normal on the edge's left: a forward edge's label sits there; a
    // back-edge bows out there, so it never covers its forward twin.
    const normal = { x: (end.y - start.y) / length, y: -(end.x - start.x) / length };
    const back = b.x < a.x || (b.x === a.x && b.y < a.y);
    const bow = back ? 26 : 0;
    const mid = { x: (start.x + end.x) / 2, y: (start.y + end.y) / 2 };
    const control = { x: mid.x + normal.x * bow * 2, y: mid.y + normal.y * bow * 2 };
    const on = (s) => ({
      x: (1 - s) ** 2 * start.x + 2 * (1 - s) * s * control.x + s ** 2 * end.x,
      y: (1 - s) ** 2 * start.y + 2 * (1 - s) * s * control.y + s ** 2 * end.y,
    });
    const width = t.label.length * 12 + 4;
    const spots = [0.5, 0.38, 0.62, 0.28, 0.72].flatMap((s) => [9, 20].map((away) => {
      const point = on(s);
      const x = point.x + normal.x * away;
      const y = point.y + normal.y * away + 4;
      return { x, y, box: { x: x - width / 2, y: y - 12, w: width, h: 15 } };
    }));
    const label = spots.find((spot) => !overlaps(spot.box)) || spots[0];
    taken.push(label.box);
    return h(
      "g",
      { class: back ? "edge back" : "edge" },
      h("path", { d: `M${start.x},${start.y} Q${control.x},${control.y} ${end.x},${end.y}`, "marker-end": "url(#arrow)" }),
      h("text", { x: label.x, y: label.y, "text-anchor": "middle", class: "edge-label" }, t.label),
    );
  });
  const nodes = wf.states.map((s) =>
    h(
      "g",
      { class: s.terminal ? "node terminal" : "node" },
      h("rect", { x: place[s.key].x, y: place[s.key].y, width: BOX.width, height: BOX.height, rx: 6 }),
      h("text", { x: place[s.key].x + BOX.width / 2, y: place[s.key].y + BOX.height / 2 + 5, "text-anchor": "middle" }, s.label),
    ),
  );
  const steps = moves.map((t) => `${t.label}：${wf.states.find((s) => s.key === t.from).label}→${wf.states.find((s) => s.key === t.to).label}`);
  return h(
    "figure",
    { class: "chart workflow" },
    h(
      "svg",
      { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": `流程图。${steps.join("；")}` },
      h("defs", {}, h("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, h("path", { d: "M0,0 L10,5 L0,10 z" }))),
      edges,
      nodes,
    ),
    h("figcaption", {}, "未办结的各状态均可由联席办「撤销」；督办、延期、确认履行等不改变状态的操作见下表。"),
  );
}

/** One row per action and outcome: 撤销 from seven states is one line, not seven. */
function grouped(transitions) {
  const rows = new Map();
  for (const t of transitions) {
    const selfLoop = t.from === t.to;
    const key = `${t.action}|${selfLoop ? "*" : t.to}`;
    if (!rows.has(key)) rows.set(key, { ...t, selfLoop, froms: [] });
    rows.get(key).froms.push(t.from);
  }
  return [...rows.values()];
}

export async function render(page, { query: q }) {
  const kind = q.kind || "ENFORCEMENT";
  const { workflow: wf } = await gql(WORKFLOW, { kind });
  const labels = Object.fromEntries(wf.states.map((s) => [s.key, s.label]));
  const picker = h(
    "form",
    { class: "filters", "aria-label": "选择事项类型" },
    h(
      "div",
      { class: "field" },
      h("label", { for: "kind" }, "事项类型"),
      h("select", { id: "kind", name: "kind" }, Object.entries(KIND_LABELS).map(([k, t]) => h("option", { value: k, selected: k === kind }, t))),
    ),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "查看")),
  );
  picker.addEventListener("submit", (event) => {
    event.preventDefault();
    location.hash = `#/workflow?kind=${picker.elements.kind.value}`;
  });
  fill(page, 
    h("h1", {}, `办理流程：${KIND_LABELS[kind]}`),
    picker,
    h("p", { class: "muted" }, `流程定义 ${wf.key}，第 ${wf.version} 版。`),
    diagram(wf),
    h("h2", {}, "全部操作"),
    table(
      "流程操作",
      ["操作", "从", "到", "办理人", "须填写"],
      grouped(wf.transitions).map((t) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, t.label),
          h("td", {}, t.froms.map((key) => labels[key] || key).join("、")),
          h("td", {}, t.selfLoop ? "（状态不变）" : labels[t.to] || t.to),
          h("td", {}, t.roles.map((r) => ROLE_NAMES[r] || r).join("、")),
          h("td", {}, t.requires.map((r) => ({ comment: "意见", evidence: "证明材料", dueOn: "办结时限" })[r] || r).join("、") || "—"),
        ),
      ),
    ),
  );
}
