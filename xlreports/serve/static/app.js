// The drop page: uploads, then polls /api/state while something is under way and redraws.
// Every text from the server is set with textContent: nothing a workbook contains becomes markup.
"use strict";

const csrf = document.querySelector('meta[name="csrf-token"]').content;
const STATUS = { waiting: "排队中…", building: "正在生成…", done: "已完成", failed: "有错误，未生成" };
let polling = null;

function $(selector, root) { return (root || document).querySelector(selector); }

function show(element, visible) { element.hidden = !visible; }

function say(text) {
  const box = $("#message");
  box.textContent = text || "";
  show(box, Boolean(text));
}

async function post(url, body) {
  const response = await fetch(url, { method: "POST", body: body, credentials: "same-origin",
                                      headers: { "X-CSRF-Token": csrf } });
  let data = {};
  try { data = await response.json(); } catch (e) { data = { error: "服务器没有正常回答（" + response.status + "）" }; }
  if (!response.ok) throw new Error(data.error || ("请求失败（" + response.status + "）"));
  return data;
}

async function refresh() {
  const response = await fetch("/api/state", { credentials: "same-origin" });
  const data = await response.json();
  if (!response.ok) { say(data.error); return; }
  draw(data);
}

function draw(state) {
  drawWorkbooks(state);
  drawImports(state.imports);
  if (state.busy && !polling) polling = setInterval(refresh, 400);
  if (!state.busy && polling) { clearInterval(polling); polling = null; }
}

function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text || "";
  row.appendChild(td);
  return td;
}

function link(parent, href, text, newTab) {
  const a = document.createElement("a");
  a.href = href;
  a.textContent = text;
  if (newTab) { a.target = "_blank"; a.rel = "noopener"; }
  parent.appendChild(a);
  return a;
}

function drawWorkbooks(state) {
  const list = $("#workbooks");
  const done = state.workbooks.filter(w => w.state === "done");
  show($("#all"), done.length > 1);
  for (const w of state.workbooks) {
    let card = list.querySelector('[data-id="' + w.id + '"]');
    if (!card) {
      card = $("#workbook-template").content.firstElementChild.cloneNode(true);
      card.dataset.id = w.id;
      list.appendChild(card);
      bindMail(card, w.id);
    }
    $(".name", card).textContent = w.name;
    const status = $(".status", card);
    const busy = w.state === "waiting" || w.state === "building";
    status.textContent = STATUS[w.state] + (w.seconds != null ? "（" + w.seconds + " 秒）" : "");
    status.className = "status " + (busy ? "busy" : w.state);
    show($(".progress", card), busy);
    drawFiles(card, w);
    drawProblems(card, w);
    drawMail(card, w, state.mail);
  }
}

function drawFiles(card, w) {
  const box = $(".files", card);
  show(box, w.state === "done" && w.files.length > 0);
  const main = $("tbody.main", box);
  const cities = $("tbody.cities", box);
  if (main.dataset.count !== String(w.files.length)) {
    main.textContent = "";
    cities.textContent = "";
    for (const f of w.files) {
      const row = document.createElement("tr");
      row.className = "form";
      cell(row, f.label).className = "label";
      const actions = cell(row, "");
      link(actions, "/preview/" + w.id + "/" + f.id, "预览", true);
      link(actions, "/file/" + w.id + "/" + f.id, "下载 Excel");
      if (f.pdf) link(actions, "/file/" + w.id + "/" + f.id + "/pdf", "PDF", true);
      (f.label.includes("/") ? cities : main).appendChild(row);
    }
    main.dataset.count = String(w.files.length);
    const count = cities.children.length;
    show($("details.cities", box), count > 0);
    $("details.cities summary", box).textContent = "各地市的文件（" + count + " 个，用于分发给各地市）";
  }
  $(".zip", box).href = "/zip/" + w.id;
  if (w.state === "done" && w.files.length === 0) {
    $(".note", card).textContent = "这个工作簿没有可以填的表格（检查工作表名称是否与说明一致）。";
  }
}

function drawProblems(card, w) {
  const box = $(".errors", card);
  show(box, w.errors.length > 0);
  const body = $("tbody", box);
  if (body.dataset.count !== String(w.errors.length)) {
    body.textContent = "";
    for (const p of w.errors) {
      const row = document.createElement("tr");
      row.className = "problem";
      cell(row, p.location || "—");
      cell(row, p.message);
      cell(row, p.value);
      cell(row, p.expected);
      body.appendChild(row);
    }
    body.dataset.count = String(w.errors.length);
  }
  const warnings = $(".warnings", card);
  show(warnings, w.warnings.length > 0);
  const ul = $("ul", warnings);
  if (ul.dataset.count !== String(w.warnings.length)) {
    ul.textContent = "";
    for (const p of w.warnings) { const li = document.createElement("li"); li.textContent = p.text; ul.appendChild(li); }
    ul.dataset.count = String(w.warnings.length);
  }
  const note = $(".note", card);
  if (w.note) note.textContent = w.note;
  show(note, Boolean(note.textContent));
}

function drawMail(card, w, settings) {
  const box = $(".mail", card);
  show(box, w.state === "done" && w.recipients);
  if (!settings) return;
  const server = $(".mail-server", card);
  server.textContent = settings.host
    ? "邮件服务器：" + settings.host + ":" + settings.port + (settings.user ? "，账号 " + settings.user : "")
    : "还没有设置邮件服务器：请管理员在启动 xlreports serve 的文件夹中写好 xlreports-mail.toml（见说明文档）。";
  const planText = $(".plan-text", card);
  show(planText, Boolean(w.mail.plan));
  planText.textContent = w.mail.plan || "";
  const form = $(".send", card);
  show(form, w.mail.plan_ok && Boolean(settings.host));
  show($("label", form), Boolean(settings.user) && !settings.password_set);
  $("button", form).disabled = w.mail.running;
  $(".plan", card).disabled = w.mail.running;
  const log = $(".send-log", card);
  const lines = w.mail.lines.slice();
  if (w.mail.running) lines.push("正在发送…");
  show(log, lines.length > 0);
  log.textContent = lines.join("\n");
}

function bindMail(card, id) {
  $(".plan", card).addEventListener("click", async () => {
    say("");
    try { draw(await post("/api/mail/" + id + "/plan", new FormData())); } catch (e) { say(e.message); }
  });
  $(".send", card).addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const data = new FormData(form);
    form.reset();  // the password leaves the page with this request only
    say("");
    try { draw(await post("/api/mail/" + id + "/send", data)); } catch (e) { say(e.message); }
  });
}

function drawImports(imports) {
  const list = $("#imports");
  if (list.dataset.count === String(imports.length)) return;
  list.textContent = "";
  for (const item of imports.slice().reverse()) {
    const box = document.createElement("article");
    box.className = "workbook import";
    const title = document.createElement("h3");
    title.textContent = item.name;
    box.appendChild(title);
    if (item.download) {
      const p = document.createElement("p");
      p.textContent = "✓ " + item.summary + "：";
      link(p, "/download/" + item.download, "下载填报工作簿 " + item.file);
      box.appendChild(p);
    } else {
      const p = document.createElement("p");
      p.className = "bad";
      p.textContent = "无法导入，没有生成工作簿：";
      box.appendChild(p);
    }
    const ul = document.createElement("ul");
    for (const e of item.errors) { const li = document.createElement("li"); li.textContent = "错误：" + e.text; ul.appendChild(li); }
    for (const e of item.warnings) { const li = document.createElement("li"); li.textContent = "提示：" + e.text; ul.appendChild(li); }
    box.appendChild(ul);
    list.appendChild(box);
  }
  list.dataset.count = String(imports.length);
}

async function upload(files) {
  if (!files.length) return;
  const body = new FormData();
  for (const f of files) body.append("files", f, f.name);
  body.append("pdf", $("#pdf").checked ? "1" : "0");
  say("正在上传 " + files.length + " 个文件…");
  try {
    const state = await post("/api/upload", body);
    say(state.refused && state.refused.length ? "没有处理：" + state.refused.join("；") : "");
    draw(state);
  } catch (e) { say(e.message); }
}

async function importForm(file) {
  if (!file) return;
  const body = new FormData();
  body.append("file", file, file.name);
  say("正在导入 " + file.name + "…");
  try { draw(await post("/api/import", body)); say(""); } catch (e) { say(e.message); }
}

function dropZone(zone, input, handle) {
  input.addEventListener("change", () => { handle(Array.from(input.files)); input.value = ""; });
  zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    handle(Array.from(e.dataTransfer.files));
  });
}

dropZone($("#drop"), $("#files"), upload);
dropZone($("#import-drop"), $("#import-file"), (files) => importForm(files[0]));
refresh();
