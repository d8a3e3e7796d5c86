// Site search in the browser with the Pagefind index that build.py writes to pagefind/.
// Loads only files of this site. The form works without this script (it is a GET form), and the
// page then offers the lists to browse. The words shown come from the form's data- attributes.
const form = document.querySelector("[data-search]");
const input = form.querySelector("input[name=q]");
const type = form.querySelector("select[name=type]");
const status = document.querySelector("[data-search-status]");
const list = document.querySelector("[data-search-results]");
const more = document.querySelector("[data-search-more]");
const words = form.dataset;
const PAGE_SIZE = 10;
let pagefind = null;
let latest = 0;
let shown = [];

function fill(message, values) {
  return message.replace(/\{(\w+)\}/g, (_, name) => values[name]);
}

async function engine() {
  if (!pagefind) {
    pagefind = await import(words.pagefind);
    // No worker: it would add a 41 kB download to the first search, for indexes this small.
    await pagefind.options({ baseUrl: words.base, noWorker: true });
  }
  return pagefind;
}

function item(page) {
  const li = document.createElement("li");
  const kind = (page.filters.type || [])[0];
  const label = document.createElement("p");
  label.className = "kind";
  label.textContent = words["label" + kind.charAt(0).toUpperCase() + kind.slice(1)] || "";
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = page.url;
  link.textContent = page.meta.title;
  heading.append(link);
  const summary = document.createElement("p");
  summary.textContent = page.meta.summary || "";
  li.append(label, heading, summary);
  return li;
}

async function showMore() {
  const next = shown.splice(0, PAGE_SIZE);
  const pages = await Promise.all(next.map((result) => result.data()));
  list.append(...pages.map(item));
  more.hidden = shown.length === 0;
}

async function run(query, kind) {
  const ticket = ++latest;
  list.replaceChildren();
  more.hidden = true;
  if (!query.trim()) {
    status.textContent = "";
    return;
  }
  status.textContent = words.msgSearching;
  let results;
  try {
    results = await find(query, kind ? { filters: { type: kind } } : {});
  } catch (error) {
    status.textContent = words.msgBroken;
    return;
  }
  if (ticket !== latest) return; // a newer search has started
  shown = results.slice();
  await showMore();
  status.textContent = results.length
    ? fill(words.msgResults, { query, count: results.length })
    : fill(words.msgNone, { query });
}

// Pagefind wants every word of a query on a page. When no page has them all, the pages with the
// most of them come next; then the pages with words that begin like the typed ones (a
// misspelling is often right in its first letters: "diabeetus").
async function find(query, options) {
  const pf = await engine();
  const all = query.split(/\s+/).filter((word) => word.length > 1);
  // Doses, units and very common words never outrank a name ("lasix 40 mg"): they are left out
  // when the other words are enough to find pages.
  const named = all.filter((word) => !MINOR.test(word) && !COMMON.has(word.toLowerCase()));
  if (named.length && named.length < all.length) {
    const core = await find(named.join(" "), options);
    if (core.length) return core;
  }
  const found = await pf.search(query, options);
  const typed = all;
  if (found.results.length && !(await onlyStrayLetters(found.results.slice(0, 5), typed))) return found.results;
  // A word-beginning guess is for misspelled words, never for numbers (codes, doses): 860975 is not 8609.
  const beginnings = typed.filter((w) => w.length >= 5 && !/\p{N}/u.test(w)).map((w) => w.slice(0, 4));
  for (const variant of [typed, beginnings]) {
    if (variant.length < 1 || (variant === typed && variant.length < 2)) continue;
    const scores = new Map();
    for (const each of await Promise.all(variant.map((word) => pf.search(word, options)))) {
      if (await onlyStrayLetters(each.results.slice(0, 5), variant)) continue;
      for (const result of each.results) {
        const best = scores.get(result.id);
        scores.set(result.id, { result, score: (best ? best.score : 0) + result.score });
      }
    }
    if (!scores.size) continue;
    const ranked = [...scores.values()].sort((a, b) => b.score - a.score).map((entry) => entry.result);
    return variant === typed ? ranked : titlesFirst(ranked, variant);
  }
  return [];
}

// What a label adds to a medicine's name (40, 20mg, mg, tablets) and words too common to rank by.
const MINOR = /^(\p{N}+([.,]\p{N}+)?\p{L}{0,3}|mg|mcg|ml|iu|tabs?|tablets?|caps?|capsules?|tabletas?|cápsulas?|ملغ|ملجم|毫克|viên)$/iu;
const COMMON = new Set(["a", "an", "the", "for", "of", "to", "my", "me", "i", "is", "in", "on", "at", "and", "or", "with",
  "de", "la", "el", "los", "las", "para", "con", "por", "mi", "y", "en", "un", "una", "del", "al"]);

// Pagefind matches a one- or two-letter word of a page ("vitamin D", "Fosamax Plus D") to the start of
// a long misspelled word ("diabeetus"). Results that matched only such stray letters are no match.
async function onlyStrayLetters(results, typed) {
  if (!typed.length || typed.some((word) => word.length < 4 || !/^\p{Script=Latin}+$/u.test(word))) return false;
  const datas = await Promise.all(results.map((result) => result.data()));
  return datas.every((data) => [...(data.excerpt || "").matchAll(/<mark>(.*?)<\/mark>/g)]
    .every((mark) => mark[1].replace(/[^\p{L}\p{N}]/gu, "").length < 3));
}

// A misspelling that begins like a word of a page's title most likely means that page: among the
// first 30 results of a word-beginning search, those come first (a page that only mentions the word
// in passing, like diabetes on the osteoporosis guide, comes after the diabetes guide).
async function titlesFirst(results, beginnings) {
  const head = results.slice(0, 30), datas = await Promise.all(head.map((result) => result.data()));
  const inTitle = (data) => (data.meta.title || "").toLowerCase().split(/[\s,()/-]+/)
    .some((word) => beginnings.some((begin) => word.startsWith(begin.toLowerCase())));
  const order = head.map((result, i) => ({ result, first: inTitle(datas[i]) ? 0 : 1, i }))
    .sort((a, b) => a.first - b.first || a.i - b.i).map((entry) => entry.result);
  return order.concat(results.slice(30));
}

function searchNow() {
  const params = new URLSearchParams();
  if (input.value.trim()) params.set("q", input.value.trim());
  if (type.value) params.set("type", type.value);
  history.replaceState(null, "", params.toString() ? "?" + params : location.pathname);
  run(input.value, type.value);
}

let timer = null;
form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(timer);
  searchNow();
});
input.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(searchNow, 400);
});
type.addEventListener("change", searchNow);
more.addEventListener("click", showMore);

const asked = new URLSearchParams(location.search);
input.value = asked.get("q") || "";
type.value = asked.get("type") || "";
if (input.value) run(input.value, type.value);

export { find }; // the relevance tests rank the whole relevance set with this same function
