// 事项详情: subject, progress along the workflow, dependencies, history and the
// viewer's own actions. Every action names the version it saw.

import { busy, gql } from "../api.js";
import { attachmentLinks, fileDrop } from "../attachments.js";
import {
  CLOSURE_LABELS, KIND_LABELS, LEVEL_LABELS, MATTER_LABELS, PAYMENT_LABELS, PROCEDURE_LABELS,
  REQUIRES_LABELS, STATE_LABELS, SUPERVISION_LABELS,
  date, dateTime, facts, fill, h, money, stateBadge, table, today, warningBadge,
} from "../format.js";

const TASK = `query ($id: ID!) {
  node(id: $id) {
    ... on Task {
      id code title description kind matterType state version dueOn assignedOn createdAt closedAt
      overdue warning warningUnknownReason supervisionLevel
      progress { percent stepsRemaining }
      responsibleUnit { id name } assistingUnits { name }
      availableActions { action label requires }
      unavailableActions { action label reason }
      dependsOn { id code title state }
      blockedBy { id code title state }
      events(first: 100) { totalCount nodes {
        id seq action actionLabel fromState toState occurredAt comment payload
        attachments { id name size contentType url }
        actor { displayName } actorUnit { name } } }
      subject {
        __typename
        ... on EnforcementCase { id caseNumber cause basis filedOn amountDue amountPerformed applicantName
          closureMethod performanceConfirmedAt court { name } respondent { name }
          performanceRecords { paidOn amount method note } }
        ... on BankruptcyCase { id caseNumber debtorName debtorUscc procedure acceptedOn administrator
          employeesAffected claimsTotal assetsTotal court { name } }
        ... on JointMeeting { id title level number heldOn minutesNumber convener { name } }
      }
    }
  }
}`;

const WORKFLOW = `query ($kind: TaskKind!) { workflow(kind: $kind) { states { key label terminal } } }`;

const TRANSITION = `mutation ($input: TransitionTaskInput!) {
  transitionTask(input: $input) {
    task { id state version }
    event { seq actionLabel }
    errors { field code message }
  }
}`;

// The way to 销号; other states (退回, 中止, 撤销) are shown beside it when a task is in one.
const MAIN_PATH = ["DRAFT", "ASSIGNED", "ACCEPTED", "IN_PROGRESS", "CLOSURE_REQUESTED", "CLOSED"];

function subjectSection(subject) {
  if (!subject) return h("section", { class: "card" }, h("h2", {}, "所属对象"), h("p", {}, "其他交办事项，无关联案件或会议。"));
  if (subject.__typename === "EnforcementCase") {
    const records = subject.performanceRecords.map((r) =>
      h("tr", {}, h("td", {}, date(r.paidOn)), h("td", { class: "num" }, money(r.amount)), h("td", {}, PAYMENT_LABELS[r.method] || r.method), h("td", {}, r.note || "—")),
    );
    return h(
      "section",
      { class: "card", "aria-labelledby": "subject-h" },
      h("h2", { id: "subject-h" }, "执行案件 ", h("a", { href: `#/cases/${encodeURIComponent(subject.id)}` }, subject.caseNumber)),
      facts([
        ["执行法院", subject.court.name],
        ["被执行单位", subject.respondent.name],
        ["申请执行人", subject.applicantName],
        ["案由", subject.cause],
        ["执行依据", subject.basis],
        ["立案日期", date(subject.filedOn)],
        ["执行标的", money(subject.amountDue)],
        ["已履行金额", money(subject.amountPerformed)],
        ["结案方式", subject.closureMethod ? CLOSURE_LABELS[subject.closureMethod] : "未结案"],
        ["法院确认履行", subject.performanceConfirmedAt ? dateTime(subject.performanceConfirmedAt) : "未确认"],
      ]),
      h("h3", {}, "履行记录"),
      records.length ? table("履行记录", ["履行日期", "金额", "方式", "备注"], records) : h("p", { class: "muted" }, "尚无履行记录。"),
    );
  }
  if (subject.__typename === "BankruptcyCase") {
    return h(
      "section",
      { class: "card", "aria-labelledby": "subject-h" },
      h("h2", { id: "subject-h" }, "破产案件 ", h("a", { href: `#/bankruptcy/${encodeURIComponent(subject.id)}` }, subject.caseNumber)),
      facts([
        ["债务人", subject.debtorName],
        ["统一社会信用代码", subject.debtorUscc],
        ["程序", PROCEDURE_LABELS[subject.procedure]],
        ["受理法院", subject.court.name],
        ["受理日期", date(subject.acceptedOn)],
        ["管理人", subject.administrator],
        ["涉及职工", `${subject.employeesAffected} 人`],
        ["申报债权", money(subject.claimsTotal)],
        ["资产总额", money(subject.assetsTotal)],
      ]),
    );
  }
  return h(
    "section",
    { class: "card", "aria-labelledby": "subject-h" },
    h("h2", { id: "subject-h" }, "联席会议 ", h("a", { href: `#/meetings/${encodeURIComponent(subject.id)}` }, subject.title)),
    facts([
      ["级别", LEVEL_LABELS[subject.level]],
      ["次数", `第${subject.number}次`],
      ["召开日期", date(subject.heldOn)],
      ["召集单位", subject.convener.name],
      ["纪要号", subject.minutesNumber || "—"],
    ]),
  );
}

function stepper(task, states) {
  const labels = Object.fromEntries(states.map((s) => [s.key, s.label]));
  const path = MAIN_PATH.filter((key) => labels[key]);
  const at = path.indexOf(task.state);
  return h(
    "section",
    { class: "card", "aria-labelledby": "progress-h" },
    h("h2", { id: "progress-h" }, "办理进度"),
    h(
      "ol",
      { class: "stepper" },
      path.map((key, i) =>
        h(
          "li",
          { class: i < at ? "done" : i === at ? "current" : "todo", "aria-current": i === at ? "step" : null },
          labels[key] || STATE_LABELS[key],
        ),
      ),
    ),
    at < 0 ? h("p", { class: "off-path" }, `当前处于「${labels[task.state] || STATE_LABELS[task.state]}」，不在常规办理路径上。`) : null,
    h(
      "div",
      { class: "meter" },
      h("progress", { id: "task-progress", max: 100, value: task.progress.percent, "aria-label": "距销号进度" }),
      h("span", {}, ` ${task.progress.percent}%`, task.progress.stepsRemaining === null ? "（已无法销号）" : `，距销号还需 ${task.progress.stepsRemaining} 步`),
    ),
  );
}

function taskLinks(list, empty) {
  if (!list.length) return h("p", { class: "muted" }, empty);
  return h("ul", {}, list.map((t) => h("li", {}, h("a", { href: `#/tasks/${encodeURIComponent(t.id)}` }, t.code), ` ${t.title} `, stateBadge(t.state))));
}

function payloadText(payload) {
  if (!payload || typeof payload !== "object") return null;
  const parts = [];
  if (payload.dueOn || payload.newDueOn) parts.push(`办结时限：${payload.oldDueOn ? `${payload.oldDueOn} → ` : ""}${payload.newDueOn || payload.dueOn}`);
  if (payload.evidence) parts.push(`证明材料：${[].concat(payload.evidence).join("、")}`);
  if (payload.to && payload.from && typeof payload.to === "string" && SUPERVISION_LABELS[payload.to]) {
    parts.push(`督办等级：${SUPERVISION_LABELS[payload.from] || payload.from} → ${SUPERVISION_LABELS[payload.to]}`);
  }
  return parts.length ? h("p", { class: "payload" }, parts.join("；")) : null;
}

function history(events) {
  return h(
    "section",
    { class: "card", "aria-labelledby": "history-h" },
    h("h2", { id: "history-h" }, `流转记录（${events.totalCount} 条）`),
    h(
      "ol",
      { class: "timeline", id: "history", reversed: true },
      events.nodes.map((e) =>
        h(
          "li",
          { dataset: { seq: e.seq } },
          h("time", { datetime: e.occurredAt }, dateTime(e.occurredAt)),
          h(
            "p",
            {},
            h("strong", {}, e.actionLabel),
            e.fromState !== e.toState && e.toState ? ` ${STATE_LABELS[e.fromState] || "—"} → ${STATE_LABELS[e.toState]}` : "",
            " · ",
            e.actor ? `${e.actor.displayName}${e.actorUnit ? `（${e.actorUnit.name}）` : ""}` : "系统",
          ),
          e.comment ? h("p", { class: "comment" }, e.comment) : null,
          payloadText(e.payload),
          attachmentLinks(e.attachments),
        ),
      ),
    ),
  );
}

// An action a condition refuses now (申请销号 before full performance, 销号 before the
// court's confirmation) is shown disabled, with the server's reason beside it.
function unavailableList(task) {
  if (!task.unavailableActions.length) return null;
  return h(
    "ul",
    { class: "unavailable-actions", "aria-label": "暂不能办理的操作" },
    task.unavailableActions.map((a, i) =>
      h(
        "li",
        {},
        h("button", { type: "button", disabled: true, dataset: { unavailable: a.action }, "aria-describedby": `unavailable-${i}`, title: a.reason }, a.label),
        h("span", { class: "muted unavailable-reason", id: `unavailable-${i}` }, a.reason),
      ),
    ),
  );
}

function actionsSection(task, onAct, drop) {
  if (!task.availableActions.length) {
    return h("section", { class: "card", "aria-labelledby": "actions-h" }, h("h2", { id: "actions-h" }, "可办理操作"), h("p", { class: "muted" }, "您对此事项当前没有可办理的操作。"), unavailableList(task));
  }
  const needs = new Set(task.availableActions.flatMap((a) => a.requires));
  const message = h("p", { id: "action-message", role: "alert", class: "error" });
  const fields = h(
    "div",
    { class: "action-fields" },
    needs.has("comment") ? h("div", { class: "field wide" }, h("label", { for: "action-comment" }, "意见说明（退回、撤销、驳回等须填写）"), h("textarea", { id: "action-comment", rows: 3 })) : null,
    needs.has("evidence") ? h("div", { class: "field wide" }, h("label", { for: "action-evidence" }, "证明材料（每行一项，申请销号须填写）"), h("textarea", { id: "action-evidence", rows: 2 })) : null,
    needs.has("dueOn") ? h("div", { class: "field" }, h("label", { for: "action-due" }, "新的办结时限（交办、延期须填写）"), h("input", { id: "action-due", type: "date", min: today() })) : null,
    drop && drop.element,
  );
  const buttons = task.availableActions.map((a) =>
    h(
      "button",
      {
        type: "button",
        class: ["cancel", "return", "reject_closure"].includes(a.action) ? "danger" : null,
        dataset: { action: a.action },
        title: a.requires.length ? `须填写：${a.requires.map((r) => REQUIRES_LABELS[r] || r).join("、")}` : null,
        onclick: (event) => busy(event.currentTarget, () => onAct(a, message)),
      },
      a.label,
    ),
  );
  return h(
    "section",
    { class: "card", "aria-labelledby": "actions-h" },
    h("h2", { id: "actions-h" }, "可办理操作"),
    fields,
    h("div", { class: "button-row", role: "group", "aria-label": "操作" }, buttons),
    unavailableList(task),
    message,
  );
}

// The actions that take evidence files (store/operations/transitions.py FILE_ACTIONS).
const FILE_ACTIONS = ["request_closure", "report", "request_extension"];

export async function render(page, { params: [id], notify, viewer }) {
  let task = null;
  let drop = null; // the file picker of the actions that take files, kept across redraws
  let states = [];
  let acting = false; // our own action reloads the task itself

  async function load() {
    const data = await gql(TASK, { id });
    if (!data.node) return false;
    task = data.node;
    if (!states.length) states = (await gql(WORKFLOW, { kind: task.kind })).workflow.states;
    return true;
  }

  async function act(action, message) {
    const input = { taskId: task.id, action: action.action, expectedVersion: task.version, idempotencyKey: crypto.randomUUID() };
    const comment = page.querySelector("#action-comment");
    const evidence = page.querySelector("#action-evidence");
    const due = page.querySelector("#action-due");
    if (comment && comment.value.trim()) input.comment = comment.value.trim();
    if (evidence && evidence.value.trim()) input.evidence = evidence.value.split(/\n|，|,/).map((s) => s.trim()).filter(Boolean);
    if (due && due.value) input.dueOn = due.value;
    if (FILE_ACTIONS.includes(action.action) && drop) {
      if (drop.uploading()) {
        message.textContent = "文件仍在上传，请待上传完成后再提交。";
        return;
      }
      if (drop.ids().length) input.evidenceFileIds = drop.ids();
    }
    // uploaded files are evidence too: a closure request may give files alone
    const missing = action.requires.filter((r) => !input[r] && !(r === "evidence" && input.evidenceFileIds));
    if (missing.length) {
      message.textContent = `「${action.label}」须填写：${missing.map((r) => REQUIRES_LABELS[r] || r).join("、")}`;
      const first = { comment, evidence, dueOn: due }[missing[0]];
      if (first) first.focus();
      return;
    }
    for (const button of page.querySelectorAll("button[data-action]")) button.disabled = true;
    message.textContent = "";
    acting = true;
    try {
      const { transitionTask: result } = await gql(TRANSITION, { input });
      if (result.errors.length) {
        const conflict = result.errors.find((e) => e.code === "VERSION_CONFLICT");
        if (conflict) {
          await load();
          draw();
          notify("该事项已被他人更新（版本冲突），页面已重新加载，请核对最新状态后再操作。", "error");
          page.querySelector("h1")?.focus();
          return;
        }
        message.textContent = result.errors.map((e) => e.message).join("；");
        for (const button of page.querySelectorAll("button[data-action]")) button.disabled = false;
        return;
      }
      if (input.evidenceFileIds) drop = null; // attached: the next action starts a new list
      await load();
      draw();
      notify(`已${action.label}，当前状态：${STATE_LABELS[task.state]}。`);
      page.querySelector("#history-h")?.focus();
    } catch (err) {
      message.textContent = err.message;
      for (const button of page.querySelectorAll("button[data-action]")) button.disabled = false;
    } finally {
      acting = false;
    }
  }

  function filePicker() {
    if (!task.availableActions.some((a) => FILE_ACTIONS.includes(a.action))) return null;
    drop = drop || fileDrop({ id: "action-files", label: "证明材料附件（PDF、图片、OFD、Word、Excel，可拖入）" });
    return drop;
  }

  function draw() {
    fill(page, 
      h("p", { class: "crumbs" }, h("a", { href: "#/tasks" }, "交办事项"), " / ", task.code),
      h("h1", { tabindex: "-1" }, task.title),
      h(
        "div",
        { class: "task-head" },
        h("span", { id: "task-state" }, stateBadge(task.state)),
        warningBadge(task.warning, task.warningUnknownReason),
        h("span", { class: "badge" }, `督办：${SUPERVISION_LABELS[task.supervisionLevel]}`),
        h("span", { class: "muted", id: "task-version" }, `版本 ${task.version}`),
      ),
      h(
        "div",
        { class: "columns" },
        h(
          "div",
          {},
          h(
            "section",
            { class: "card", "aria-labelledby": "basic-h" },
            h("h2", { id: "basic-h" }, "基本情况"),
            facts([
              ["事项编号", task.code],
              ["事项类型", KIND_LABELS[task.kind] + (task.matterType ? `（${MATTER_LABELS[task.matterType]}）` : "")],
              ["责任单位", task.responsibleUnit.name],
              ["配合单位", task.assistingUnits.map((u) => u.name).join("、") || "—"],
              ["交办日期", date(task.assignedOn)],
              ["办结时限", h("span", { class: task.overdue ? "overdue-mark" : null }, date(task.dueOn), task.overdue ? "（已超期）" : "")],
              ["销号时间", task.closedAt ? dateTime(task.closedAt) : "—"],
              ["具体要求", task.description || "—"],
            ]),
          ),
          stepper(task, states),
          actionsSection(task, act, filePicker()),
          h(
            "section",
            { class: "card", "aria-labelledby": "deps-h" },
            h("h2", { id: "deps-h" }, "前置事项"),
            h("h3", {}, "依赖的事项"),
            taskLinks(task.dependsOn, "无前置事项。"),
            h("h3", {}, "尚未办结、阻碍开始的事项"),
            taskLinks(task.blockedBy, "没有阻碍。"),
          ),
        ),
        h("div", {}, subjectSection(task.subject), history(task.events)),
      ),
    );
  }

  if (!(await load())) {
    fill(page, h("h1", {}, "事项不存在"), h("p", {}, "该事项不存在，或您无权查看。"), h("a", { href: "#/tasks" }, "返回交办事项"));
    return null;
  }
  draw();
  return {
    async onTaskEvent(event) {
      if (event.task.id !== task.id || event.task.version <= task.version) return;
      if (acting || (event.actor && event.actor.id === viewer.id)) return;
      await load();
      if (!page.isConnected) return;
      const typing = page.contains(document.activeElement) && ["TEXTAREA", "INPUT"].includes(document.activeElement.tagName);
      const kept = typing ? { id: document.activeElement.id, value: document.activeElement.value } : null;
      draw();
      if (kept) {
        const field = document.getElementById(kept.id);
        if (field) {
          field.value = kept.value;
          field.focus();
        }
      }
      notify(`此事项刚有新的流转：${event.actor ? event.actor.displayName : "系统"}「${event.actionLabel}」，页面已更新。`);
    },
  };
}
