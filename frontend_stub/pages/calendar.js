// 节假日安排: the years of the official calendar known and, for the administrator, a new
// year entered from the State Council's notice — pasted as dates or clicked on a month
// grid, seen there (休 / 班) before it is saved with setOfficialCalendar.

import { ApiError, gql } from "../api.js";
import { dateTime, fill, h, table, today } from "../format.js";

const LIST = `{
  officialCalendars { year source origin enteredBy enteredAt holidays workdays }
}`;

const SAVE = `mutation ($input: SetOfficialCalendarInput!) {
  setOfficialCalendar(input: $input) {
    officialCalendar { year source holidays workdays }
    errors { field code message }
  }
}`;

const ORIGIN_LABELS = { PACKAGE: "日历软件包", ADMIN: "管理员录入" };
const WEEKDAYS = ["一", "二", "三", "四", "五", "六", "日"];
const FIELD_LABELS = { year: "年份", source: "来源（文号）", holidays: "放假日期", workdays: "调休上班日期" };
const RECENT = 5; // years shown in the list before 更早的年份

// ------------------------------------------------------------------ dates (no time zones: UTC days)

function iso(y, m, d) {
  return `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

function utc(text) {
  const [y, m, d] = text.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

function isReal(y, m, d) {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

function nextDay(text) {
  const t = utc(text);
  t.setUTCDate(t.getUTCDate() + 1);
  return t.toISOString().slice(0, 10);
}

function addDays(text, n) {
  const t = utc(text);
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
}

/** 0 = Monday … 6 = Sunday. */
function weekday(text) {
  return (utc(text).getUTCDay() + 6) % 7;
}

function monthDay(text) {
  const [, m, d] = text.split("-").map(Number);
  return `${m}月${d}日`;
}

const FULL = String.raw`(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?`;
const END = String.raw`(?:(\d{4})\s*[-/.年]\s*)?(?:(\d{1,2})\s*[-/.月]\s*)?(\d{1,2})\s*日?`;
const DATES = new RegExp(`${FULL}(?:\\s*(?:至|到|~|～)\\s*${END})?`, "g");

/**
 * The dates in pasted text, in order (a date listed twice stays twice: the server says so).
 * Takes 2027-01-01, 2027/1/1, 2027年1月1日 and ranges "2027-02-06 至 2027-02-13",
 * "2027年2月6日至13日"; "# …" comments (a TOML file) and words without digits are skipped.
 */
export function parseDates(text) {
  const days = [];
  const problems = [];
  const cleaned = text.replace(/#[^\n]*/g, " ");
  let rest = "";
  let last = 0;
  for (const match of cleaned.matchAll(DATES)) {
    rest += `${cleaned.slice(last, match.index)} `;
    last = match.index + match[0].length;
    const [written, y, m, d, y2, m2, d2] = match;
    const start = [Number(y), Number(m), Number(d)];
    if (!isReal(...start)) {
      problems.push(`“${written.trim()}”不是有效的日期`);
      continue;
    }
    const first = iso(...start);
    if (d2 === undefined) {
      days.push(first);
      continue;
    }
    const end = [y2 ? Number(y2) : start[0], m2 ? Number(m2) : start[1], Number(d2)];
    const final = isReal(...end) ? iso(...end) : null;
    if (!final || final < first || final > addDays(first, 60)) {
      problems.push(`“${written.trim()}”不是有效的日期区间`);
      continue;
    }
    for (let day = first; day <= final; day = nextDay(day)) days.push(day);
  }
  rest += cleaned.slice(last);
  for (const token of rest.split(/[\s,，、;；:：[\]"'=()（）]+/)) {
    if (/\d/.test(token)) problems.push(`无法识别“${token}”，请写成 2027-01-01 这样的日期`);
  }
  return { days, problems };
}

/** A set of dates as text: one run of consecutive days a line, "A 至 B". */
function runsText(days) {
  const sorted = [...new Set(days)].sort();
  const lines = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === nextDay(sorted[j])) j += 1;
    lines.push(i === j ? sorted[i] : `${sorted[i]} 至 ${sorted[j]}`);
    i = j + 1;
  }
  return lines.join("\n");
}

function summary(year, holidays, workdays) {
  const off = new Set(holidays.filter((d) => d.startsWith(`${year}-`)));
  const on = new Set(workdays.filter((d) => d.startsWith(`${year}-`)));
  let working = 0;
  for (let day = `${year}-01-01`; day.startsWith(`${year}-`); day = nextDay(day)) {
    if (on.has(day) || (weekday(day) < 5 && !off.has(day))) working += 1;
  }
  return { off: off.size, on: on.size, working };
}

/** A server message without the field path and rule it starts and ends with
 * ("workdays.0: 2027-02-17 is a Wednesday … [calendar.workday_not_weekend]"): the field is
 * where the message is shown, and the message names the date. */
function readable(message) {
  return message.replace(/^[\w.]+[:：] ?/, "").replace(/\s*\[[\w.]+\]$/, "");
}

// ------------------------------------------------------------------ the page

export async function render(page, { viewer, query, notify }) {
  const { officialCalendars: known } = await gql(LIST);
  const byYear = new Map(known.map((row) => [row.year, row]));
  const years = known.map((row) => row.year);
  const first = years.length ? Math.min(...years) : null;
  const last = years.length ? Math.max(...years) : null;
  const isAdmin = viewer.role === "ADMIN";

  const lead = h(
    "p",
    { class: "muted" },
    years.length ? `已有 ${first}–${last} 年的节假日安排。` : "尚未有任何年份的节假日安排。",
    "办结时限、三色预警和用时都按这里的放假和调休上班日计算工作日；",
    isAdmin
      ? "国务院办公厅公布下一年的安排后，请在下方录入。"
      : "录入或修改节假日安排需要系统管理员账号。",
  );
  const form = isAdmin ? entryForm({ byYear, last, query, notify, onSaved: () => render(page, { viewer, query: {}, notify }) }) : null;
  fill(
    page,
    h("h1", {}, "节假日安排"),
    lead,
    form ? form.node : null,
    yearList(known, isAdmin ? (row) => form.load(row) : null),
  );
  return null;
}

function yearList(known, onEdit) {
  const newest = [...known].sort((a, b) => b.year - a.year);
  const headers = ["年份", "来源（文号）", "录入方式", "录入人", "录入时间", "放假/调休"];
  if (onEdit) headers.push("操作");
  const row = (c) =>
    h(
      "tr",
      { "data-year": c.year },
      h("th", { scope: "row" }, `${c.year}年`),
      h("td", {}, c.source),
      h("td", {}, h("span", { class: `badge origin-${c.origin.toLowerCase()}` }, ORIGIN_LABELS[c.origin] || c.origin)),
      h("td", {}, c.enteredBy || (c.origin === "PACKAGE" ? "—" : "命令行")),
      h("td", {}, dateTime(c.enteredAt)),
      h("td", { class: "num" }, `${c.holidays.length} 天 / ${c.workdays.length} 天`),
      onEdit ? h("td", {}, h("button", { type: "button", class: "secondary small", onclick: () => onEdit(c) }, `修改${c.year}年`)) : null,
    );
  const recent = newest.slice(0, RECENT);
  const older = newest.slice(RECENT);
  return h(
    "section",
    { "aria-labelledby": "known-h", class: "known-years" },
    h("h2", { id: "known-h" }, "已录入的年份"),
    known.length ? table("已录入的年份", headers, recent.map(row)) : h("p", { class: "empty" }, "尚无。"),
    older.length
      ? h(
          "details",
          { class: "older-years" },
          h("summary", {}, `更早的年份（${older[older.length - 1].year}–${older[0].year}年，共 ${older.length} 年）`),
          table("更早的年份", headers, older.map(row)),
        )
      : null,
  );
}

function entryForm({ byYear, last, query, notify, onSaved }) {
  const wanted = Number(query.year) || (last ? last + 1 : Number(today().slice(0, 4)));
  const ids = { year: "cal-year", source: "cal-source", holidays: "cal-holidays", workdays: "cal-workdays" };
  const errorBox = (field) => h("ul", { class: "field-errors", id: `${ids[field]}-errors`, "aria-live": "polite" });
  const boxes = { year: errorBox("year"), source: errorBox("source"), holidays: errorBox("holidays"), workdays: errorBox("workdays") };
  const general = h("ul", { class: "field-errors", id: "cal-errors", role: "alert" });

  const year = h("input", { id: ids.year, name: "year", type: "number", min: 1949, max: 2200, required: true, value: wanted, inputmode: "numeric", "aria-describedby": `${ids.year}-errors` });
  const source = h("input", { id: ids.source, name: "source", required: true, maxlength: 200, placeholder: "国办发明电〔2026〕N号", "aria-describedby": `${ids.source}-hint ${ids.source}-errors` });
  const holidays = h("textarea", { id: ids.holidays, name: "holidays", rows: 7, class: "dates", spellcheck: "false", "aria-describedby": `${ids.holidays}-hint ${ids.holidays}-errors` });
  const workdays = h("textarea", { id: ids.workdays, name: "workdays", rows: 4, class: "dates", spellcheck: "false", "aria-describedby": `${ids.workdays}-hint ${ids.workdays}-errors` });
  const submit = h("button", { type: "submit", id: "cal-save" }, "保存");
  const confirm = h("div", { class: "confirm-replace", id: "cal-confirm", hidden: true, role: "alertdialog", "aria-labelledby": "cal-confirm-text" });
  const totals = h("p", { class: "cal-totals", id: "cal-totals", "aria-live": "polite" });
  const grid = h("div", { class: "months", id: "cal-grid", role: "group", "aria-label": "月历" });
  const gridHeading = h("h2", { id: "grid-h" });

  let parsed = { holidays: { days: [], problems: [] }, workdays: { days: [], problems: [] } };
  let badDays = new Set();
  let focusDay = null;

  const yearValue = () => {
    const value = Number(year.value);
    return Number.isInteger(value) && value >= 1949 && value <= 2200 ? value : null;
  };

  function clearServerErrors() {
    for (const box of [...Object.values(boxes), general]) box.replaceChildren();
    badDays = new Set();
    confirm.hidden = true;
  }

  function showClientProblems() {
    for (const field of ["holidays", "workdays"]) {
      boxes[field].replaceChildren(...parsed[field].problems.map((p) => h("li", { class: "client" }, p)));
    }
  }

  function reparse() {
    parsed = { holidays: parseDates(holidays.value), workdays: parseDates(workdays.value) };
    showClientProblems();
    drawGrid();
  }

  function setDays(newHolidays, newWorkdays) {
    holidays.value = runsText(newHolidays);
    workdays.value = runsText(newWorkdays);
    reparse();
  }

  function toggle(day) {
    const off = new Set(parsed.holidays.days);
    const on = new Set(parsed.workdays.days);
    if (off.has(day)) {
      off.delete(day);
      if (weekday(day) >= 5 && !on.has(day)) on.add(day);
    } else if (on.has(day)) {
      on.delete(day);
    } else {
      off.add(day);
    }
    focusDay = day;
    setDays([...off], [...on]);
    const button = grid.querySelector(`[data-date="${day}"]`);
    if (button) button.focus();
  }

  function drawGrid() {
    const y = yearValue();
    if (!y) {
      gridHeading.textContent = "月历预览";
      totals.textContent = "请先填写年份。";
      grid.replaceChildren();
      return;
    }
    const off = new Set(parsed.holidays.days);
    const on = new Set(parsed.workdays.days);
    const count = summary(y, parsed.holidays.days, parsed.workdays.days);
    gridHeading.textContent = `${y}年月历预览`;
    totals.textContent = `放假 ${count.off} 天，调休上班 ${count.on} 天，全年工作日 ${count.working} 天。`;
    if (!focusDay || !focusDay.startsWith(`${y}-`)) focusDay = `${y}-01-01`;
    const months = [];
    for (let m = 1; m <= 12; m += 1) {
      const rows = [];
      let cells = [];
      const lead = weekday(iso(y, m, 1));
      for (let i = 0; i < lead; i += 1) cells.push(h("td", {}));
      for (let d = 1; isReal(y, m, d); d += 1) {
        const day = iso(y, m, d);
        const weekend = weekday(day) >= 5;
        const isOff = off.has(day);
        const isOn = on.has(day);
        const state = isOff && isOn ? "既放假又上班" : isOff ? "放假" : isOn ? "调休上班" : weekend ? "周末" : "工作日";
        const classes = ["day", weekend ? "weekend" : null, isOff ? "holiday" : null, isOn ? "workday" : null, badDays.has(day) ? "bad" : null];
        cells.push(
          h(
            "td",
            {},
            h(
              "button",
              {
                type: "button",
                class: classes.filter(Boolean).join(" "),
                "data-date": day,
                tabindex: day === focusDay ? "0" : "-1",
                "aria-label": `${m}月${d}日 星期${WEEKDAYS[weekday(day)]}，${state}${badDays.has(day) ? "（有误）" : ""}`,
                onclick: () => toggle(day),
              },
              h("span", { class: "num-day" }, d),
              h("span", { class: "mark", "aria-hidden": "true" }, isOff && isOn ? "!" : isOff ? "休" : isOn ? "班" : ""),
            ),
          ),
        );
        if (cells.length === 7) {
          rows.push(h("tr", {}, cells));
          cells = [];
        }
      }
      if (cells.length) rows.push(h("tr", {}, cells));
      months.push(
        h(
          "section",
          { class: "month", "aria-label": `${m}月` },
          h("h3", { "aria-hidden": "true" }, `${m}月`),
          h(
            "table",
            { role: "presentation" },
            h("thead", {}, h("tr", {}, WEEKDAYS.map((w, i) => h("th", { class: i >= 5 ? "weekend" : null }, w)))),
            h("tbody", {}, rows),
          ),
        ),
      );
    }
    grid.replaceChildren(...months);
  }

  // Arrow keys move between days (one tab stop for the whole grid).
  grid.addEventListener("keydown", (event) => {
    const step = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 }[event.key];
    const current = event.target.closest && event.target.closest("[data-date]");
    if (!step || !current) return;
    const target = grid.querySelector(`[data-date="${addDays(current.dataset.date, step)}"]`);
    if (!target) return;
    event.preventDefault();
    current.setAttribute("tabindex", "-1");
    target.setAttribute("tabindex", "0");
    focusDay = target.dataset.date;
    target.focus();
  });

  function updateButton() {
    const y = yearValue();
    submit.textContent = y && byYear.has(y) ? `保存（替换已录入的${y}年）` : "保存";
  }

  function load(row, { focus = true } = {}) {
    year.value = row.year;
    source.value = row.origin === "ADMIN" ? row.source : "";
    clearServerErrors();
    setDays(row.holidays, row.workdays);
    updateButton();
    if (focus) {
      year.scrollIntoView({ block: "center" });
      source.focus();
    }
  }

  function showServerErrors(errors) {
    for (const error of errors) {
      const path = error.field || [];
      const field = path[1];
      if (field === "replace") {
        fill(
          confirm,
          // The API's instruction (send replace: true) is this dialog's 确认替换 button.
          h("p", { id: "cal-confirm-text" }, readable(error.message).replace(/[：:][^：:]*`?replace: true`?.*$/, "。")),
          h("p", {}, "替换后，这些事项的预警和用时按新的安排重新计算；替换前后的安排都会留存记录。"),
          h(
            "div",
            { class: "button-row" },
            h("button", { type: "button", class: "danger", id: "cal-replace", onclick: () => save(true) }, "确认替换"),
            h("button", { type: "button", class: "secondary", onclick: () => { confirm.hidden = true; submit.focus(); } }, "取消"),
          ),
        );
        confirm.hidden = false;
        confirm.querySelector("#cal-replace").focus();
        continue;
      }
      const box = boxes[field] || general;
      const label = boxes[field] ? "" : FIELD_LABELS[field] ? `${FIELD_LABELS[field]}：` : "";
      box.append(h("li", { class: "server" }, `${label}${readable(error.message)}`));
      // The refusal's path names the date by its place in the list sent: input.workdays.3.
      const named = parsed[field] && parsed[field].days[Number(path[2])];
      if (named) badDays.add(named);
    }
    drawGrid();
    const firstError = [boxes.year, boxes.source, boxes.holidays, boxes.workdays, general].find((b) => b.children.length);
    if (firstError) {
      const input = { [boxes.year.id]: year, [boxes.source.id]: source, [boxes.holidays.id]: holidays, [boxes.workdays.id]: workdays }[firstError.id];
      (input || submit).focus();
    }
  }

  async function save(replace = false) {
    clearServerErrors();
    reparse();
    if (parsed.holidays.problems.length || parsed.workdays.problems.length) {
      (parsed.holidays.problems.length ? holidays : workdays).focus();
      return;
    }
    const input = {
      year: yearValue() ?? Number(year.value),
      source: source.value,
      holidays: parsed.holidays.days,
      workdays: parsed.workdays.days,
      replace,
    };
    submit.disabled = true;
    try {
      const { setOfficialCalendar: result } = await gql(SAVE, { input });
      if (result.errors.length) {
        showServerErrors(result.errors);
        return;
      }
      const saved = result.officialCalendar;
      document.dispatchEvent(new CustomEvent("fuyuan:calendar-changed"));
      await onSaved();
      notify(`已保存${saved.year}年节假日安排：放假 ${saved.holidays.length} 天，调休上班 ${saved.workdays.length} 天。`);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      general.append(h("li", { class: "server" }, err.message));
    } finally {
      submit.disabled = false;
    }
  }

  year.addEventListener("input", () => {
    updateButton();
    drawGrid();
  });
  holidays.addEventListener("input", reparse);
  workdays.addEventListener("input", reparse);

  const node = h(
    "section",
    { class: "card calendar-entry", "aria-labelledby": "entry-h" },
    h(
      "form",
      { class: "entry-form", novalidate: true, onsubmit: (event) => { event.preventDefault(); save(false); } },
      h("h2", { id: "entry-h" }, "录入一年的节假日安排"),
      h("div", { class: "field" }, h("label", { for: ids.year }, "年份"), year, boxes.year),
      h(
        "div",
        { class: "field" },
        h("label", { for: ids.source }, "来源（文号）"),
        source,
        h("p", { class: "hint", id: `${ids.source}-hint` }, "国务院办公厅关于部分节假日安排的通知的文号。"),
        boxes.source,
      ),
      h(
        "div",
        { class: "field" },
        h("label", { for: ids.holidays }, "放假日期（休）"),
        holidays,
        h("p", { class: "hint", id: `${ids.holidays}-hint` }, "每个放假的日子，含假期中的周末。可粘贴日期或区间，用逗号、空格或换行分开，如 2027-02-06 至 2027-02-13；也可在月历上点击日期。"),
        boxes.holidays,
      ),
      h(
        "div",
        { class: "field" },
        h("label", { for: ids.workdays }, "调休上班日期（班）"),
        workdays,
        h("p", { class: "hint", id: `${ids.workdays}-hint` }, "调休上班的周六、周日。在月历上再点一次放假的周末即改为上班。"),
        boxes.workdays,
      ),
      general,
      confirm,
      h("div", { class: "button-row" }, submit),
    ),
    h(
      "div",
      { class: "preview", "aria-labelledby": "grid-h" },
      gridHeading,
      totals,
      h(
        "p",
        { class: "legend" },
        h("span", { class: "key-day holiday" }, "休"), " 放假 ",
        h("span", { class: "key-day workday" }, "班"), " 调休上班 ",
        h("span", { class: "key-day weekend" }, "六"), " 周末 ",
        h("span", { class: "key-day" }, "一"), " 工作日",
      ),
      h("p", { class: "hint legend-hint" }, "点击日期切换：放假 → 调休上班（仅周末）→ 还原；方向键可在日期间移动。"),
      grid,
    ),
  );
  const row = byYear.get(wanted);
  if (row) load(row, { focus: false });
  else reparse();
  updateButton();
  return { node, load };
}
