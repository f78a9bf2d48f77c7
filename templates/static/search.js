/* The search page: asks the Pagefind index that the build wrote into pagefind/ and shows the
   results in the site's own markup. Everything happens in the browser; the query never leaves
   it. Pagefind picks the index of the page's <html lang>, so results are in that language only.

   Paths are relative to this page (from the JSON block the template writes), so the site works
   from any folder of any host. Without this script the page shows links to the listings; if
   the index cannot be loaded, it shows them again with a message saying so. */

const PAGE_SIZE = 10;       // results shown at once; "show more" adds as many again
const MOST = 100;           // results read from the index for one query, at most
const DEBOUNCE_MS = 200;

const data = JSON.parse(document.getElementById("search-data").textContent);
const form = document.getElementById("search-form");
const input = document.getElementById("search-input");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const moreRow = document.getElementById("search-more-row");
const more = document.getElementById("search-more");
const fallback = document.getElementById("search-fallback");
const fallbackText = document.getElementById("search-fallback-text");

const bundle = new URL(data.bundle, document.baseURI);
const root = new URL(data.root, document.baseURI);
const plural = new Intl.PluralRules(data.lang);
const number = new Intl.NumberFormat(data.lang);

let pagefind = null;
let ticket = 0;        // the newest search; older ones drop their results when they finish
let pending = [];      // results found but not shown yet (behind "show more")
let timer = 0;

form.hidden = false;
fallback.hidden = true;

const ready = import(bundle.href).then(async (module) => {
  await module.options({ basePath: new URL("./", bundle).pathname, baseUrl: root.pathname,
                         excerptLength: 24 });
  await module.init();
  pagefind = module;
  return module;
});
ready.catch(failed);

function failed() {
  form.hidden = true;
  list.hidden = true;
  moreRow.hidden = true;
  status.textContent = "";
  fallbackText.textContent = data.failed;
  fallback.hidden = false;
}

function fill(template, query, count) {
  // Functions, so that "$&" or "{count}" in what the reader typed is shown as typed.
  return template.replace("{count}", () => number.format(count)).replace("{query}", () => query);
}

function say(text) {
  // Clear first so that the same text (the same count for a new query) is announced again.
  if (status.textContent === text) status.textContent = "";
  status.textContent = text;
}

function keepInAddress(query) {
  const address = new URL(window.location.href);
  if (query) address.searchParams.set("q", query);
  else address.searchParams.delete("q");
  if (address.href !== window.location.href) window.history.replaceState(null, "", address);
}

async function search(query) {
  const mine = ++ticket;
  query = query.trim();
  keepInAddress(query);
  if (!query) {
    list.replaceChildren();
    list.hidden = true;
    moreRow.hidden = true;
    say("");
    return;
  }
  let results;
  try {
    const api = pagefind || await ready;
    const found = await api.search(query);
    if (mine !== ticket || !found) return;
    const loaded = await Promise.all(found.results.slice(0, MOST).map((r) => r.data()));
    results = loaded.filter((result) => matches(query, result));
  } catch (error) {
    if (mine === ticket) failed();
    return;
  }
  if (mine !== ticket) return;
  const count = results.length;
  list.replaceChildren();
  pending = results;
  showMore();
  list.hidden = count === 0;
  const template = count === 0 ? data.none
    : plural.select(count) === "one" ? data.one : data.many;
  say(fill(template, query, count));
}

/* Shows the next results; returns the first one shown. */
function showMore() {
  const items = pending.splice(0, PAGE_SIZE).map(resultItem);
  list.append(...items);
  moreRow.hidden = pending.length === 0;
  return items[0];
}

/* Whether every word of the query really occurs in the result, in some form.

   When no word in the index starts with (the stem of) a query word, Pagefind falls back to the
   longest indexed word that the query word starts with, however short: "arbetsgivare" on the
   English pages finds every page with "a", a mistyped "intervew" every page with "in". Such a
   result is dropped: its only matches for a query word are words of at most half its length
   that it begins with. Inflections (intervjuerna: intervjun, employers: employer) and
   compounds (ansökningsbrevet: ansökningar) are kept. */
function matches(query, result) {
  const words = result.content.split(/[\r\n\s]+/g);  // Pagefind's own word positions
  const found = result.locations.map((at) => fold(words[at] || ""));
  const terms = query.split(/\s+/).map(fold).filter(Boolean);
  return terms.every((term) => found.some((word) => {
    const common = commonPrefix(term, word);
    if (common < Math.min(3, term.length)) return false;
    return !(common === word.length && word.length * 2 <= term.length);
  }));
}

/* One word as Pagefind compares it: no accents, lower case, letters and digits only. */
function fold(word) {
  return word.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
}

function commonPrefix(a, b) {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
  return i;
}

function resultItem(result) {
  const item = document.createElement("li");
  item.className = "search-result";
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = result.url;
  link.textContent = (result.meta && result.meta.title) || result.url;
  heading.append(link);
  item.append(heading);
  const kind = kindOf(result.url);
  if (kind) {
    const label = document.createElement("p");
    label.className = "search-kind";
    label.textContent = kind;
    item.append(label);
  }
  const excerpt = document.createElement("p");
  excerpt.className = "search-excerpt";
  const text = result.content.split(/[\r\n\s]+/g).join(" ").trim();
  const plain = (result.plain_excerpt || "").trim();
  if (plain && !text.startsWith(plain)) excerpt.append("… ");
  excerpt.append(...safeExcerpt(result.excerpt || ""));
  if (plain && !text.endsWith(plain)) excerpt.append(" …");
  item.append(excerpt);
  return item;
}

/* The section a result is in, from its address: <lang>/<section>/<slug>/ or <lang>/<slug>/. */
function kindOf(url) {
  const path = new URL(url, root).pathname;
  if (!path.startsWith(root.pathname)) return "";
  const parts = path.slice(root.pathname.length).split("/").filter(Boolean);
  if (parts.length === 3) return data.sections[parts[1]] || "";
  if (parts.length === 2) return data.page;
  return "";
}

/* Pagefind's excerpt is escaped text with <mark> around matches: keep exactly that, as nodes. */
function safeExcerpt(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  return Array.from(template.content.childNodes, (node) => {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      return mark;
    }
    return document.createTextNode(node.textContent);
  });
}

input.addEventListener("input", () => {
  window.clearTimeout(timer);
  timer = window.setTimeout(() => search(input.value), DEBOUNCE_MS);
});

form.addEventListener("submit", (event) => {
  event.preventDefault();
  window.clearTimeout(timer);
  search(input.value);
});

more.addEventListener("click", () => {
  const first = showMore();
  if (first) first.querySelector("a").focus();
});

const initial = new URLSearchParams(window.location.search).get("q");
if (initial) {
  input.value = initial;
  search(initial);
}
