// The 导出台账 button of a list: the ledger of what the list shows, with its filter.

import { busy, exportLedger } from "../api.js";
import { h } from "../format.js";

export function ledgerButton(kind, filter, fallbackName, notify) {
  const button = h("button", { type: "button", class: "secondary export-ledger" }, "导出台账");
  button.addEventListener("click", () =>
    busy(button, async () => {
      try {
        await exportLedger(kind, filter, fallbackName);
      } catch (err) {
        notify(err.message, "error");
      }
    }),
  );
  return h("p", { class: "actions" }, button);
}
