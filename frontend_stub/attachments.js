// Evidence files (证明材料): uploaded one by one to POST /files as they are chosen or
// dropped, each with its progress; the form then sends their ids with its mutation
// (evidenceFileIds, fileIds). Opening one fetches it with the bearer token and saves it.
//
//   const drop = fileDrop({ id: "action-files", label: "附件" });
//   form.append(drop.element);
//   … if (drop.uploading()) wait; input.evidenceFileIds = drop.ids();

import { download, token } from "./api.js";
import { h } from "./format.js";

export const ACCEPT = ".pdf,.jpg,.jpeg,.png,.ofd,.docx,.xlsx";

/** The size of a file as a liaison reads it: 812 KB, 3.4 MB. */
export function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** POST one file to /files; `onProgress(fraction)` while it goes. Resolves to the upload's
 * {id, name, size, sha256, contentType}; rejects with the server's message. */
export function uploadFile(file, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", "/files");
    request.setRequestHeader("Accept-Language", "zh-CN");
    const bearer = token();
    if (bearer) request.setRequestHeader("Authorization", `Bearer ${bearer}`);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      let body = {};
      try {
        body = JSON.parse(request.responseText);
      } catch (err) {
        body = {};
      }
      if (request.status === 201) resolve(body);
      else if (request.status === 413) reject(new Error(body.message || "文件过大，超出上传大小上限"));
      else reject(new Error(body.message || `上传失败（HTTP ${request.status}）`));
    };
    request.onerror = () => reject(new Error("无法连接服务器，请检查网络后重试"));
    const form = new FormData();
    form.append("file", file, file.name);
    request.send(form);
  });
}

/**
 * A file picker with drag and drop. Each file uploads at once; `ids()` are the ones
 * uploaded, `uploading()` whether any is still on its way, `clear()` empties the list.
 */
export function fileDrop({ id, label = "附件（PDF、图片、OFD、Word、Excel，可拖入）" }) {
  const uploaded = new Map(); // row element → id
  let pending = 0;
  const list = h("ul", { class: "file-list", id: `${id}-list`, "aria-live": "polite" });
  const input = h("input", { type: "file", id, multiple: true, accept: ACCEPT, class: "file-input" });
  const zone = h(
    "div",
    { class: "file-drop", dataset: { drop: id } },
    h("label", { for: id }, label),
    input,
    h("p", { class: "hint" }, "点击选择或将文件拖到此处；每个文件不超过上传上限"),
    list,
  );

  function add(file) {
    const bar = h("progress", { max: 1, value: 0, "aria-label": `${file.name} 上传进度` });
    const status = h("span", { class: "muted file-status" }, "上传中…");
    const remove = h("button", { type: "button", class: "link", "aria-label": `移除 ${file.name}` }, "移除");
    const row = h("li", { dataset: { file: file.name } }, h("span", { class: "file-name" }, file.name), ` ${size(file.size)} `, bar, status, remove);
    remove.addEventListener("click", () => {
      uploaded.delete(row);
      row.remove();
    });
    list.append(row);
    pending += 1;
    uploadFile(file, (fraction) => {
      bar.value = fraction;
    })
      .then((answer) => {
        uploaded.set(row, answer.id);
        bar.value = 1;
        row.dataset.fileId = answer.id;
        status.textContent = "已上传";
      })
      .catch((err) => {
        row.classList.add("error");
        bar.remove();
        status.textContent = err.message;
        status.setAttribute("role", "alert");
      })
      .finally(() => {
        pending -= 1;
      });
  }

  input.addEventListener("change", () => {
    for (const file of input.files) add(file);
    input.value = "";
  });
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    for (const file of event.dataTransfer.files) add(file);
  });
  return {
    element: zone,
    ids: () => [...uploaded.values()],
    uploading: () => pending > 0,
    clear: () => {
      uploaded.clear();
      list.replaceChildren();
    },
  };
}

/** The attachments of a record as buttons that download them (with the bearer token). */
export function attachmentLinks(attachments) {
  if (!attachments || !attachments.length) return null;
  return h(
    "ul",
    { class: "attachments", "aria-label": "附件" },
    attachments.map((a) =>
      h(
        "li",
        {},
        h(
          "button",
          {
            type: "button",
            class: "link",
            dataset: { url: a.url },
            onclick: (event) => {
              const item = event.currentTarget.parentElement;
              item.querySelector(".error")?.remove();
              download(a.url, a.name).catch((err) => item.append(h("span", { class: "error", role: "alert" }, ` ${err.message}`)));
            },
          },
          `附件：${a.name}`,
        ),
        h("span", { class: "muted" }, ` ${size(a.size)}`),
      ),
    ),
  );
}
