// 清单导入: a coordinator downloads a template, uploads the filled-in list, sees every
// problem of a dry run (试导入), then imports it (all or nothing).

import { ApiError, download, gqlUpload } from "../api.js";
import { dateTime, fill, h, table } from "../format.js";

const KINDS = [
  ["CASES", "cases", "涉党政机关执行案件"],
  ["MATTERS", "matters", "破产协调事项"],
  ["DECISIONS", "decisions", "联席会议议定事项"],
];

const IMPORT = `mutation ($input: ImportLedgerInput!) {
  importLedger(input: $input) {
    batch { id fileName rows created importedAt }
    rows created problemCount
    problems { code message row column }
  }
}`;

export async function render(page, { viewer, notify }) {
  if (!["COORDINATOR", "ADMIN"].includes(viewer.role)) {
    fill(page, h("h1", {}, "清单导入"), h("p", { class: "muted" }, "清单式交办由联席办导入；您的角色不能导入清单。"));
    return null;
  }
  const kind = h("select", { id: "import-kind", name: "kind" }, KINDS.map(([value, , label]) => h("option", { value }, label)));
  const file = h("input", { id: "import-file", name: "file", type: "file", accept: ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", required: true });
  const result = h("div", { id: "import-result", "aria-live": "polite" });
  const template = h("button", { type: "button", class: "secondary", id: "import-template" }, "下载模板");
  template.addEventListener("click", async () => {
    const [, path, label] = KINDS.find(([value]) => value === kind.value);
    try {
      await download(`/ledgers/templates/${path}.xlsx`, `${label}（模板）.xlsx`);
    } catch (err) {
      notify(err.message, "error");
    }
  });
  const dryRun = h("button", { type: "submit", id: "import-check", value: "dry" }, "试导入（只检查）");
  const real = h("button", { type: "submit", id: "import-run", value: "real", class: "secondary", disabled: true }, "正式导入");
  const form = h(
    "form",
    { class: "filters import-form", "aria-label": "导入清单" },
    h("div", { class: "field" }, h("label", { for: "import-kind" }, "清单类型"), kind),
    h("div", { class: "field" }, h("label", { for: "import-file" }, "清单文件（.xlsx）"), file),
    h("div", { class: "actions" }, template, dryRun, real),
  );
  let checked = null; // the file and kind a dry run passed
  const reset = () => {
    checked = null;
    real.disabled = true;
  };
  kind.addEventListener("change", reset);
  file.addEventListener("change", reset);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = file.files[0];
    if (!chosen) return;
    const isDryRun = event.submitter !== real;
    dryRun.disabled = real.disabled = true;
    fill(result, h("p", { class: "loading" }, isDryRun ? "正在检查…" : "正在导入…"));
    try {
      const { importLedger: answer } = await gqlUpload(IMPORT, { input: { kind: kind.value, dryRun: isDryRun } }, chosen);
      showResult(result, answer, isDryRun);
      checked = isDryRun && answer.problemCount === 0 ? chosen : null;
    } catch (err) {
      fill(result, h("p", { class: "error", role: "alert" }, err instanceof ApiError ? err.message : String(err)));
      checked = null;
    }
    dryRun.disabled = false;
    real.disabled = checked === null;
  });
  fill(
    page,
    h("h1", {}, "清单导入"),
    h("p", { class: "muted" }, "先下载模板填写，或使用导出的执行案件台账；试导入列出全部问题而不保存，正式导入时只要有一行有问题，整份清单都不保存。"),
    form,
    result,
  );
  return null;
}

function showResult(box, answer, isDryRun) {
  if (answer.problemCount > 0) {
    const shown = answer.problems.length;
    fill(
      box,
      h("p", { class: "error", role: "alert", id: "import-summary" },
        `共 ${answer.problemCount} 个问题${shown < answer.problemCount ? `（列出前 ${shown} 个）` : ""}，未导入任何记录。`),
      table("清单中的问题", ["行", "列", "问题"], answer.problems.map((p) =>
        h("tr", {}, h("td", { class: "num" }, p.row ?? "—"), h("td", {}, p.column ?? "—"), h("td", {}, p.message)))),
    );
    return;
  }
  if (isDryRun) {
    fill(box, h("p", { class: "notice-info", role: "status", id: "import-summary" },
      `检查通过：${answer.rows} 行均可导入，将新建 ${answer.created} 条记录。请点“正式导入”。`));
    return;
  }
  const batch = answer.batch;
  fill(box, h("p", { class: "notice-info", role: "status", id: "import-summary" },
    `已导入「${batch.fileName}」：${batch.rows} 行，新建 ${batch.created} 条记录（导入批次 ${batch.id}，${dateTime(batch.importedAt)}）。`));
}
