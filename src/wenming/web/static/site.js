// Every page: the language menu switches at once (without scripts, its button does).
// An external script, because the Content-Security-Policy allows no inline handlers.
"use strict";
(function () {
  var lang = document.getElementById("lang");
  if (lang && lang.form) {
    lang.addEventListener("change", function () { lang.form.submit(); });
  }
})();
