// bring the first matched word into view inside the image pane
(function () {
  var box = document.querySelector(".hit-box"), img = document.getElementById("page-img");
  if (!box || !img) return;
  function go() {
    var pane = document.querySelector(".page-pane");
    if (box.offsetTop + box.offsetHeight > pane.clientHeight - 16) pane.scrollTop = box.offsetTop - pane.clientHeight / 3;
    var mark = document.querySelector(".page-text mark"), text = document.querySelector(".text-pane");
    if (mark && mark.offsetTop > text.clientHeight - 40) text.scrollTop = mark.offsetTop - text.clientHeight / 3;
  }
  if (img.complete) go(); else img.addEventListener("load", go);
})();
