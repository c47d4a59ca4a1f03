// The forms for the writes the lists and records offer: 登记执行案件, 记录履行, 交办 (a
// task with its 办结时限, assigned at once), 添加协调事项, 设置办理顺序, 登记联席会议 and
// 记录议定事项. Each is shown only to the roles its mutation lets in (schema/mutations).

import { fileDrop } from "../attachments.js";
import { gql } from "../api.js";
import { ORGAN_KINDS, activeUnits, apiForm, fields, given, unitChoices } from "../forms.js";
import { KIND_LABELS, LEVEL_LABELS, MATTER_LABELS, PAYMENT_LABELS, SOURCE_LABELS, today } from "../format.js";

const PARTY_LABELS = { PERSON: "自然人", ENTERPRISE: "企业", ORG: "其他组织" };

const CREATE_CASE = `mutation ($input: CreateEnforcementCaseInput!) {
  createEnforcementCase(input: $input) { enforcementCase { id caseNumber } errors { field code message } }
}`;
const RECORD_PERFORMANCE = `mutation ($input: RecordPerformanceInput!) {
  recordPerformance(input: $input) { performanceRecord { id } errors { field code message } }
}`;
const CREATE_TASK = `mutation ($input: CreateTaskInput!) {
  createTask(input: $input) { task { id code version } errors { field code message } }
}`;
const ASSIGN = `mutation ($input: TransitionTaskInput!) {
  transitionTask(input: $input) { task { id code state } errors { field code message } }
}`;
const ADD_MATTER = `mutation ($input: AddCoordinationMatterInput!) {
  addCoordinationMatter(input: $input) { task { id code version } errors { field code message } }
}`;
const ADD_DEPENDENCY = `mutation ($input: AddTaskDependencyInput!) {
  addTaskDependency(input: $input) { task { id code } errors { field code message } }
}`;
const CREATE_MEETING = `mutation ($input: CreateJointMeetingInput!) {
  createJointMeeting(input: $input) { jointMeeting { id title } errors { field code message } }
}`;
const RECORD_DECISION = `mutation ($input: RecordMeetingDecisionInput!) {
  recordMeetingDecision(input: $input) { task { id code version } errors { field code message } }
}`;

const COORDINATOR = ["COORDINATOR"];
const CASE_WRITERS = ["COORDINATOR", "COURT_LIAISON"];

export function canRegisterCases(viewer) {
  return CASE_WRITERS.includes(viewer.role);
}

export function canCoordinate(viewer) {
  return COORDINATOR.includes(viewer.role);
}

/** 登记执行案件: createEnforcementCase; a court liaison registers for its own court. */
export async function enforcementCaseForm(viewer, { done }) {
  const units = await activeUnits();
  const f = fields("new-case");
  const courts = viewer.role === "COURT_LIAISON" ? [[viewer.unit.id, viewer.unit.name]] : unitChoices(units, ["COURT"]);
  return apiForm({
    id: "new-case-form",
    heading: "登记执行案件",
    submit: "登记案件",
    fields: [
      f.input("caseNumber", "案号", { required: true, placeholder: "（2026）豫0202执1234号" }),
      f.select("courtId", "执行法院", courts, { required: true, value: courts.length === 1 ? courts[0][0] : "" }),
      f.select("respondentId", "被执行单位", unitChoices(units, ORGAN_KINDS), { required: true }),
      f.input("applicantName", "申请执行人", { required: true }),
      f.select("applicantKind", "申请执行人类型", PARTY_LABELS, { required: true, value: "ENTERPRISE" }),
      f.input("basis", "执行依据（生效文书案号）", { required: true, placeholder: "（2025）豫0202民初567号" }),
      f.input("cause", "案由", { required: true }),
      f.input("amountDue", "执行标的（元）", { required: true, placeholder: "1200000.00", hint: "以元为单位，最多两位小数" }),
      f.input("filedOn", "立案日期", { type: "date", required: true, max: today() }),
      f.select("source", "案件来源", SOURCE_LABELS, { required: true, value: "COURT_REFERRED" }),
      f.input("batch", "交办批次（可不填）"),
    ],
    send: async (values, key) =>
      (await gql(CREATE_CASE, { input: { ...given(values), idempotencyKey: key } })).createEnforcementCase,
    done: (payload) => done(payload.enforcementCase),
  });
}

/** 记录履行: recordPerformance on one case; more than what is outstanding needs a reason. */
export function performanceForm(enforcementCase, { done }) {
  const f = fields("payment");
  const drop = fileDrop({ id: "payment-files", label: "履行凭证（收据、转账凭证等，可拖入）" });
  return apiForm({
    id: "payment-form",
    heading: "记录履行",
    submit: "记录履行",
    fields: [
      f.input("paidOn", "履行日期", { type: "date", required: true, value: today() }),
      f.input("amount", "金额（元）", { required: true, placeholder: "500000.00" }),
      f.select("method", "履行方式", PAYMENT_LABELS, { required: true, value: "TRANSFER" }),
      f.input("note", "备注（凭证号等）"),
      f.check("confirmExcess", "确认超出未履行金额（须写明原因）"),
      f.input("reason", "超额原因"),
      drop.element,
    ],
    check: () => (drop.uploading() ? [{ field: null, code: "UPLOADING", message: "文件仍在上传，请待上传完成后再提交。" }] : []),
    send: async (values, key) => {
      const input = { ...given(values), caseId: enforcementCase.id, idempotencyKey: key };
      if (drop.ids().length) input.fileIds = drop.ids();
      return (await gql(RECORD_PERFORMANCE, { input })).recordPerformance;
    },
    done: async (payload, values) => {
      drop.clear();
      await done(payload, values);
    },
  });
}

async function assignAtOnce(task, dueOn) {
  const input = { taskId: task.id, action: "assign", expectedVersion: task.version, dueOn, idempotencyKey: crypto.randomUUID() };
  return (await gql(ASSIGN, { input })).transitionTask;
}

/**
 * 交办: createTask with its 办结时限 and, unless unticked, the `assign` action at once, so
 * the task goes to its unit in one step. `subject` names the case or meeting it is for.
 */
export async function taskForm({ kind, subject = {}, heading = "新建交办事项", prefix = "new-task" }, { done }) {
  const units = await activeUnits();
  const f = fields(prefix);
  const kindField = kind
    ? null
    : f.select("kind", "事项类型", Object.entries(KIND_LABELS).filter(([k]) => ["OTHER", "MEETING_DECISION"].includes(k)), { required: true, value: "OTHER", empty: null });
  return apiForm({
    id: `${prefix}-form`,
    heading,
    submit: "交办",
    fields: [
      kindField,
      f.input("title", "事项名称", { required: true }),
      f.select("responsibleUnitId", "责任单位", unitChoices(units, ORGAN_KINDS.concat(["COURT"])), { required: true }),
      f.input("dueOn", "办结时限", { type: "date", min: today(), hint: "交办须填写；按法定工作日计算预警" }),
      f.select("assistingUnitIds", "配合单位（可多选）", unitChoices(units, ORGAN_KINDS.concat(["COURT"])), { multiple: true }),
      f.textarea("description", "具体要求"),
      f.check("assign", "保存后立即交办（不勾选则存为草稿）", { checked: true }),
    ],
    check: (values) => (values.assign && !values.dueOn ? [{ field: ["input", "dueOn"], code: "REQUIRED", message: "交办须填写办结时限" }] : []),
    send: async (values, key) => {
      const { assign, ...rest } = values;
      const input = { ...given(rest), ...subject, idempotencyKey: key };
      if (kind) input.kind = kind;
      const created = (await gql(CREATE_TASK, { input })).createTask;
      if (created.errors.length || !assign) return created;
      const assigned = await assignAtOnce(created.task, values.dueOn);
      // the draft exists either way; a refused 交办 is said next to its field
      return assigned.errors.length ? { ...assigned, task: created.task } : { ...created, assigned: assigned.task };
    },
    done: (payload) => done(payload.assigned || payload.task, Boolean(payload.assigned)),
  });
}

/** 添加协调事项: addCoordinationMatter on a bankruptcy case, assigned at once when dated. */
export async function matterForm(bankruptcyCase, { done }) {
  const units = await activeUnits();
  const f = fields("matter");
  return apiForm({
    id: "matter-form",
    heading: "添加协调事项",
    submit: "添加",
    fields: [
      f.select("matterType", "事项类型", MATTER_LABELS, { required: true }),
      f.select("responsibleUnitId", "责任单位", unitChoices(units, ORGAN_KINDS.concat(["COURT"])), { empty: "按事项类型的主管部门" }),
      f.input("title", "事项名称（可不填）"),
      f.input("dueOn", "办结时限", { type: "date", min: today() }),
      f.textarea("description", "具体要求"),
      f.check("assign", "保存后立即交办（须填写办结时限）", { checked: false }),
    ],
    check: (values) => (values.assign && !values.dueOn ? [{ field: ["input", "dueOn"], code: "REQUIRED", message: "交办须填写办结时限" }] : []),
    send: async (values, key) => {
      const { assign, ...rest } = values;
      const input = { ...given(rest), bankruptcyCaseId: bankruptcyCase.id, idempotencyKey: key };
      const created = (await gql(ADD_MATTER, { input })).addCoordinationMatter;
      if (created.errors.length || !assign) return created;
      const assigned = await assignAtOnce(created.task, values.dueOn);
      return assigned.errors.length ? { ...assigned, task: created.task } : { ...created, assigned: assigned.task };
    },
    done: (payload) => done(payload.assigned || payload.task),
  });
}

/** 设置办理顺序: addTaskDependency between two matters of the case; a loop is refused (CYCLE). */
export function dependencyForm(matters, { done }) {
  const f = fields("dependency");
  const choices = matters.map((m) => [m.id, `${m.code} ${m.title}`]);
  return apiForm({
    id: "dependency-form",
    heading: "设置办理顺序",
    intro: "后办的事项须待先办的事项办结后才能开始办理。",
    submit: "保存顺序",
    fields: [
      f.select("taskId", "后办事项", choices, { required: true }),
      f.select("dependsOnId", "须先办结的事项", choices, { required: true }),
    ],
    send: async (values) => (await gql(ADD_DEPENDENCY, { input: values })).addTaskDependency,
    done: (payload) => done(payload.task),
  });
}

/** 登记联席会议: createJointMeeting; the agenda one 议题 a line. */
export async function meetingForm({ done }) {
  const units = await activeUnits();
  const f = fields("meeting");
  const offices = unitChoices(units, ["OFFICE"]);
  return apiForm({
    id: "meeting-form",
    heading: "登记联席会议",
    submit: "登记会议",
    fields: [
      f.input("title", "会议名称", { required: true, placeholder: "2026年第四次府院联动联席会议" }),
      f.select("level", "级别", LEVEL_LABELS, { required: true, value: "CITY" }),
      f.input("number", "第几次", { type: "number", required: true, min: 1 }),
      f.input("heldOn", "召开日期", { type: "date", required: true, max: today() }),
      f.select("convenerId", "召集单位", unitChoices(units), { required: true, value: offices.length ? offices[0][0] : "" }),
      f.input("minutesNumber", "纪要号（可不填）"),
      f.select("attendingUnitIds", "参会单位（可多选）", unitChoices(units), { multiple: true }),
      f.textarea("agenda", "议题（每行一项）", { rows: 4 }),
    ],
    check: (values) => (values.number && !/^\d+$/.test(values.number) ? [{ field: ["input", "number"], code: "VALIDATION", message: "第几次须为正整数" }] : []),
    send: async (values, key) => {
      const input = {
        ...given(values),
        number: Number(values.number),
        agenda: values.agenda.split("\n").map((line) => line.trim()).filter(Boolean).map((title) => ({ title })),
        idempotencyKey: key,
      };
      return (await gql(CREATE_MEETING, { input })).createJointMeeting;
    },
    done: (payload) => done(payload.jointMeeting),
  });
}

/** 记录议定事项: recordMeetingDecision, the task that carries it out assigned at once. */
export async function decisionForm(meeting, { done }) {
  const units = await activeUnits();
  const f = fields("decision");
  const choices = unitChoices(units, ORGAN_KINDS.concat(["COURT"]));
  return apiForm({
    id: "decision-form",
    heading: "记录议定事项",
    submit: "记录并交办",
    fields: [
      f.input("title", "议定事项", { required: true }),
      f.select("responsibleUnitId", "责任单位", choices, { required: true }),
      f.input("dueOn", "办结时限", { type: "date", min: today() }),
      f.select("assistingUnitIds", "配合单位（可多选）", choices, { multiple: true }),
      f.textarea("description", "具体要求"),
      f.check("assign", "保存后立即交办（不勾选则存为草稿）", { checked: true }),
    ],
    check: (values) => (values.assign && !values.dueOn ? [{ field: ["input", "dueOn"], code: "REQUIRED", message: "交办须填写办结时限" }] : []),
    send: async (values, key) => {
      const { assign, ...rest } = values;
      const input = { ...given(rest), meetingId: meeting.id, idempotencyKey: key };
      const created = (await gql(RECORD_DECISION, { input })).recordMeetingDecision;
      if (created.errors.length || !assign) return created;
      const assigned = await assignAtOnce(created.task, values.dueOn);
      return assigned.errors.length ? { ...assigned, task: created.task } : { ...created, assigned: assigned.task };
    },
    done: (payload) => done(payload.assigned || payload.task),
  });
}
