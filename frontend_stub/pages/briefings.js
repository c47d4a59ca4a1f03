// 工作通报: generate for a period, edit 下一步工作要求 and the 版记 (报/送/发) of a draft,
// issue or delete it, download.

import { gql, onPress, onSubmit, token } from "../api.js";
import { clearErrors, fields, showErrors, values } from "../forms.js";
import { dateTime, fill, h, today } from "../format.js";

// The 版记's lines (GB/T 9704): to the offices above, beside and below; an empty one is left out.
const IMPRINT = [
  ["reportTo", "报", "上级机关，如：河南省府院联动联席会议办公室"],
  ["sendTo", "送", "平级机关，如：开封市中级人民法院"],
  ["distributeTo", "发", "下级机关，如：各县区人民政府，市直各有关单位"],
];

const STATUS_LABELS = { DRAFT: "草稿", ISSUED: "已印发" };
const FORMATS = [
  ["docx", "docx", "Word（DOCX）"],
  ["html", "html", "网页（HTML）"],
  ["markdown", "md", "Markdown"],
];

const LIST = `{
  briefings(first: 50) {
    totalCount
    nodes { id number serial title status periodStart periodEnd asOf generatedAt issuedAt nextSteps
      reportTo sendTo distributeTo files { docx html markdown } }
  }
}`;

const GENERATE = `mutation ($input: GenerateBriefingInput!) {
  generateBriefing(input: $input) { briefing { id number title status } errors { field code message } }
}`;
const ISSUE = `mutation ($input: IssueBriefingInput!) {
  issueBriefing(input: $input) { briefing { id number status } errors { field code message } }
}`;
const DELETE = `mutation ($input: DeleteBriefingInput!) {
  deleteBriefing(input: $input) { deletedBriefingId errors { field code message } }
}`;
const UPDATE = `mutation ($input: UpdateBriefingInput!) {
  updateBriefing(input: $input) { briefing { id nextSteps reportTo sendTo distributeTo } errors { field code message } }
}`;

/** The 版记 of a draft: 报/送/发, saved with updateBriefing; the API's refusals under their fields. */
function imprintForm(b, notify) {
  const f = fields(`imprint-${b.id}`);
  const form = h(
    "form",
    { class: "write-form imprint-form", novalidate: true, "aria-labelledby": `imprint-${b.id}-h`, dataset: { imprint: b.id } },
    h("h4", { id: `imprint-${b.id}-h` }, "版记（报、送、发）"),
    h("div", { class: "form-grid" }, IMPRINT.map(([name, label, hint]) => f.input(name, `${label}：`, { value: b[name] || "", hint, wide: true }))),
    h("ul", { class: "field-errors form-errors", role: "alert" }),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "secondary" }, "保存版记")),
  );
  onSubmit(form, async () => {
    clearErrors(form);
    const entered = values(form);
    const { updateBriefing: result } = await gql(UPDATE, { input: { briefingId: b.id, ...entered } });
    if (result.errors.length) {
      showErrors(form, result.errors);
      return;
    }
    for (const [name] of IMPRINT) form.querySelector(`[name="${name}"]`).value = result.briefing[name];
    notify("已保存版记（报、送、发）。");
  });
  return form;
}

/** The 版记 of an issued briefing, as printed: only the lines it has. */
function imprintLines(b) {
  const lines = IMPRINT.filter(([name]) => b[name]).map(([name, label]) => h("p", { dataset: { line: name } }, `${label}：${b[name]}`));
  return lines.length ? h("div", { class: "imprint-lines", "aria-label": "版记" }, h("h4", {}, "版记"), lines) : null;
}

/** Files need the bearer token, which a plain link cannot send: fetch, then save. */
async function download(briefing, path, extension, message) {
  message.textContent = "";
  const response = await fetch(path, {
    headers: { Authorization: `Bearer ${token()}` },
  });
  if (!response.ok) {
    message.textContent = `下载失败（HTTP ${response.status}）`;
    return;
  }
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: `${briefing.title}（${briefing.number}）.${extension}`, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  message.textContent = `已下载 ${briefing.title}（${briefing.number}）.${extension}`;
}

function errorsText(errors) {
  return errors.map((e) => e.message).join("；");
}

export async function render(page, { viewer, notify }) {
  const canWrite = viewer.role === "COORDINATOR";
  const canEdit = canWrite;
  const { briefings } = await gql(LIST);
  const message = h("p", { id: "briefing-message", role: "alert", class: "error" });

  const generate = h(
    "form",
    { class: "filters card", "aria-labelledby": "gen-h" },
    h("h2", { id: "gen-h", class: "wide" }, "生成通报"),
    h("div", { class: "field" }, h("label", { for: "period-start" }, "统计期间起"), h("input", { id: "period-start", name: "periodStart", type: "date", required: true, value: `${today().slice(0, 4)}-01-01` })),
    h("div", { class: "field" }, h("label", { for: "period-end" }, "统计期间止"), h("input", { id: "period-end", name: "periodEnd", type: "date", required: true, value: today() })),
    h("div", { class: "field" }, h("label", { for: "briefing-title" }, "标题（可不填）"), h("input", { id: "briefing-title", name: "title" })),
    h("div", { class: "actions" }, h("button", { type: "submit", id: "generate" }, "生成草稿")),
  );
  // One key per filled-in form: a request sent twice (a retry, a second tab) makes one draft.
  const key = crypto.randomUUID();
  onSubmit(generate, async () => {
    const values = Object.fromEntries(new FormData(generate));
    const input = { periodStart: values.periodStart, periodEnd: values.periodEnd, idempotencyKey: key };
    if (values.title.trim()) input.title = values.title.trim();
    const { generateBriefing: result } = await gql(GENERATE, { input });
    if (result.errors.length) {
      message.textContent = errorsText(result.errors);
      return;
    }
    await render(page, { viewer, notify });
    notify(`已生成通报草稿：${result.briefing.title}`);
  });

  const cards = briefings.nodes.map((b) => {
    const status = h("span", { class: `badge status-${b.status.toLowerCase()}` }, STATUS_LABELS[b.status] || b.status);
    const fileMessage = h("p", { class: "muted", role: "status" });
    const parts = [
      h("h3", {}, b.title, " ", status),
      h(
        "p",
        { class: "muted" },
        `${b.number} · 统计期间 ${b.periodStart} 至 ${b.periodEnd} · 数据截至 ${dateTime(b.asOf)}`,
        b.issuedAt ? ` · 印发于 ${dateTime(b.issuedAt)}` : ` · 生成于 ${dateTime(b.generatedAt)}`,
      ),
    ];
    if (b.status === "DRAFT" && canEdit) {
      const id = `next-${b.id}`;
      const text = h("textarea", { id, rows: 5 });
      text.value = b.nextSteps || "";
      const save = h("button", { type: "button", class: "secondary", dataset: { save: b.id } }, "保存下一步工作要求");
      onPress(save, async () => {
        const { updateBriefing: result } = await gql(UPDATE, { input: { briefingId: b.id, nextSteps: text.value } });
        if (result.errors.length) message.textContent = errorsText(result.errors);
        else notify("已保存下一步工作要求。");
      });
      parts.push(h("div", { class: "field wide" }, h("label", { for: id }, "六、下一步工作要求"), text), save);
      parts.push(imprintForm(b, notify));
    } else {
      if (b.nextSteps) parts.push(h("h4", {}, "六、下一步工作要求"), h("p", { class: "prewrap" }, b.nextSteps));
      parts.push(imprintLines(b));
    }
    if (b.status === "DRAFT" && canWrite) {
      const issue = h("button", { type: "button", dataset: { issue: b.id } }, "印发");
      onPress(issue, async () => {
        if (!window.confirm(`印发后不可修改。确定印发「${b.title}」？`)) return;
        const { issueBriefing: result } = await gql(ISSUE, { input: { briefingId: b.id } });
        if (result.errors.length) {
          message.textContent = errorsText(result.errors);
          return;
        }
        await render(page, { viewer, notify });
        notify(`已印发：${result.briefing.number}`);
      });
      const remove = h("button", { type: "button", class: "danger", dataset: { delete: b.id } }, "删除草稿");
      onPress(remove, async () => {
        if (!window.confirm(`删除草稿「${b.title}」（统计期间 ${b.periodStart} 至 ${b.periodEnd}）？删除后不可恢复。`)) return;
        const { deleteBriefing: result } = await gql(DELETE, { input: { briefingId: b.id } });
        if (result.errors.length) {
          message.textContent = errorsText(result.errors);
          return;
        }
        await render(page, { viewer, notify });
        notify(`已删除通报草稿：${b.title}`);
      });
      parts.push(h("div", { class: "button-row" }, issue, remove));
    }
    parts.push(
      h(
        "div",
        { class: "button-row", role: "group", "aria-label": `下载${b.title}` },
        FORMATS.map(([field, ext, label]) =>
          onPress(h("button", { type: "button", class: "secondary", dataset: { download: ext } }, `下载 ${label}`), () => download(b, b.files[field], ext, fileMessage)),
        ),
      ),
      fileMessage,
    );
    return h("article", { class: "card briefing", dataset: { briefingId: b.id, status: b.status } }, parts);
  });

  fill(page, 
    h("h1", {}, "工作通报"),
    canWrite ? generate : null,
    message,
    h("h2", {}, `通报（${briefings.totalCount} 期）`),
    ...(cards.length ? cards : [h("p", { class: "muted" }, "尚无通报。")]),
  );
  return null;
}

