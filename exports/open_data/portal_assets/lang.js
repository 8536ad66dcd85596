/* The language of the portal. A page whose script element carries data-browser-language (the
   English home page) goes to that address (the Spanish home page) when the browser's preferred languages
   put Spanish before English and the reader has not chosen a language yet; following a link
   of the language switch records the reader's choice. Every page works without this script:
   the switch is a plain link. */
(function () {
  "use strict";
  var KEY = "portal-language";

  function chosen() {
    try {
      return window.localStorage.getItem(KEY);
    } catch (error) {
      return null;
    }
  }

  var script = document.currentScript;
  var target = script ? script.getAttribute("data-browser-language") : null;
  if (target && !chosen()) {
    var languages = navigator.languages && navigator.languages.length
      ? navigator.languages
      : [navigator.language || ""];
    for (var i = 0; i < languages.length; i += 1) {
      var code = String(languages[i]).toLowerCase().split("-")[0];
      if (code === "es") {
        window.location.replace(target + window.location.search + window.location.hash);
        return;
      }
      if (code === "en") {
        break;
      }
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-language]") : null;
    if (link) {
      try {
        window.localStorage.setItem(KEY, link.getAttribute("data-language"));
      } catch (error) {
        /* no storage (private mode, file:): the choice lasts for this visit only */
      }
    }
  });
})();
