/* Site-wide enhancements; every page works without them.
   - The menu button: on phones the menu folds behind it, so the header stays one row.
   - Print buttons on handouts and lessons (a lesson's print the teacher's sheet or the
     worksheets alone: `data-print` on <html> picks what the print stylesheet shows).
   - Copy-link controls: the "#" beside a heading or tip copies the page's public address with
     that anchor, so a teacher can paste an exact link. Without JavaScript it is a plain link.
   - "Share with your class": copies the page's address (see below). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var toggle = document.querySelector(".menu-toggle");
  var menu = document.getElementById("site-menu");
  if (toggle && menu) {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      menu.classList.toggle("is-open", open);
    });
  }

  // Print buttons (a handout's, a lesson's): printing works from the browser's menu too, so
  // they are shown only where JavaScript can press print for the reader.
  var root = document.documentElement;
  Array.prototype.forEach.call(document.querySelectorAll(".print-page"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var mode = button.getAttribute("data-print");
      if (mode) root.setAttribute("data-print", mode);
      window.print();
    });
  });
  window.addEventListener("afterprint", function () { root.removeAttribute("data-print"); });

  var status = document.getElementById("copy-status");
  var timer;

  function tell(message) {
    window.clearTimeout(timer);
    status.textContent = message;
    timer = window.setTimeout(function () { status.textContent = ""; }, 4000);
  }

  // "Share with your class": the button copies the page's public address; where the
  // clipboard is out of reach (an old browser, a refused permission) it selects the address
  // and says how to copy it. Without JavaScript the address is there to select by hand.
  var shareButton = document.querySelector(".share-button");
  var shareUrl = document.getElementById("share-url");
  if (status && shareButton && shareUrl) {
    shareButton.hidden = false;
    var selectIt = function () {
      shareUrl.focus();
      shareUrl.select();
      tell(shareButton.getAttribute("data-select"));
    };
    shareButton.addEventListener("click", function () {
      if (!navigator.clipboard) { selectIt(); return; }
      navigator.clipboard.writeText(shareUrl.value).then(function () {
        tell(status.getAttribute("data-copied") + " " + shareUrl.value);
      }, selectIt);
    });
  }

  var canonical = document.querySelector("link[rel=canonical]");
  if (!status || !canonical || !navigator.clipboard) return;
  var base = canonical.href.split("#")[0];

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.anchor") : null;
    if (!link) return;
    var address = base + link.getAttribute("href");
    navigator.clipboard.writeText(address).then(function () {
      tell(status.getAttribute("data-copied") + " " + address);
    }, function () { /* the link still works as a link */ });
  });
})();
