/// The dashboard's one script, served from `/dashboard/assets/live.js` (the Content-Security-Policy
/// allows no inline script): it polls `/dashboard/live` and writes the figures into the elements
/// marked `data-live`. Every page works without it; only the live figures then wait for a reload.
enum LiveScript {
    static let intervalMilliseconds = 3000

    static let javascript = """
        "use strict";
        (function () {
          var section = document.querySelector("[data-live-url]");
          if (!section || !window.fetch) { return; }
          var url = section.getAttribute("data-live-url");
          var stamp = section.querySelector("[data-live-updated]");
          function show(live) {
            live.figures.forEach(function (figure) {
              var element = section.querySelector('[data-live="' + figure.name + '"]');
              if (!element) { return; }
              element.textContent = figure.shown;
              element.setAttribute("data-value", figure.value);
            });
            var node = section.querySelector('[data-live="node"]');
            if (node) { node.textContent = live.node; }
            if (stamp) {
              stamp.textContent = "as of " + live.time;
              stamp.setAttribute("data-live-updated", String(live.at));
            }
          }
          function poll() {
            fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" }, redirect: "manual" })
              .then(function (response) { return response.ok ? response.json() : null; })
              .then(function (live) { if (live) { show(live); } })
              .catch(function () {});
          }
          window.setInterval(poll, \(intervalMilliseconds));
        })();
        """
}
