// while something is being processed, refresh the live part every 2 s
(function () {
  var live = document.getElementById("live");
  function tick() {
    if (live.dataset.active !== "1") return;
    fetch("/luu-tru?khung=1" + location.search.replace("?", "&")).then(function (r) { return r.text(); }).then(function (html) {
      live.innerHTML = html;
      var marker = live.querySelector("[data-active]");
      live.dataset.active = marker ? marker.dataset.active : "0";
    }).finally(function () { setTimeout(tick, 2000); });
  }
  setTimeout(tick, 2000);
})();
