// Community help: filters and "near me" over the directory's lists. The lists work without this
// script, page by page, A to Z. With it, readers narrow the whole directory by kind of help,
// language, cost, place and "open now", and sort it by distance from their ZIP code.
// The rest of a list comes from its other pages on this site (read for their cards), and the ZIP
// code centers from this site's file for the reader's state: the ZIP code itself never leaves the
// device, and nothing is sent to any other site.
(function () {
  "use strict";
  var list = document.getElementById("listings");
  var dataNode = document.getElementById("directory-data");
  if (!list || !dataNode) { return; }
  var data = JSON.parse(dataNode.textContent);
  var text = document.getElementById("directory-text").dataset;
  var form = document.getElementById("filters"); // the list of every service
  var nearForm = document.getElementById("near-me"); // a kind of help's list
  var input = form ? form.place : nearForm && nearForm.zip;
  var problem = document.getElementById(form ? "f-place-problem" : "near-zip-problem");
  var count = document.getElementById("result-count");
  var none = document.getElementById("no-results");
  var note = document.getElementById("near-note");
  var pager = document.getElementById("pager");
  var printable = list.classList.contains("printable");
  var numberLocale = document.documentElement.lang + "-u-nu-latn"; // digits as in the rest of the site
  var DAYS = 7;
  var groups = {
    near: { section: list.parentNode, list: list, title: document.getElementById("all-listings") },
    state: { section: document.getElementById("state-group"), list: document.getElementById("state-listings"),
      title: document.getElementById("state-title") },
    country: { section: document.getElementById("country-group"), list: document.getElementById("country-listings") }
  };
  var allTitle = groups.near.title.textContent;

  function cardsIn(container) {
    return container ? Array.prototype.slice.call(container.querySelectorAll("li.resource-card")) : [];
  }
  var own = cardsIn(list); // this page's listings, A to Z
  var cards = {}; // every listing read so far, by its place A to Z
  own.forEach(function (card) { cards[card.dataset.order] = card; });
  var reading = {}; // page address -> promise of its cards
  var read = {}; // page addresses read
  var here = data.pages[data.page - 1];
  reading[here] = Promise.resolve();
  read[here] = true;

  function words(value) { return value ? value.split(" ") : []; }

  // Text with {placeholders} filled in; each value isolated, so numbers keep their order in Arabic.
  function fill(node, template, values) {
    node.textContent = "";
    template.split(/(\{\w+\})/).forEach(function (part) {
      var key = /^\{(\w+)\}$/.exec(part);
      if (key && Object.prototype.hasOwnProperty.call(values, key[1])) {
        var bdi = document.createElement("bdi");
        bdi.dir = "ltr";
        bdi.textContent = values[key[1]];
        node.appendChild(bdi);
      } else if (part) {
        node.appendChild(document.createTextNode(part));
      }
    });
    return node;
  }

  // ---- The rest of the list: its other pages, read for their cards.
  function readPage(url) {
    if (!reading[url]) {
      reading[url] = fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) { throw new Error(url + ": " + response.status); }
        return response.text();
      }).then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        cardsIn(page.getElementById("listings")).forEach(function (card) {
          if (cards[card.dataset.order]) { return; }
          card = document.importNode(card, true);
          if (!printable) { // a kind of help's card has its hours for paper
            Array.prototype.forEach.call(card.querySelectorAll("[data-print-list]"), function (el) { el.remove(); });
          }
          cards[card.dataset.order] = card;
        });
        read[url] = true;
      }).catch(function (error) {
        delete reading[url];
        throw error;
      });
    }
    return reading[url];
  }

  // The pages a filter needs: a kind of help's own pages, else every page (unless all are read).
  function pagesFor(f) {
    if (!active(f)) { return []; }
    var all = data.pages.every(function (url) { return read[url]; });
    if (f.category && data.categories && !all) { return data.categories[f.category] || []; }
    return data.pages;
  }

  // Resolves to true when every page came, false when some could not be read.
  function readAll(urls) {
    return Promise.all(urls.map(function (url) {
      return readPage(url).then(function () { return true; }, function () { return false; });
    })).then(function (results) { return results.every(Boolean); });
  }

  // ---- Where the reader is: the ZIP code's center, state and county, from the state's file.
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

  // The served states whose ZIP codes start like this one.
  function statesStarting(zip) {
    var prefix = parseInt(zip.slice(0, 3), 10);
    return Object.keys(data.near.prefixes).filter(function (state) {
      return data.near.prefixes[state].split(" ").some(function (range) {
        var ends = range.split("-");
        return prefix >= parseInt(ends[0], 10) && prefix <= parseInt(ends[1] || ends[0], 10);
      });
    });
  }

  var stateFiles = {};
  function stateFile(state) {
    if (!stateFiles[state]) {
      stateFiles[state] = fetch(data.near.files[state], { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) { throw new Error(state + ": " + response.status); }
        return response.json();
      }).catch(function (error) {
        delete stateFiles[state];
        throw error;
      });
    }
    return stateFiles[state];
  }

  // {zip, known: true, lat, lon, state, county}, or {zip, state, problem: "unknown" | "outside" | "failed" | ""}.
  function lookUp(zip) {
    var guess = { zip: zip, state: stateOfZip(zip), problem: "" };
    if (!data.near) { return Promise.resolve(guess); } // no local listings: the place filter alone
    var states = statesStarting(zip);
    if (!states.length) {
      guess.problem = guess.state ? "outside" : "unknown";
      return Promise.resolve(guess);
    }
    return Promise.all(states.map(stateFile)).then(function (files) {
      for (var i = 0; i < files.length; i++) {
        var hit = files[i].zips[zip];
        if (hit) {
          return { zip: zip, known: true, lat: hit[0], lon: hit[1], state: files[i].state,
            county: files[i].counties[hit[2]] };
        }
      }
      guess.problem = "unknown";
      return guess;
    }, function () {
      guess.problem = "failed";
      return guess;
    });
  }

  function miles(a, b) { // straight line on the globe, as portal/site/near_me.py computes it
    var rad = Math.PI / 180;
    var h = Math.pow(Math.sin((b.lat - a.lat) * rad / 2), 2)
      + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.pow(Math.sin((b.lon - a.lon) * rad / 2), 2);
    return 2 * 3958.8 * Math.asin(Math.sqrt(h));
  }

  // The listing's nearest location: {miles, zip} (zip: the ZIP code whose center stands for its address).
  function nearest(card, where) {
    var best = null;
    (card.dataset.at || "").split(";").forEach(function (point) {
      if (!point) { return; }
      var parts = point.split(" ");
      var distance = miles(where, { lat: parseFloat(parts[0]), lon: parseFloat(parts[1]) });
      if (!best || distance < best.miles) { best = { miles: distance, zip: parts[2] || "" }; }
    });
    return best;
  }

  function showDistance(card, where) {
    var slot = card.querySelector("[data-distance]");
    var found = where ? nearest(card, where) : null;
    card.distance = found ? found.miles : Infinity;
    slot.hidden = !found;
    if (!found) { return; }
    if (found.miles < 1) {
      slot.textContent = text.underMile;
    } else {
      var digits = found.miles < 10 ? 1 : 0;
      fill(slot, text.miles, { miles: new Intl.NumberFormat(numberLocale,
        { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(found.miles) });
    }
    if (found.zip) {
      slot.appendChild(document.createTextNode(" "));
      slot.appendChild(fill(document.createElement("span"), text.toZip, { zip: found.zip }));
    }
  }

  // ---- Which listings a choice keeps.
  // The weekday (0 = Monday) and "HH:MM" of `now` in the service's time zone.
  function localTime(now, zone) {
    var parts = {};
    new Intl.DateTimeFormat("en-US", { timeZone: zone, weekday: "short", hour: "2-digit", minute: "2-digit",
      hourCycle: "h23" }).formatToParts(now).forEach(function (p) { parts[p.type] = p.value; });
    var day = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(parts.weekday);
    return { day: day, time: parts.hour + ":" + parts.minute };
  }

  // true, false, or null when the listing has no hours we can read. The hours are written
  // "24/7", or "Time/Zone;DAYS HH:MM-HH:MM;..." with the weekdays as digits (0 = Monday).
  function openNow(card, now) {
    if (!card.dataset.schedule) { return null; }
    var lines = card.dataset.schedule.split(";");
    if (lines[0] === "24/7") { return true; }
    var local = localTime(now, lines[0]);
    return lines.slice(1).some(function (line) {
      var parts = line.split(/[ -]/); // days, opens, closes
      return parts[0].indexOf(String(local.day % DAYS)) !== -1 && parts[1] <= local.time && local.time < parts[2];
    });
  }

  // A ZIP code is served by: a listing for the whole country; one for its state; one listing it (a
  // listing that names ZIP codes serves only those); one naming its county; and a listing with an
  // address that names no area (its distance tells). A county or city name matches by its words.
  function servesPlace(card, place, where) {
    var d = card.dataset;
    if (!place || d.national === "1") { return true; }
    if (/^\d{5}$/.test(place)) {
      var state = (where && where.state) || stateOfZip(place);
      var states = words(d.states), zips = words(d.zips), counties = d.counties ? d.counties.split("|") : [];
      if (state && states.indexOf(state) !== -1) { return true; }
      if (zips.length) { return zips.indexOf(place) !== -1; }
      if (counties.length) {
        return !!(where && where.county) && (counties.indexOf(where.county + "/" + where.state) !== -1
          || counties.indexOf(where.county + "/") !== -1);
      }
      return !states.length && !!d.at && !!(where && where.known); // its distance tells
    }
    var wanted = place.toLowerCase().replace(/\s+county$/, "");
    return (d.places || "").split("|").some(function (name) { return name && name.indexOf(wanted) !== -1; });
  }

  function matches(card, f, now, where) {
    if (f.category && words(card.dataset.categories).indexOf(f.category) === -1) { return false; }
    if (f.language && words(card.dataset.languages).indexOf(f.language) === -1) { return false; }
    if (f.cost && ["free", "low-cost", "sliding-scale"].indexOf(card.dataset.cost) === -1) { return false; }
    if (f.open && openNow(card, now) !== true) { return false; }
    return servesPlace(card, f.place, where);
  }

  function current() {
    if (!form) { return { place: input ? input.value.trim() : "" }; }
    return { category: form.category.value, language: form.language.value, place: form.place.value.trim(),
      cost: form.cost.checked, open: form.open.checked };
  }

  function active(f) {
    return Object.keys(f).some(function (key) { return f[key]; });
  }

  // ---- Showing the result.
  function showBadge(card, now) {
    var badge = card.querySelector("[data-open-now]");
    var open = openNow(card, now);
    badge.hidden = open === null;
    badge.textContent = open ? text.open : text.closed;
    badge.className = "open-now " + (open ? "is-open" : "is-closed");
  }

  // What is wrong with the place typed, in words; "" when nothing is.
  function placeProblem(where) {
    var templates = { unknown: text.zipUnknown, outside: text.zipOutside, failed: text.zipFailed,
      format: text.zipFormat };
    return where && where.problem ? fill(document.createElement("span"), templates[where.problem], { zip: where.zip })
      .textContent : "";
  }

  function render(f, where, complete) {
    var now = new Date();
    var known = where && where.known ? where : null;
    var pool = active(f) ? Object.keys(cards).map(Number).sort(function (a, b) { return a - b; })
      .map(function (key) { return cards[key]; }) : own;
    var shown = { near: [], state: [], country: [] };
    var left = []; // kept on the page, hidden
    var total = 0;
    pool.forEach(function (card) {
      showBadge(card, now);
      card.hidden = !matches(card, f, now, where);
      if (card.hidden) {
        left.push(card);
        return;
      }
      var group = "near";
      if (known && card.dataset.national === "1") {
        group = "country";
      } else if (known && words(card.dataset.states).indexOf(known.state) !== -1) {
        group = "state";
      }
      showDistance(card, known);
      shown[group].push(card);
      total++;
    });
    if (known) { // nearest first; the listings without an address keep their A-to-Z order after them
      shown.near.sort(function (a, b) { return a.distance - b.distance || a.dataset.order - b.dataset.order; });
    }
    Object.keys(groups).forEach(function (name) {
      var group = groups[name];
      while (group.list.firstChild) { group.list.removeChild(group.list.firstChild); }
      shown[name].forEach(function (card) { group.list.appendChild(card); });
      group.section.hidden = name !== "near" && !shown[name].length;
    });
    left.forEach(function (card) { list.appendChild(card); });
    groups.near.section.hidden = !!known && !shown.near.length && total > 0;
    if (known) {
      fill(groups.near.title, text.nearHeading, { zip: known.zip });
      fill(note, text.nearNote, { zip: known.zip });
      groups.state.title.textContent = data.near.states[known.state] || "";
    } else {
      groups.near.title.textContent = allTitle;
    }
    note.hidden = !known;
    none.hidden = total !== 0;
    if (pager) { pager.hidden = active(f); }
    var message = placeProblem(where);
    if (problem) {
      problem.textContent = message;
      problem.hidden = !message;
      input.setAttribute("aria-invalid", message ? "true" : "false");
    }
    var summary = document.createElement("span");
    fill(summary, known ? text.nearest : text.showing,
      { shown: String(total), total: String(data.total), zip: known ? known.zip : "" });
    count.textContent = "";
    if (!complete) { count.appendChild(document.createTextNode(text.loadFailed + " ")); }
    if (message) { count.appendChild(document.createTextNode(message + " ")); }
    count.appendChild(summary);
  }

  function remember(f) {
    var query = new URLSearchParams();
    Object.keys(f).forEach(function (key) {
      if (f[key]) { query.set(form ? key : "zip", f[key] === true ? "1" : f[key]); }
    });
    var search = query.toString();
    history.replaceState(null, "", search ? "?" + search : location.pathname);
  }

  var latest = 0;
  function update(event) {
    var f = current();
    var mine = ++latest;
    var typed = !!event && (event.type === "change" || event.type === "submit");
    var zip = /^\d{5}(-\d{4})?$/.test(f.place) ? f.place.slice(0, 5) : "";
    var wrong = null;
    if (zip) {
      f.place = zip;
    } else if (f.place && (!form || (typed && /^[\d-]+$/.test(f.place)))) {
      wrong = { zip: f.place, problem: "format" }; // near me takes a ZIP code only; the filter also a county
      if (!form) { f.place = ""; }
    }
    var pages = pagesFor(f);
    if (pages.some(function (url) { return !read[url]; })) {
      count.textContent = text.loading;
    }
    groups.near.section.setAttribute("aria-busy", "true"); // until the result is shown
    Promise.all([readAll(pages), zip ? lookUp(zip) : Promise.resolve(wrong)]).then(function (results) {
      if (mine !== latest) { return; } // the reader changed something since
      render(f, results[1], results[0]);
      remember(f);
      groups.near.section.removeAttribute("aria-busy");
    });
  }

  // Choices made before (a shared link, or the Back button) come back from the address.
  var initial = new URLSearchParams(location.search);
  if (form) {
    ["category", "language", "place"].forEach(function (key) {
      if (initial.get(key)) { form[key].value = initial.get(key); }
    });
    form.cost.checked = initial.get("cost") === "1";
    form.open.checked = initial.get("open") === "1";
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    form.addEventListener("submit", function (event) { event.preventDefault(); update(event); });
    form.addEventListener("reset", function () { setTimeout(update, 0); });
  } else if (nearForm) {
    if (initial.get("zip")) { input.value = initial.get("zip"); }
    nearForm.addEventListener("submit", function (event) { event.preventDefault(); update(event); });
    input.addEventListener("change", update);
  } else {
    return;
  }
  document.querySelectorAll("[data-needs-js]").forEach(function (el) { el.hidden = false; });
  if (form || initial.get("zip")) { update(); }
}());
