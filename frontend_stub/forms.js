// Forms for the API's writes: each field with its label and its own error list, the
// payload's errors[] shown next to the input their field path names, the unit pickers.
//
//   const f = fields("case");                       // ids case-caseNumber …
//   const form = apiForm({ id: "case-form", heading: "登记执行案件", submit: "登记",
//     fields: [f.input("caseNumber", "案号", { required: true }), …],
//     send: (values, key) => gql(CREATE, { input: { ...values, idempotencyKey: key } })
//       .then((d) => d.createEnforcementCase),
//     done: (payload) => { location.hash = … } });
//
// A field's name is its path in the mutation's input (caseNumber, agenda …): an error
// with field ["input", "agenda", "0", "title"] goes to the field named agenda.

import { gql, onSubmit } from "./api.js";
import { h } from "./format.js";

/** Builders for the fields of one form; `prefix` keeps their ids apart from other forms'. */
export function fields(prefix) {
  const id = (name) => `${prefix}-${name}`;
  function wrap(name, label, control, { hint, wide, required } = {}) {
    control.id = id(name);
    control.name = name;
    control.setAttribute("aria-describedby", `${id(name)}-errors${hint ? ` ${id(name)}-hint` : ""}`);
    if (required) {
      control.dataset.required = label;
      control.setAttribute("aria-required", "true");
    }
    return h(
      "div",
      { class: `field${wide ? " wide" : ""}${required ? " required" : ""}`, dataset: { field: name } },
      h("label", { for: id(name) }, label),
      control,
      hint ? h("p", { class: "hint", id: `${id(name)}-hint` }, hint) : null,
      h("ul", { class: "field-errors", id: `${id(name)}-errors`, role: "alert" }),
    );
  }
  return {
    input(name, label, { type = "text", value = "", placeholder, min, max, ...options } = {}) {
      return wrap(name, label, h("input", { type, value, placeholder, min, max, autocomplete: "off" }), options);
    },
    textarea(name, label, { rows = 3, value = "", ...options } = {}) {
      const area = h("textarea", { rows });
      area.value = value;
      return wrap(name, label, area, { wide: true, ...options });
    },
    /** `choices`: [[value, text], …] or {value: text}; `empty`: the text of a first, empty choice. */
    select(name, label, choices, { value = "", empty = "请选择", multiple = false, ...options } = {}) {
      const list = Array.isArray(choices) ? choices : Object.entries(choices);
      const control = h(
        "select",
        { multiple, size: multiple ? Math.min(6, Math.max(3, list.length)) : null },
        multiple || empty === null ? null : h("option", { value: "" }, empty),
        list.map(([key, text]) => h("option", { value: key, selected: [].concat(value).includes(key) }, text)),
      );
      return wrap(name, label, control, options);
    },
    check(name, label, { checked = false, ...options } = {}) {
      const box = h("input", { type: "checkbox", checked });
      const field = wrap(name, label, box, options);
      field.classList.add("check");
      return field;
    },
  };
}

/** The values of a form's named controls: text trimmed ("" when empty), a multiple
 * select as a list, a checkbox as true/false. */
export function values(form) {
  const out = {};
  for (const control of form.querySelectorAll("[name]")) {
    if (control.type === "checkbox") out[control.name] = control.checked;
    else if (control.multiple) out[control.name] = [...control.selectedOptions].map((o) => o.value);
    else out[control.name] = control.value.trim();
  }
  return out;
}

/** `values` without the empty ones (the API's defaults apply to what is not sent). */
export function given(object) {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== "" && v !== null && v !== undefined));
}

export function clearErrors(form) {
  for (const list of form.querySelectorAll(".field-errors")) list.replaceChildren();
  for (const control of form.querySelectorAll("[aria-invalid]")) control.removeAttribute("aria-invalid");
}

/**
 * Show UserErrors ({field, code, message}) beside the fields their paths name; those
 * naming no field of the form go to the form's general list. Focuses the first.
 */
export function showErrors(form, errors) {
  const general = form.querySelector(".form-errors");
  let first = null;
  for (const error of errors) {
    const path = (error.field || []).filter((part, i) => !(i === 0 && part === "input"));
    let field = null;
    for (let n = path.length; n > 0 && !field; n -= 1) {
      field = form.querySelector(`[data-field="${CSS.escape(path.slice(0, n).join("."))}"]`);
    }
    const list = field ? field.querySelector(".field-errors") : general;
    list.append(h("li", { dataset: { code: error.code } }, error.message));
    if (field) {
      const control = field.querySelector("[name]");
      control.setAttribute("aria-invalid", "true");
      first = first || control;
    }
  }
  (first || general).focus?.();
  if (!first) general.setAttribute("tabindex", "-1");
}

/** Required fields left empty, as UserErrors of the form's own (nothing is sent). */
function missing(form) {
  return [...form.querySelectorAll("[data-required]")]
    .filter((control) => (control.multiple ? !control.selectedOptions.length : !control.value.trim()))
    .map((control) => ({
      field: ["input", control.name],
      code: "REQUIRED",
      message: `${control.tagName === "SELECT" ? "请选择" : "请填写"}${control.dataset.required}`,
    }));
}

/**
 * A form for one mutation. `send(values, idempotencyKey)` returns the payload; its
 * errors are shown field by field, else `done(payload, values)` runs. `check(values)`
 * may return more errors of the form's own before anything is sent.
 */
export function apiForm({ id, heading, intro, fields: children, submit, send, done, check, collapsed = true }) {
  // One idempotency key per request: sending the same values again (an answer lost on the
  // way) reuses it and creates nothing twice; changed values are a new request.
  let key = null;
  let sentValues = null;
  const form = h(
    "form",
    { id, class: "write-form", novalidate: true },
    intro ? h("p", { class: "muted wide" }, intro) : null,
    h("div", { class: "form-grid" }, children),
    h("ul", { class: "field-errors form-errors", role: "alert" }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, submit)),
  );
  onSubmit(form, async () => {
    clearErrors(form);
    const entered = values(form);
    const own = [...missing(form), ...((check && check(entered)) || [])];
    if (own.length) {
      showErrors(form, own);
      return;
    }
    const fingerprint = JSON.stringify(entered);
    if (fingerprint !== sentValues) {
      key = crypto.randomUUID();
      sentValues = fingerprint;
    }
    const payload = await send(entered, key);
    if (payload.errors.length) {
      showErrors(form, payload.errors);
      return;
    }
    sentValues = null;
    await done(payload, entered);
  });
  const box = h(
    "details",
    { class: "card form-card", open: !collapsed, dataset: { form: id } },
    h("summary", {}, h("span", { class: "summary-label" }, heading)),
    form,
  );
  return box;
}

let unitCache = null;

/** Active units (what a picker for new work offers), once per page load. */
export async function activeUnits() {
  if (!unitCache) {
    const data = await gql(`{ units(first: 100, filter: { active: true }) { nodes { id code name kind region } } }`);
    unitCache = data.units.nodes;
  }
  return unitCache;
}

/** Forget the cached units (after the administrator changed them). */
export function forgetUnits() {
  unitCache = null;
}

export function unitChoices(units, kinds) {
  return units.filter((u) => !kinds || kinds.includes(u.kind)).map((u) => [u.id, u.name]);
}

export const ORGAN_KINDS = ["PARTY_GOV_ORGAN", "DEPARTMENT", "DISTRICT_GOV"];

/** Go to `hash` and say `message` there (the shell clears the notice on every navigation). */
export function goThenSay(hash, notify, message) {
  if (location.hash === hash) {
    notify(message);
    return;
  }
  window.addEventListener("hashchange", () => notify(message), { once: true });
  location.hash = hash;
}
