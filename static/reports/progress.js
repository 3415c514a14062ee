/* Polls the progress of a background report job and reloads the page when it ends. */
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box) { return; }
  var state = box.getAttribute("data-state");
  if (state !== "queued" && state !== "running") { return; }
  var bar = box.querySelector("progress");
  var text = box.querySelector("[aria-live]");
  function poll() {
    fetch(box.getAttribute("data-progress-url"), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (progress) {
        if (progress.state === "done" || progress.state === "failed") {
          window.location.reload();
          return;
        }
        bar.max = progress.total || 1;
        bar.value = progress.done;
        if (progress.state === "running") {
          text.textContent = "已完成 " + progress.done + "/" + progress.total + "，正在生成：" + progress.current;
        }
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
