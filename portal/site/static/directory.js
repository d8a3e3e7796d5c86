// Community help: filters over the listings on the page. The list works without this script;
// with it, readers narrow the list by kind of help, language, cost, place and "open now".
// Everything is computed here in the browser; nothing is sent anywhere.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var list = document.getElementById("listings");
  if (!form || !list) { return; }
  var cards = Array.prototype.slice.call(list.querySelectorAll("li.resource-card"));
  var text = document.getElementById("directory-text").dataset;
  var count = document.getElementById("result-count");
  var none = document.getElementById("no-results");
  var DAYS = 7;

  // First three digits of a ZIP code -> state, from the USPS ranges; unknown prefixes match no state.
  var ZIP3 = [[5, 5, "NY"], [6, 7, "PR"], [8, 8, "VI"], [9, 9, "PR"], [10, 27, "MA"], [28, 29, "RI"],
    [30, 38, "NH"], [39, 49, "ME"], [50, 59, "VT"], [60, 69, "CT"], [70, 89, "NJ"], [100, 149, "NY"],
    [150, 196, "PA"], [197, 199, "DE"], [200, 205, "DC"], [206, 219, "MD"], [220, 246, "VA"], [247, 268, "WV"],
    [270, 289, "NC"], [290, 299, "SC"], [300, 319, "GA"], [320, 349, "FL"], [350, 369, "AL"], [370, 385, "TN"],
    [386, 397, "MS"], [398, 399, "GA"], [400, 427, "KY"], [430, 459, "OH"], [460, 479, "IN"], [480, 499, "MI"],
    [500, 528, "IA"], [530, 549, "WI"], [550, 567, "MN"], [569, 569, "DC"], [570, 577, "SD"], [580, 588, "ND"],
    [590, 599, "MT"], [600, 629, "IL"], [630, 658, "MO"], [660, 679, "KS"], [680, 693, "NE"], [700, 714, "LA"],
    [716, 729, "AR"], [730, 749, "OK"], [750, 799, "TX"], [800, 816, "CO"], [820, 831, "WY"], [832, 838, "ID"],
    [840, 847, "UT"], [850, 865, "AZ"], [870, 884, "NM"], [885, 885, "TX"], [889, 898, "NV"], [900, 961, "CA"],
    [967, 968, "HI"], [969, 969, "GU"], [970, 979, "OR"], [980, 994, "WA"], [995, 999, "AK"]];

  function stateOfZip(zip) {
    var prefix = parseInt(zip.slice(0, 3), 10);
    for (var i = 0; i < ZIP3.length; i++) {
      if (prefix >= ZIP3[i][0] && prefix <= ZIP3[i][1]) { return ZIP3[i][2]; }
    }
    return "";
  }

  // The weekday (0 = Monday) and "HH:MM" of `now` in the service's time zone.
  function localTime(now, zone) {
    var parts = {};
    new Intl.DateTimeFormat("en-US", { timeZone: zone, weekday: "short", hour: "2-digit", minute: "2-digit",
      hourCycle: "h23" }).formatToParts(now).forEach(function (p) { parts[p.type] = p.value; });
    var day = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(parts.weekday);
    return { day: day, time: parts.hour + ":" + parts.minute };
  }

  // true, false, or null when the listing has no hours we can read.
  function openNow(card, now) {
    if (!card.dataset.schedule) { return null; }
    var schedule = JSON.parse(card.dataset.schedule);
    if (schedule.always) { return true; }
    var here = localTime(now, schedule.tz);
    return schedule.hours.some(function (h) {
      return h.days.indexOf(here.day % DAYS) !== -1 && h.opens <= here.time && here.time < h.closes;
    });
  }

  function servesPlace(card, place) {
    if (!place) { return true; }
    if (card.dataset.national === "1") { return true; }
    if (/^\d{5}$/.test(place)) {
      var zips = card.dataset.zips.split(" ");
      if (zips.indexOf(place) !== -1) { return true; }
      var states = card.dataset.states.split(" ");
      return states.indexOf(stateOfZip(place)) !== -1;
    }
    var wanted = place.toLowerCase().replace(/\s+county$/, "");
    return card.dataset.places.split("|").some(function (name) { return name && name.indexOf(wanted) !== -1; });
  }

  function matches(card, f, now) {
    if (f.category && card.dataset.categories.split(" ").indexOf(f.category) === -1) { return false; }
    if (f.language && card.dataset.languages.split(" ").indexOf(f.language) === -1) { return false; }
    if (f.cost && ["free", "low-cost", "sliding-scale"].indexOf(card.dataset.cost) === -1) { return false; }
    if (f.open && openNow(card, now) !== true) { return false; }
    return servesPlace(card, f.place);
  }

  function current() {
    return { category: form.category.value, language: form.language.value, place: form.place.value.trim(),
      cost: form.cost.checked, open: form.open.checked };
  }

  function apply() {
    var f = current();
    var now = new Date();
    var shown = 0;
    cards.forEach(function (card) {
      var ok = matches(card, f, now);
      card.hidden = !ok;
      if (ok) { shown++; }
      var badge = card.querySelector("[data-open-now]");
      var open = openNow(card, now);
      badge.hidden = open === null;
      badge.textContent = open ? text.open : text.closed;
      badge.className = "open-now " + (open ? "is-open" : "is-closed");
    });
    count.textContent = text.showing.replace("{shown}", shown).replace("{total}", cards.length);
    none.hidden = shown !== 0;
    var query = new URLSearchParams();
    Object.keys(f).forEach(function (key) { if (f[key]) { query.set(key, f[key] === true ? "1" : f[key]); } });
    var search = query.toString();
    history.replaceState(null, "", search ? "?" + search : location.pathname);
  }

  // Filters chosen before (a shared link, or the Back button) come back from the address.
  var initial = new URLSearchParams(location.search);
  ["category", "language", "place"].forEach(function (key) {
    if (initial.get(key)) { form[key].value = initial.get(key); }
  });
  form.cost.checked = initial.get("cost") === "1";
  form.open.checked = initial.get("open") === "1";

  document.querySelectorAll("[data-needs-js]").forEach(function (el) { el.hidden = false; });
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
  apply();
}());
