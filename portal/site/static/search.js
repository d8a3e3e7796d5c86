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
const MOST = 5; // pages with only most of the words that a better name match may put first
let pagefind = null;
let latest = 0;
let shown = [];

function fill(message, values) {
  return message.replace(/\{(\w+)\}/g, (_, name) => values[name]);
}

async function engine() {
  pagefind ||= (async () => {
    const pf = await import(words.pagefind);
    // No worker: it would add a 41 kB download to the first search, for indexes this small.
    // diacriticSimilarity 0: a page's hidden search words hold each name with and without its accents
    // ("azúcar", "azucar"), and Pagefind's bonus for a word typed with its accents goes only to the pages
    // that lack the plain spelling, so it would rank the pages made to be found below the others.
    await pf.options({ baseUrl: words.base, noWorker: true, ranking: { diacriticSimilarity: 0 } });
    const hidden = await mergeDelta(pf);
    // Every search of this script sees the results without the hidden ones (and each page once), so
    // the ranking below picks its candidates among the pages that are really there.
    const search = async (term, options) => {
      const found = await pf.search(term, options);
      const seen = new Set();
      return { ...found, results: found.results.filter((r) => !hidden.has(r.id) && !seen.has(r.id) && seen.add(r.id)) };
    };
    return { ...pf, search };
  })();
  return pagefind;
}

// The build re-indexes only the pages changed since its last full index, into pagefind-delta/, beside a
// sample of unchanged pages (for fair word statistics). Its state.json says whether there is such an
// index; then it is merged, and the ids of the results to drop are returned: the full index's copies of
// the changed or removed pages, and the delta's copies of the sample pages.
async function mergeDelta(pf) {
  let state = {};
  try {
    const response = await fetch(`${words.base}pagefind-delta/state.json?ts=${Date.now()}`);
    if (response.ok) state = await response.json();
  } catch (error) {
    state = {}; // offline and never saved: search the full index alone
  }
  // The delta has an index for every language of the site (its sample has pages of each); an older one might not.
  const lang = (document.documentElement.lang || "").toLowerCase();
  if (!state.delta) return new Set();
  if (!(state.languages || []).some((code) => code === lang || code === lang.split("-")[0])) {
    return new Set(state.hide_base || []);
  }
  // Pagefind keeps an index it could not merge, and every later search would fail on it: the delta's
  // entry file is asked for first (a site half-published, or offline with only state.json saved).
  try {
    if (!(await fetch(`${words.base}pagefind-delta/pagefind-entry.json?ts=${Date.now()}`)).ok) return new Set();
    await pf.mergeIndex(`${words.base}pagefind-delta/`);
  } catch (error) {
    return new Set(); // the full index alone, as it was made
  }
  return new Set([...(state.hide_base || []), ...(state.hide_delta || [])]);
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

// Pagefind wants every word of a query on a page. The pages with most of the words (each word searched
// alone, scores added, as the API ranks with OR) are candidates too, and a page one of whose names is
// what was typed comes first (namesFirst). When no page has any word, the pages with words that begin
// like the typed ones come (a misspelling is often right in its first letters: "diabeetus").
async function find(query, options) {
  const pf = await engine();
  const all = query.split(/\s+/).filter((word) => word.length > 1);
  // Doses, units and very common words never outrank a name ("lasix 40 mg"): they are left out
  // when the other words are enough to find pages.
  const named = all.filter((word) => !MINOR.test(word) && !COMMON.has(word.toLowerCase()));
  // Pagefind also finds the words that begin with each typed word: a word no page has as typed ("kid" of
  // "kid swallowed pills" only begins "kidney") counts only when the others find nothing.
  const kept = named.length > 1 ? await asTyped(named, options) : named;
  const variants = new Map([kept, named, all].filter((some) => some.length).map((some) => [some.join(" "), some]));
  for (const typed of variants.values()) {
    const found = (await pf.search(typed.join(" "), options)).results;
    const every = found.length && !(await onlyStrayLetters(found.slice(0, 5), typed)) ? found : [];
    const each = typed.length > 1 ? await Promise.all(typed.map((word) => pf.search(word, options))) : [];
    const most = await anyWord(typed, each, !every.length);
    if (every.length || most.length) return namesFirst(every, most, query, typed);
  }
  // A word-beginning guess is for misspelled words, never for numbers (codes, doses): 860975 is not 8609.
  const beginnings = all.filter((w) => w.length >= 5 && !/\p{N}/u.test(w)).map((w) => w.slice(0, 4));
  if (!beginnings.length) return [];
  const each = await Promise.all(beginnings.map((word) => pf.search(word, options)));
  return titlesFirst(await anyWord(beginnings, each, true), beginnings);
}

// The words that some page has as they were typed (Pagefind's exact search, for each word alone).
async function asTyped(words, options) {
  const pf = await engine();
  const found = await Promise.all(words.map((word) => pf.search(`"${word.replaceAll('"', "")}"`, options)));
  return words.filter((word, i) => found[i].results.length);
}

// The pages with any of `words` (`each`: Pagefind's results for each word alone), by the sum of their
// scores. `strays`: leave out a word whose results matched only stray letters (see onlyStrayLetters).
async function anyWord(words, each, strays) {
  const scores = new Map();
  for (const found of each) {
    if (strays && await onlyStrayLetters(found.results.slice(0, 5), words)) continue;
    for (const result of found.results) {
      const best = scores.get(result.id);
      scores.set(result.id, { result, score: (best ? best.score : 0) + result.score });
    }
  }
  return [...scores.values()].sort((a, b) => b.score - a.score).map((entry) => entry.result);
}

// What a label adds to a medicine's name (40, 20mg, mg, tablets) and words too common to rank by.
const MINOR = /^(\p{N}+([.,]\p{N}+)?\p{L}{0,3}|mg|mcg|ml|iu|tabs?|tablets?|caps?|capsules?|tabletas?|cápsulas?|ملغ|ملجم|毫克|viên)$/iu;
const COMMON = new Set(["a", "an", "the", "for", "of", "to", "my", "me", "i", "is", "in", "on", "at", "and", "or", "with",
  "de", "la", "el", "los", "las", "para", "con", "por", "mi", "y", "en", "un", "una", "del", "al"]);

// A word that asks for a medicine ("thyroid pill", "pastilla para la tiroides", "降糖药"): between two pages that
// match as well, the medicine's page comes first.
const PILL = /^(pills?|tablets?|pastillas?|tabletas?|thuoc|حبوب|حبة|حبه|اقراص|قرص)$|药$/u;

// Pagefind matches a one- or two-letter word of a page ("vitamin D", "Fosamax Plus D") to the start of
// a long misspelled word ("diabeetus"). Results that matched only such stray letters are no match.
async function onlyStrayLetters(results, typed) {
  if (!typed.length || typed.some((word) => word.length < 4 || !/^\p{Script=Latin}+$/u.test(word))) return false;
  const datas = await Promise.all(results.map((result) => result.data()));
  return datas.every((data) => [...(data.excerpt || "").matchAll(/<mark>(.*?)<\/mark>/g)]
    .every((mark) => mark[1].replace(/[^\p{L}\p{N}]/gu, "").length < 3));
}

// The words of a name as they are compared: lower case, without accents or tone marks (and Vietnamese
// đ as d, as readers type it), punctuation as spaces.
function plain(text) {
  return (text || "").toLowerCase().replace(/đ/g, "d").normalize("NFD").replace(/\p{M}/gu, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

// How well a page's names match what was typed (`typed`: the query as compared; `words`: the words
// that found the page). Its names are the hidden search words of guide.html and resource.html, kept as
// Pagefind metadata: the title and other names (brand and generic names too), its own search words, and
// the synonyms it was given (content/synonyms.yaml). 6: the query is its title or another name; 5: its
// title and other names hold every word ("quit smoking": "Tobacco use and quitting", "smoking"); 4: the
// query is one of its own search words; 3: a synonym; 2: a name holds the query's words together, in
// order ("thuốc lợi tiểu" is the diuretic, not the diabetes guide with "tiểu" in its title); else 1 plus
// the share of the query's words that its names hold ("kid swallowed pills": "swallowed pills"), where a
// one-word search word or synonym counts only if it is the title or another name.
function nameMatch(data, typed, words) {
  const meta = data.meta || {}, list = (text) => (text || "").split(",").map(plain).filter(Boolean);
  const own = [plain(meta.title), ...list(meta.names)], terms = list(meta.terms), synonyms = list(meta.synonyms);
  if (own.includes(typed)) return 6;
  const ownWords = own.join(" ").split(" ");
  if (words.length && words.every((word) => ownWords.some((name) => name.startsWith(word)))) return 5;
  const level = [terms, synonyms].findIndex((names) => names.includes(typed));
  if (level >= 0) return 4 - level;
  if (!typed.includes(" ")) return 0;
  const every = [...own, ...terms, ...synonyms];
  if (every.some((name) => ` ${name} `.includes(` ${typed} `))) return 2;
  const all = typed.split(" "), covered = new Set();
  for (const name of [...own, ...every.filter((term) => term.includes(" "))]) {
    const length = name.split(" ").length;
    for (let i = 0; i + length <= all.length; i++) {
      if (all.slice(i, i + length).join(" ") === name) for (let j = i; j < i + length; j++) covered.add(j);
    }
  }
  return covered.size ? 1 + covered.size / all.length : 0;
}

// Among the first pages with every word (their fragments are loaded to be shown anyway) and a few more
// with most of them, the best name match comes first, then a medicine when a word asks for one; then the
// others in Pagefind's order.
async function namesFirst(every, most, query, named) {
  const typed = plain(query), words = named.map(plain).filter(Boolean);
  const seen = new Set(), once = (result) => !seen.has(result.id) && seen.add(result.id);
  const head = [...every.slice(0, PAGE_SIZE).filter(once), ...most.filter(once).slice(0, MOST)];
  const datas = await Promise.all(head.map((result) => result.data()));
  const pills = words.some((word) => PILL.test(word)) ? 1 : 0;
  const order = head.map((result, i) => ({ result, match: nameMatch(datas[i], typed, words), i,
    pill: pills && (datas[i].filters.type || []).includes("medication") ? 1 : 0 }))
    .sort((a, b) => b.match - a.match || b.pill - a.pill || a.i - b.i).map((entry) => entry.result);
  return order.concat([...every, ...most].filter(once));
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
