// 登录: the login mutation; the token is kept for this tab only (sessionStorage).

import { gql, onSubmit } from "../api.js";
import { h } from "../format.js";

const LOGIN = `mutation ($input: LoginInput!) {
  login(input: $input) { token errors { field code message } }
}`;

export function render(main, { onSignedIn }) {
  const error = h("p", { class: "error", role: "alert", id: "login-error" });
  const username = h("input", { id: "username", name: "username", autocomplete: "username", required: true });
  const password = h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const submit = h("button", { type: "submit" }, "登录");
  const form = h(
    "form",
    { class: "card login", "aria-describedby": "login-error" },
    h("h1", { tabindex: "-1" }, "登录"),
    h("p", { class: "muted" }, "请使用本单位联络员账号登录。"),
    h("div", { class: "field" }, h("label", { for: "username" }, "用户名"), username),
    h("div", { class: "field" }, h("label", { for: "password" }, "密码"), password),
    error,
    submit,
  );
  onSubmit(form, async () => {
    error.textContent = "";
    try {
      const { login } = await gql(LOGIN, { input: { username: username.value.trim(), password: password.value } });
      if (login.errors.length || !login.token) {
        error.textContent = login.errors.map((e) => e.message).join("；") || "登录失败";
        password.select();
        return;
      }
      await onSignedIn(login.token);
    } catch (err) {
      error.textContent = err.message;
    }
  });
  main.append(form);
  username.focus();
}
