// Tiếp nhận: upload each chosen/dropped file to POST /documents, follow GET /documents/{id}, then show its card.
(function () {
  var input = document.getElementById("files");
  var zone = document.getElementById("dropzone");
  var list = document.getElementById("cards");
  var batch = document.querySelector("#upload-form [name=batch]");
  var ids = (list.dataset.docs || "").split(",").filter(Boolean);
  // the form is only the drop zone: files are posted one by one below (no inline handler: the CSP forbids it)
  document.getElementById("upload-form").addEventListener("submit", function (e) { e.preventDefault(); });

  function here() { return ids.length ? "/?docs=" + ids.join(",") : "/"; }
  function remember(id) {
    id = String(id);
    if (ids.indexOf(id) < 0) ids.unshift(id);
    history.replaceState(null, "", here());
  }
  function show(card, fraction, text) {
    card.querySelector(".bar").style.width = Math.max(3, Math.round(100 * fraction)) + "%";
    card.querySelector(".status-line").textContent = text;
  }
  function refuse(card, detail) {
    card.classList.add("failed");
    card.dataset.status = "rejected";
    card.querySelector(".badge").textContent = "Không tiếp nhận";
    card.querySelector(".badge").className = "badge status-failed";
    card.querySelector(".progress").remove();
    var line = card.querySelector(".status-line");
    line.className = "error";
    line.setAttribute("role", "alert");
    line.textContent = "Không tiếp nhận được tệp: " + detail;
  }
  function finish(card, id, duplicate) {
    var url = "/the/" + id + "?next=" + encodeURIComponent(here()) + (duplicate ? "&trung=1" : "");
    return fetch(url).then(function (r) { return r.text(); }).then(function (html) {
      card.outerHTML = html;
      remember(id);
      listRecent(id);
    });
  }
  // the side list "Mới tiếp nhận" gains the processed document
  function listRecent(id) {
    var shown = document.querySelector("#van-ban-" + id);
    var recent = document.querySelector(".recent-list");
    if (!shown || !recent || recent.querySelector("a[href='/van-ban/" + id + "']")) return;
    var item = document.createElement("li");
    var link = document.createElement("a");
    link.href = "/van-ban/" + id;
    link.textContent = shown.querySelector("h2 a").textContent;
    item.appendChild(link);
    var badge = shown.querySelector(".badge").cloneNode(true);
    var line = document.createElement("div");
    line.appendChild(badge);
    item.appendChild(line);
    recent.insertBefore(item, recent.firstChild);
    var empty = document.querySelector(".recent .muted");
    if (empty) empty.remove();
  }
  function poll(card, id, duplicate) {
    fetch("/documents/" + id).then(function (r) { return r.json(); }).then(function (d) {
      if (d.status === "done" || d.status === "failed") return finish(card, id, duplicate);
      var fraction = d.pages_total ? d.pages_done / d.pages_total : 0.05;
      show(card, fraction, d.status === "queued" ? "Đang chờ xử lý…" :
        "Đang nhận dạng" + (d.pages_total ? " trang " + Math.min(d.pages_done + 1, d.pages_total) + "/" + d.pages_total : "") + "…");
      setTimeout(function () { poll(card, id, duplicate); }, 1000);
    }).catch(function () { setTimeout(function () { poll(card, id, duplicate); }, 2000); });
  }
  function upload(file) {
    var card = document.createElement("article");
    card.className = "card pending";
    card.dataset.status = "uploading";
    card.innerHTML = '<header class="card-head"><h2></h2><span class="badge status-queued">Đang tải lên</span></header>' +
      '<div class="progress"><div class="bar"></div></div><p class="status-line">Đang tải lên…</p>';
    card.querySelector("h2").textContent = file.name;
    list.insertBefore(card, list.firstChild);
    waiting.push([card, file]);
    next();
  }
  // two files are sent at a time (the server's default max_concurrent_uploads); should the server still be
  // busy it answers 503 with Retry-After: wait, send again
  var waiting = [], sending = 0;
  function next() {
    while (sending < 2 && waiting.length) {
      var job = waiting.shift();
      sending++;
      send(job[0], job[1]);
    }
  }
  function sent() { sending--; next(); }
  function send(card, file) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/documents");
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) show(card, 0.3 * e.loaded / e.total, "Đang tải lên… " + Math.round(100 * e.loaded / e.total) + "%");
    };
    xhr.onload = function () {
      var body = {};
      try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
      if (xhr.status === 503) {
        var wait = parseInt(xhr.getResponseHeader("Retry-After"), 10) || 5;
        show(card, 0.02, "Đang chờ lượt tải lên…");
        setTimeout(function () { send(card, file); }, wait * 1000);
        return;
      }
      sent();
      if (xhr.status === 202 && body.id === null) {  // held by another unit: nothing of it is shown
        card.querySelector(".badge").textContent = "Đã nhận";
        show(card, 1, "Đã nhận; văn bản được chuyển lãnh đạo xem xét.");
      } else if (xhr.status === 202) {
        card.dataset.id = body.id;
        card.querySelector(".badge").textContent = "Đã nhận";
        poll(card, body.id, body.duplicate);
      } else {
        refuse(card, body.detail_vi || body.detail || "máy chủ trả lời mã " + xhr.status);
      }
    };
    xhr.onerror = function () { sent(); refuse(card, "mất kết nối tới máy chủ"); };
    var data = new FormData();
    var token = document.querySelector("meta[name=csrf-token]");
    if (token) xhr.setRequestHeader("X-CSRF-Token", token.content);
    data.append("file", file);
    if (batch.value.trim()) data.append("batch", batch.value.trim());
    xhr.send(data);
  }
  function uploadAll(files) { for (var i = 0; i < files.length; i++) upload(files[i]); }

  // cards rendered by the server while their document was still being processed keep following it
  Array.prototype.forEach.call(list.querySelectorAll(".card[data-status=queued], .card[data-status=processing]"),
    function (card) { poll(card, card.dataset.id, false); });

  if (input && zone) {  // roles that may not upload have no upload zone
    input.addEventListener("change", function () { uploadAll(input.files); input.value = ""; });
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) { uploadAll(e.dataTransfer.files); });
  }
  // forms inside cards come back to this page with every card shown so far
  list.addEventListener("submit", function (e) {
    var next = e.target.querySelector("input[name=next]");
    if (next) next.value = here();
  });
})();
