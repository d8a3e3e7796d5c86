// On the language page only: send the browser to its preferred language the site has.
// Without JavaScript (or a match) the page simply lists the languages.
(function () {
  var script = document.currentScript, have = script.dataset.languages.split(" ");
  var wanted = (navigator.languages || [navigator.language || ""]).map(function (l) { return l.toLowerCase().split("-")[0]; });
  for (var i = 0; i < wanted.length; i++) {
    if (have.indexOf(wanted[i]) >= 0) { location.replace(script.dataset.home.replace("LANG", wanted[i])); return; }
  }
})();
