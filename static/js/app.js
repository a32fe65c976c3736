// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Remember the browser's time zone (unencoded, e.g. tz=America/New_York) so the server shows
  // times in it. On the very first page the server could not know it yet (data-tz-detect): once the
  // cookie is stored, load that page again so it shows the right zone. Plain UTC is what machines
  // without a zone report; the server ignores it, so it never causes a reload.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var root = document.documentElement;
    var unset = /^(Etc\/)?(UTC|UCT|GMT|Universal|Zulu|Greenwich)$/.test(zone || "");
    var stored = document.cookie.split("; ").some(function (c) { return c === "tz=" + zone; });
    if (zone && /^[A-Za-z0-9_+\-\/]+$/.test(zone) && !stored) {
      document.cookie = "tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax";
      var kept = document.cookie.split("; ").some(function (c) { return c === "tz=" + zone; });
      if (kept && !unset && root.hasAttribute("data-tz-detect") && root.getAttribute("data-tz") !== zone) {
        window.location.reload();
      }
    }
  } catch (e) { /* old browser: the default zone is used */ }
  // A form came back with errors: move focus to its summary, and from a summary link to the field.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var input = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!input) { return; }
      event.preventDefault();
      input.focus();
      var label = document.querySelector("label[for='" + input.id + "']");
      (label || input).scrollIntoView();
    });
  }
  // Ask before destructive actions marked with data-confirm.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
  // Disable submit buttons once a form is sent, against double submission.
  document.addEventListener("submit", function (event) {
    if (event.defaultPrevented) { return; }
    var buttons = event.target.querySelectorAll("button[type=submit], input[type=submit]");
    window.setTimeout(function () { buttons.forEach(function (b) { b.disabled = true; }); }, 0);
  });
  // Header menus (<details>) close on a click elsewhere or on Escape; without JavaScript they
  // close from their own button.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) { menu.removeAttribute("open"); }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    });
  });
})();
