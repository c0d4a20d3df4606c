// Keyboard shortcuts for the moderator console. Pages work without this script;
// it only adds keys. Shortcuts are declared in the page with data-key attributes:
// <button data-key="b">…</button> is pressed by the key "b".
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT")) {
      if (event.key === "Escape") { target.blur(); }
      return;
    }
    if (event.key === "/") {
      var search = document.querySelector("[data-search]");
      if (search) { event.preventDefault(); search.focus(); }
      return;
    }
    var button = document.querySelector('[data-key="' + CSS.escape(event.key) + '"]');
    if (button) {
      event.preventDefault();
      button.click();
    }
  });
  document.querySelectorAll("[data-reveal]").forEach(function (el) {
    el.addEventListener("click", function () { el.classList.remove("blurred"); });
  });
})();
