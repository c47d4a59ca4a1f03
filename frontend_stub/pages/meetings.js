// 联席会议: the list and a meeting with its agenda and decisions.

import { gql } from "../api.js";
import { LEVEL_LABELS, date, facts, fill, h, stateBadge, table, warningBadge } from "../format.js";
import { pager } from "./cases.js";
import { canCoordinate, decisionForm, meetingForm } from "./writes.js";
import { goThenSay } from "../forms.js";

const LIST = `query ($first: Int, $after: String, $last: Int, $before: String) {
  jointMeetings(first: $first, after: $after, last: $last, before: $before) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes { id title level number heldOn minutesNumber convener { name } decisions { id state } }
  }
}`;

const MEETING = `query ($id: ID!) { node(id: $id) { ... on JointMeeting {
  id title level number heldOn minutesNumber convener { name } attendingUnits { name }
  agendaItems { seq title enforcementCase { id caseNumber } bankruptcyCase { id caseNumber } }
  decisions { id code title state dueOn warning responsibleUnit { name } }
} } }`;

export async function renderList(page, { query: q, viewer, notify }) {
  const variables = q.before ? { last: 20, before: q.before } : { first: 20, after: q.after || null };
  const { jointMeetings: list } = await gql(LIST, variables);
  fill(page, 
    h("h1", {}, "联席会议"),
    canCoordinate(viewer)
      ? await meetingForm({
          done: (m) => {
            goThenSay(`#/meetings/${encodeURIComponent(m.id)}`, notify, `已登记联席会议：${m.title}。`);
          },
        })
      : null,
    table(
      "联席会议列表",
      ["会议", "级别", "召开日期", "召集单位", "纪要号", "议定事项（已销号/总数）"],
      list.nodes.map((m) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, h("a", { href: `#/meetings/${encodeURIComponent(m.id)}` }, m.title)),
          h("td", {}, `${LEVEL_LABELS[m.level]}第${m.number}次`),
          h("td", {}, date(m.heldOn)),
          h("td", {}, m.convener.name),
          h("td", {}, m.minutesNumber || "—"),
          h("td", { class: "num" }, `${m.decisions.filter((d) => d.state === "CLOSED").length} / ${m.decisions.length}`),
        ),
      ),
    ),
    pager("#/meetings", q, list),
  );
}

export async function renderDetail(page, { params: [id], viewer, notify }) {
  const m = (await gql(MEETING, { id })).node;
  const again = () => renderDetail(page, { params: [id], viewer, notify });
  if (!m) {
    fill(page, h("h1", {}, "会议不存在"), h("p", {}, "该会议不存在，或您无权查看。"));
    return;
  }
  fill(page, 
    h("p", { class: "crumbs" }, h("a", { href: "#/meetings" }, "联席会议"), " / ", `第${m.number}次`),
    h("h1", {}, m.title),
    h(
      "section",
      { class: "card" },
      h("h2", {}, "会议信息"),
      facts([
        ["级别", `${LEVEL_LABELS[m.level]}第${m.number}次`],
        ["召开日期", date(m.heldOn)],
        ["召集单位", m.convener.name],
        ["纪要号", m.minutesNumber || "—"],
        ["参会单位", m.attendingUnits.map((u) => u.name).join("、") || "—"],
      ]),
    ),
    h(
      "section",
      { class: "card" },
      h("h2", {}, "议题"),
      h(
        "ol",
        {},
        m.agendaItems.map((a) =>
          h(
            "li",
            {},
            a.title,
            a.enforcementCase ? [" · ", h("a", { href: `#/cases/${encodeURIComponent(a.enforcementCase.id)}` }, a.enforcementCase.caseNumber)] : null,
            a.bankruptcyCase ? [" · ", h("a", { href: `#/bankruptcy/${encodeURIComponent(a.bankruptcyCase.id)}` }, a.bankruptcyCase.caseNumber)] : null,
          ),
        ),
      ),
    ),
    h(
      "section",
      { class: "card" },
      h("h2", {}, "议定事项"),
      m.decisions.length
        ? table(
            "议定事项",
            ["编号", "事项", "责任单位", "状态", "办结时限", "预警"],
            m.decisions.map((t) =>
              h(
                "tr",
                { class: t.warning === "RED" ? "overdue" : null },
                h("th", { scope: "row" }, h("a", { href: `#/tasks/${encodeURIComponent(t.id)}` }, t.code)),
                h("td", {}, t.title),
                h("td", {}, t.responsibleUnit.name),
                h("td", {}, stateBadge(t.state)),
                h("td", {}, date(t.dueOn)),
                h("td", {}, warningBadge(t.warning)),
              ),
            ),
          )
        : h("p", { class: "muted" }, "暂无议定事项。"),
    ),
    canCoordinate(viewer)
      ? await decisionForm(m, {
          done: async (task) => {
            await again();
            notify(`已记录议定事项 ${task.code}。`);
          },
        })
      : null,
  );
}
