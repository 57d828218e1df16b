// jindu serve: progressive enhancement only (the pages work without it).
// A form that starts long work (import, query, report) says so while it runs.
document.addEventListener("submit", function (ev) {
  var f = ev.target;
  if (!f.classList || !f.classList.contains("busy")) return;
  var zh = document.documentElement.lang !== "en";
  var p = document.createElement("p");
  p.className = "busy-note";
  p.textContent = zh ? "正在处理，请稍候……" : "Working, please wait…";
  f.appendChild(p);
});
