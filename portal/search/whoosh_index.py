"""The API's search engine: Whoosh (the `whoosh-reloaded` fork). Every Whoosh line of the portal is here.

One index per language, each with its own analyzer: stemming where Whoosh has a stemmer (English,
Spanish), unigrams and bigrams for Chinese (which has no spaces between words), accents folded for
Spanish and Vietnamese (readers often type without them), light normalization for Arabic. Fields
are boosted title > terms (keywords and synonyms) > summary > body. A word that is in no page is
matched within one or two typing mistakes, and the query spelled with known words is offered as a
suggestion ("did you mean"). Indexes are stored under PORTAL_CACHE_DIR, named by the hash of what
they were built from, so a restart with unchanged content opens them instead of building them.
"""
from __future__ import annotations

import os
import re
import shutil
import unicodedata
from pathlib import Path

from whoosh import fields, scoring
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.filedb.filestore import FileStorage, RamStorage
from whoosh.lang import has_stemmer, stopwords_for_language
from whoosh.query import And, FuzzyTerm, Or, Phrase, Term

from portal.search import dictionary
from portal.search.documents import SearchDocument, documents_digest

FIELD_BOOSTS = {"title": 4.0, "terms": 3.0, "summary": 2.0, "body": 1.0}
FUZZY_FIELDS = ("title", "terms", "body")
FEW = 3  # a query whose words, as typed, find fewer pages than this gets a "did you mean"
MINOR_BOOST = 0.1  # doses, units and forms count, but never outrank a name ("lasix 40 mg")
# Units and forms written on a label; with any word containing a digit, they are the minor words of a query.
MINOR_WORDS = frozenset("mg mcg ug ml iu g tab tabs tablet tablets cap caps capsule capsules "
                        "tableta tabletas capsula capsulas comprimido comprimidos "
                        "ملغ ملجم مجم ملغم 毫克 微克 毫升 片 vien".split())
FORMAT = "5"  # bump when analyzers or fields change, so stored indexes are rebuilt
# Words, with their combining marks (Arabic vowel signs, decomposed Vietnamese tones): \w alone splits them.
_LETTER = r"[\w\u0300-\u036f\u064b-\u065f\u0670]"
_WORD = rf"{_LETTER}+(\.?{_LETTER}+)*"
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_ARABIC_MARKS = re.compile(r"[\u064b-\u065f\u0670\u0640]")
_ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})


_DIGIT = re.compile(r"\d")


def is_minor(word: str) -> bool:
    """A dose, unit or form (40, 20mg, mg, tablets): what a label adds to a medicine's name."""
    return bool(_DIGIT.search(word)) or word in MINOR_WORDS or fold(word) in MINOR_WORDS


def fold(text: str) -> str:
    """Remove accents and tone marks (presión -> presion, tiểu đường -> tieu duong)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


class FoldFilter(Filter):
    def __call__(self, tokens):
        for token in tokens:
            token.text = fold(token.text)
            yield token


class ArabicFilter(Filter):
    """Arabic without vowel marks, one form of alef, and the article al- removed from longer words."""

    def __call__(self, tokens):
        for token in tokens:
            text = _ARABIC_MARKS.sub("", token.text).translate(_ARABIC_LETTERS)
            for prefix in ("وال", "بال", "كال", "فال", "ال"):
                if text.startswith(prefix) and len(text) - len(prefix) >= 3:
                    text = text[len(prefix):]
                    break
            token.text = text
            yield token


class CjkFilter(Filter):
    """Chinese runs become overlapping two-character words, and single characters when indexing."""

    def __call__(self, tokens):
        for token in tokens:
            text = token.text
            if not _CJK.search(text):
                yield token
                continue
            for run in re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+",
                                  text):
                if not _CJK.match(run):
                    token.text = run
                    yield token
                    continue
                grams = [run[i:i + 2] for i in range(len(run) - 1)] or [run]
                if token.mode == "index" and len(run) > 1:
                    grams += list(run)
                for gram in grams:
                    token.text = gram
                    yield token


def analyzer(lang: str, stem: bool = True):
    """The analyzer of a language; `stem=False` keeps whole words (the spelling vocabulary)."""
    chain = RegexTokenizer(_WORD) | LowercaseFilter()
    if lang == "zh":
        return chain | CjkFilter()
    if lang == "ar":
        return chain | ArabicFilter()
    if not stem:
        return chain
    if has_stemmer(lang):
        stops = stopwords_for_language(lang) if lang != "en" else None
        chain = chain | (StopFilter(stoplist=stops) if stops else StopFilter()) | StemFilter(lang=lang)
    return chain | FoldFilter() if lang in ("es", "vi", "en") else chain


def schema(lang: str) -> fields.Schema:
    text = analyzer(lang)
    return fields.Schema(
        key=fields.ID(stored=True, unique=True), kind=fields.ID(stored=True),
        title=fields.TEXT(analyzer=text, stored=True), terms=fields.TEXT(analyzer=text),
        summary=fields.TEXT(analyzer=text), body=fields.TEXT(analyzer=text),
        spelling=fields.TEXT(analyzer=analyzer(lang, stem=False)))


class WhooshIndex:
    """Per-language Whoosh indexes of the search documents (see portal.search.SearchIndex)."""

    def __init__(self, documents: list[SearchDocument], cache_dir: str | Path | None = None):
        self.documents = {d.key: d for d in documents}
        self.languages = sorted({d.lang for d in documents})
        self.indexes = {}
        storage = self._storage(documents, cache_dir)
        for lang in self.languages:
            if storage.index_exists(lang):
                self.indexes[lang] = storage.open_index(lang)
            else:
                self.indexes[lang] = self._build(storage, lang, [d for d in documents if d.lang == lang])
        self._searchers = {}
        self._accent_maps: dict[str, dict[str, str]] = {}
        for lang in self.languages:  # everything a first search needs is read now, not during it
            dictionary.load(lang)
            self._accents(lang, self._searcher(lang).reader())

    @staticmethod
    def _storage(documents, cache_dir):
        if not cache_dir:
            return RamStorage()
        root = Path(cache_dir) / "search"
        folder = root / f"whoosh-{FORMAT}-{documents_digest(documents)[:20]}"
        if not folder.is_dir():
            # Build beside it and rename: another process never opens a half-written index.
            staging = root / f".{folder.name}.{os.getpid()}"
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir(parents=True)
            storage = FileStorage(str(staging))
            for lang in sorted({d.lang for d in documents}):
                WhooshIndex._build(storage, lang, [d for d in documents if d.lang == lang])
            try:
                staging.rename(folder)
            except OSError:  # another process finished first: use its copy
                shutil.rmtree(staging, ignore_errors=True)
            for old in root.glob("whoosh-*"):
                if old != folder:
                    shutil.rmtree(old, ignore_errors=True)
        return FileStorage(str(folder))

    @staticmethod
    def _build(storage, lang: str, documents: list[SearchDocument]):
        index = storage.create_index(schema(lang), indexname=lang)
        writer = index.writer(limitmb=128)
        for d in documents:
            spelling = " ".join([*d.names, d.summary, d.body])  # real words only: keywords hold misspellings
            writer.add_document(key=d.key, kind=d.kind, title=d.title, terms=" | ".join(d.terms),
                                summary=d.summary, body=d.body, spelling=spelling)
        writer.commit()
        return index

    def _searcher(self, lang: str):
        searcher = self._searchers.get(lang)
        if searcher is None:
            weighting = scoring.BM25F(B=0.75, title_B=0.3, terms_B=0.2, K1=1.2)
            searcher = self._searchers[lang] = self.indexes[lang].searcher(weighting=weighting)
        return searcher

    def search(self, query: str, lang: str, kind: str | None, limit: int) -> tuple[list[tuple[SearchDocument, float]], str | None]:
        """The best documents for `query` in `lang` with their scores, and a corrected query if one helps."""
        searcher = self._searcher(lang)
        reader = searcher.reader()
        words = [t.text for t in analyzer(lang)(query, mode="query")]
        if not words:
            return [], None
        parts, exact, guessed = [], [], False
        for word in dict.fromkeys(words):
            weight = MINOR_BOOST if is_minor(word) else 1.0
            options = [Term(f, word, boost=b * weight) for f, b in FIELD_BOOSTS.items()]
            exact.append(Or(list(options)))
            if (not any((f, word) in reader for f in FUZZY_FIELDS) and len(word) >= 4 and not _CJK.search(word)
                    and not _DIGIT.search(word)):  # codes and doses are exact: 29045 is not 29046
                distance = 1 if len(word) <= 6 else 2
                options += [FuzzyTerm(f, word, boost=FIELD_BOOSTS[f] * 0.5, maxdist=distance, prefixlength=1)
                            for f in FUZZY_FIELDS]
                guessed = True
            parts.append(Or(options))
        if len(words) > 1:  # the words together, in order, count most
            parts.append(Or([Phrase(f, words, boost=FIELD_BOOSTS[f] * 2) for f in ("title", "terms")]))
        only = And([Term("kind", kind)]) if kind else None
        results = searcher.search(Or(parts), limit=limit, filter=only)
        hits = [(self.documents[hit["key"]], hit.score) for hit in results]
        # "Did you mean" only when the words as typed find little: never for a query that finds its pages.
        if not guessed or len(searcher.search(Or(exact), limit=FEW, filter=only)) >= FEW:
            return hits, None
        return hits, self._suggestion(searcher, lang, query)

    def _suggestion(self, searcher, lang: str, query: str) -> str | None:
        """The query with each unknown word replaced by the nearest word the pages use."""
        if lang == "zh":
            return None  # no spaces between words: corrections would need a Chinese word list
        reader, plain = searcher.reader(), analyzer(lang, stem=False)
        accents = self._accents(lang, reader)
        changed, out = False, []
        for token in re.findall(r"\w+|\W+", query):
            word = next(iter(plain(token, mode="query")), None)
            text = word.text if word else ""
            if len(text) < 3 or _DIGIT.search(text) or self._known(reader, lang, text):
                out.append(token)
                continue
            best = accents.get(fold(text)) or self._nearest(reader, text)
            changed |= best is not None
            out.append(best or token)
        return "".join(out) if changed else None

    @staticmethod
    def _known(reader, lang: str, word: str) -> bool:
        """A word of the language or of the library's pages and names: never "corrected" (cant, bank, lasix)."""
        return ("spelling", word) in reader or dictionary.is_word(word, lang)

    @staticmethod
    def _nearest(reader, word: str) -> str | None:
        """The most used word one typing mistake away, else two (not for short words)."""
        for distance in (1, 2) if len(word) >= 5 else (1,):
            found = list(reader.terms_within("spelling", word, distance, prefix=1))
            if found:
                return max(found, key=lambda w: (reader.frequency("spelling", w), w))
        return None

    def _accents(self, lang: str, reader) -> dict[str, str]:
        """Words typed without their accents or tone marks -> the word the pages use (presion -> presión)."""
        if lang not in ("es", "vi"):
            return {}
        if lang not in self._accent_maps:
            best: dict[str, tuple[float, str]] = {}
            for word, info in reader.iter_field("spelling"):
                word = word.decode() if isinstance(word, bytes) else word
                key = fold(word)
                if key != word and (key not in best or info.weight() > best[key][0]):
                    best[key] = (info.weight(), word)
            self._accent_maps[lang] = {k: w for k, (_, w) in best.items()}
        return self._accent_maps[lang]
