/**
 * The console: one self-contained page (no build step, no dependencies) served by the gateway at `/`.
 * It polls `/api/accounts` and `/api/events`; in dev mode it also offers a composer that writes as a
 * fake user through `/api/dev/send` and shows the reply when it comes back.
 */
export const CONSOLE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Patchbay console</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  :root { font: 14px/1.4 system-ui, sans-serif; color: #1d2330; background: #f5f6f8; }
  body { margin: 0 auto; max-width: 1100px; padding: 16px; }
  h1 { font-size: 20px; margin: 0 0 12px; } h2 { font-size: 15px; margin: 20px 0 8px; }
  table { border-collapse: collapse; width: 100%; background: #fff; }
  th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e3e6eb; vertical-align: top; }
  th { font-weight: 600; background: #eef0f3; }
  .state-ready { color: #137333; } .state-degraded, .state-connecting { color: #b06000; }
  .state-needs-login, .state-replaced, .state-stopped { color: #c5221f; }
  code { font: 12px ui-monospace, monospace; }
  form { display: flex; flex-wrap: wrap; gap: 6px; background: #fff; padding: 8px; }
  form label { display: flex; flex-direction: column; font-size: 12px; }
  input, select { font: inherit; padding: 3px 5px; }
  .dropped { color: #80868b; } .reply { color: #174ea6; }
  tr[data-kind=reply] td { background: #f4f8fe; }
  td.time { white-space: nowrap; color: #5f6368; } .empty td { color: #80868b; font-style: italic; }
  #mode, #status { font-size: 12px; color: #5f6368; } #status.error, #mode.error { color: #c5221f; }
</style>
</head>
<body>
<h1>Patchbay <span id="mode"></span></h1>
<h2>Accounts</h2>
<table id="accounts"><thead><tr><th>channel</th><th>account</th><th>state</th><th>reason</th><th>last inbound</th></tr></thead><tbody></tbody></table>
<section id="composer" hidden>
<h2>Write as a fake user</h2>
<form id="send">
  <label>channel <select name="channel" id="channel"></select></label>
  <label>account <select name="accountId" id="account"></select></label>
  <label>chat <select name="chat" id="chat"></select></label>
  <label>as user <select name="user" id="user"></select></label>
  <label style="flex:1">message <input name="text" id="text" required autocomplete="off"></label>
  <button type="submit" id="send-button">Send</button>
</form>
<p id="status" role="status"></p>
</section>
<h2>Recent messages</h2>
<table id="events"><thead><tr><th>time</th><th>where</th><th>from</th><th>text</th><th>decision</th></tr></thead><tbody></tbody></table>
<script>
const $ = (s) => document.querySelector(s);
const esc = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
const time = (at) => new Date(at).toLocaleTimeString([], { hour12: false });
const empty = (columns, text) => "<tr class=empty><td colspan=" + columns + ">" + text + "</td></tr>";
let playground = null;
let modeText = "";
async function refresh() {
  let accounts, events;
  try {
    [accounts, events] = await Promise.all([fetch("/api/accounts").then((r) => r.json()), fetch("/api/events").then((r) => r.json())]);
  } catch {
    $("#mode").textContent = "(gateway unreachable; retrying)";
    $("#mode").className = "error";
    return;
  }
  $("#mode").textContent = modeText;
  $("#mode").className = "";
  $("#accounts tbody").innerHTML = accounts.accounts.map((a) =>
    "<tr><td>" + esc(a.channel) + "</td><td>" + esc(a.accountId) + "</td><td class=state-" + esc(a.state) + ">" + esc(a.state) +
    "</td><td>" + esc(a.reason) + "</td><td class=time>" + (a.lastInboundAt ? time(a.lastInboundAt) : "") + "</td></tr>").join("") || empty(5, "no accounts configured");
  $("#events tbody").innerHTML = events.events.slice().reverse().map((e) => {
    const decision = e.kind === "reply"
      ? "<span class=reply>reply from <b>" + esc(e.agentId) + "</b>: " + esc(e.text) + "</span>"
      : e.dropped ? "<span class=dropped>dropped: " + esc(e.dropped) + "</span>"
      : e.broadcastTo ? "broadcast to <b>" + e.broadcastTo.map(esc).join("</b>, <b>") + "</b>"
      : "<b>" + esc(e.agentId) + "</b> via <code>" + esc(e.matchedBy) + "</code>" + (e.bindingIndex != null ? " (bindings[" + e.bindingIndex + "])" : "") + " <code>" + esc(e.sessionKey) + "</code>";
    return "<tr class=event data-kind=" + esc(e.kind) + "><td class=time>" + time(e.at) + "</td><td>" + esc(e.channel) + "/" + esc(e.accountId) + " " + esc(e.peer) +
      "</td><td>" + esc(e.sender) + "</td><td>" + (e.kind === "reply" ? "" : esc(e.text)) + "</td><td>" + decision + "</td></tr>";
  }).join("") || empty(5, "no messages yet" + (playground ? ": write one above" : ""));
}
function fill(select, items, label) {
  select.innerHTML = items.map((item, i) => "<option value=" + i + ">" + esc(label(item)) + "</option>").join("");
}
function onChannel() {
  const channel = playground.channels[$("#channel").value];
  fill($("#account"), channel.accounts, (a) => a);
  fill($("#chat"), channel.chats, (c) => c.label);
  fill($("#user"), channel.users, (u) => u.label);
}
async function setup() {
  const info = await fetch("/api/info").then((r) => r.json());
  modeText = info.dev ? "(dev playground: fake platforms)" : "";
  $("#mode").textContent = modeText;
  if (info.dev) {
    playground = await fetch("/api/dev/playground").then((r) => r.json());
    $("#composer").hidden = false;
    fill($("#channel"), playground.channels, (c) => c.channel);
    $("#channel").onchange = onChannel;
    onChannel();
    $("#send").onsubmit = async (event) => {
      event.preventDefault();
      const channel = playground.channels[$("#channel").value];
      const body = {
        channel: channel.channel,
        accountId: channel.accounts[$("#account").value],
        chat: channel.chats[$("#chat").value].id,
        user: channel.users[$("#user").value].id,
        text: $("#text").value,
      };
      const status = $("#status");
      status.className = "";
      status.textContent = "sending…";
      try {
        const res = await fetch("/api/dev/send", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
        if (!res.ok) throw new Error((await res.json().catch(() => ({}))).error || "HTTP " + res.status);
        $("#text").value = "";
        status.textContent = "sent as " + channel.users[$("#user").value].label + " on " + body.channel + "/" + body.accountId + "; the reply appears below";
      } catch (error) {
        status.className = "error";
        status.textContent = "not sent: " + error.message;
      }
      $("#text").focus();
      setTimeout(refresh, 300);
    };
  }
  await refresh();
  setInterval(refresh, 1000);
}
setup();
</script>
</body>
</html>`;
