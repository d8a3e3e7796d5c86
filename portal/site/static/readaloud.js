// Read aloud: the page's text spoken by the browser's speech synthesis, one section at a time,
// with the section being read highlighted. Only voices that run on the device are used
// (voice.localService): a network voice would send the page's text to another company. Without
// such a voice for the page's language the buttons stay hidden, as they do without JavaScript.
(function () {
  "use strict";
  var box = document.querySelector("[data-read-aloud]");
  var synth = window.speechSynthesis;
  if (!box || !synth || typeof window.SpeechSynthesisUtterance !== "function") { return; }
  var article = box.closest("article");
  var language = (box.closest("[lang]").getAttribute("lang") || "en").toLowerCase();
  // The voice to prefer for each page language, then any local voice of that language.
  var PREFERRED = { en: ["en-us"], es: ["es-us", "es-mx", "es-es"], zh: ["zh-cn", "zh-sg", "zh-tw"],
    vi: ["vi-vn"], ar: ["ar-sa", "ar-eg"] };
  var BLOCKS = "h1,h2,h3,h4,p,li,dt,dd,th,td";
  var SKIP = "button,noscript,script,[hidden],[aria-hidden='true'],.kind,.print-action,[data-read-aloud],[data-share]";
  var buttons = {};
  box.querySelectorAll("[data-read]").forEach(function (button) { buttons[button.dataset.read] = button; });
  var sections = [article.querySelector(".guide-header")].concat(
    Array.prototype.slice.call(article.querySelectorAll(":scope > section:not(.related)"))).filter(Boolean);
  var voice = null;
  var run = 0;  // each start counts up; events of an utterance from an earlier run are ignored

  function tag(v) { return String(v.lang || "").replace(/_/g, "-").toLowerCase(); }

  function pickVoice() {
    var primary = language.split("-")[0];
    var local = synth.getVoices().filter(function (v) {
      return v.localService === true && tag(v).split("-")[0] === primary;
    });
    var wanted = [language].concat(PREFERRED[primary] || []);
    for (var i = 0; i < wanted.length; i++) {
      for (var j = 0; j < local.length; j++) { if (tag(local[j]) === wanted[i]) { return local[j]; } }
    }
    return local[0] || null;
  }

  // The words of a section, one block (heading, paragraph, list item) a line.
  function textOf(section) {
    var lines = [];
    section.querySelectorAll(BLOCKS).forEach(function (block) {
      var outer = block.parentElement.closest(BLOCKS);
      if (block.closest(SKIP) || (outer && section.contains(outer))) { return; }
      var copy = block.cloneNode(true);
      copy.querySelectorAll(SKIP).forEach(function (node) { node.remove(); });
      var text = copy.textContent.replace(/\s+/g, " ").trim();
      if (text) { lines.push(text); }
    });
    return lines.join("\n");
  }

  function highlight(section) {
    sections.forEach(function (s) { s.classList.toggle("reading-now", s === section); });
    if (section) {
      var still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      section.scrollIntoView({ block: "start", behavior: still ? "auto" : "smooth" });
    }
  }

  function show(state) {
    var hadFocus = box.contains(document.activeElement);
    buttons.start.hidden = state !== "idle";
    buttons.pause.hidden = state !== "speaking";
    buttons.resume.hidden = state !== "paused";
    buttons.stop.hidden = state === "idle";
    if (hadFocus) { ({ idle: buttons.start, speaking: buttons.pause, paused: buttons.resume })[state].focus(); }
  }

  function finish() {
    run += 1;
    highlight(null);
    show("idle");
  }

  function start() {
    synth.cancel();
    var mine = ++run;
    var parts = sections.map(function (section) { return { section: section, text: textOf(section) }; })
      .filter(function (part) { return part.text; });
    parts.forEach(function (part, i) {
      var utterance = new SpeechSynthesisUtterance(part.text);
      utterance.voice = voice;
      utterance.lang = voice.lang;
      utterance.onstart = function () { if (mine === run) { highlight(part.section); } };
      utterance.onend = function () {
        if (mine !== run) { return; }
        part.section.classList.remove("reading-now");
        if (i === parts.length - 1) { finish(); }
      };
      utterance.onerror = function () { if (mine === run) { synth.cancel(); finish(); } };
      synth.speak(utterance);
    });
    show("speaking");
  }

  buttons.start.addEventListener("click", start);
  buttons.pause.addEventListener("click", function () { synth.pause(); show("paused"); });
  buttons.resume.addEventListener("click", function () { synth.resume(); show("speaking"); });
  buttons.stop.addEventListener("click", function () { synth.cancel(); finish(); });
  window.addEventListener("pagehide", function () { synth.cancel(); });

  // Voices load after the page does: look again whenever the list changes.
  function update() {
    voice = pickVoice();
    if (!voice && buttons.start.hidden) { synth.cancel(); finish(); }
    box.hidden = !voice;
  }
  if (typeof synth.addEventListener === "function") {
    synth.addEventListener("voiceschanged", update);
  } else {
    synth.onvoiceschanged = update;
  }
  update();
})();
