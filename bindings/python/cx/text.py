"""Text analytics: cx.Lexicon, cx.Sentiment and cx.Keywords over cx/text.h."""
from ._lib import InvalidArgument, check, ffi, lib

LABELS = {-1: "negative", 0: "neutral", 1: "positive"}


def _text(s):
    if isinstance(s, str):
        return s.encode("utf-8", "surrogatepass")
    return bytes(s)


class Lexicon:
    """A sentiment lexicon: Lexicon() is the compiled-in English one;
    Lexicon.load(path), Lexicon.parse(data, name) and
    Lexicon.language("vi", dir=None) read the TSV format of docs/text.md.
    Immutable: one lexicon may serve many analyzers and threads."""

    def __init__(self):
        out = ffi.new("cx_lexicon **")
        check(lib.cx_lexicon_new_default(out))
        self._ptr = ffi.gc(out[0], lib.cx_lexicon_free)

    @classmethod
    def _adopt(cls, ptr):
        lex = cls.__new__(cls)
        lex._ptr = ffi.gc(ptr, lib.cx_lexicon_free)
        return lex

    @classmethod
    def load(cls, path):
        out = ffi.new("cx_lexicon **")
        check(lib.cx_lexicon_load(out, str(path).encode()))
        return cls._adopt(out[0])

    @classmethod
    def parse(cls, data, name="memory"):
        raw = _text(data)
        out = ffi.new("cx_lexicon **")
        check(lib.cx_lexicon_parse(out, raw, len(raw), name.encode()))
        return cls._adopt(out[0])

    @classmethod
    def language(cls, code, dir=None):
        out = ffi.new("cx_lexicon **")
        check(lib.cx_lexicon_new_language(out, code.encode(), ffi.NULL if dir is None else str(dir).encode()))
        return cls._adopt(out[0])

    @property
    def language_code(self):
        out = ffi.new("const char **")
        check(lib.cx_lexicon_get_language(out, self._ptr))
        return ffi.string(out[0]).decode()

    def __len__(self):
        out = ffi.new("size_t *")
        check(lib.cx_lexicon_count(out, self._ptr))
        return int(out[0])

    def lookup(self, term):
        """The lexicon's entry for a term as a dict (cx.NotFound if absent)."""
        e = ffi.new("cx_lexicon_entry *")
        check(lib.cx_lexicon_entry_init(e, 1))
        check(lib.cx_lexicon_lookup(e, self._ptr, _text(term)))
        fields = ("valence", "intensity", "intensity_after")
        flags = ("has_valence", "service", "emoticon", "negator", "contrast", "concession", "stop")
        entry = {f: float(getattr(e, f)) for f in fields}
        entry.update({f: bool(getattr(e, f)) for f in flags})
        entry["aspect"] = ffi.string(e.aspect).decode() if e.aspect != ffi.NULL else None
        return entry


class SentimentResult:
    """compound (-1..1), positive, negative, neutral (shares), sum, label
    ("negative", "neutral", "positive"), tokens; with analyze(): evidence
    (list of dicts) and aspects (dict name -> dict)."""

    __slots__ = ("compound", "positive", "negative", "neutral", "sum", "label", "tokens", "evidence", "aspects")

    def __init__(self, c):
        for name in ("compound", "positive", "negative", "neutral", "sum"):
            setattr(self, name, float(getattr(c, name)))
        self.label = LABELS[int(c.label)]
        self.tokens = int(c.tokens)
        self.evidence = []
        self.aspects = {}

    def __repr__(self):
        return "SentimentResult(%+.4f %s)" % (self.compound, self.label)


class Sentiment:
    """A sentiment analyzer over a lexicon (default: English). Options:
    negative_threshold, positive_threshold, alpha, replace_invalid (read
    invalid UTF-8 as U+FFFD instead of failing), aspects (start with the
    lexicon's aspect dictionary)."""

    def __init__(self, lexicon=None, negative_threshold=None, positive_threshold=None, alpha=None,
                 replace_invalid=False, aspects=True):
        self._lexicon = lexicon if lexicon is not None else Lexicon()  # keeps the lexicon alive
        opts = ffi.new("cx_sentiment_options *")
        check(lib.cx_sentiment_options_init(opts, 1))
        if negative_threshold is not None:
            opts.negative_threshold = negative_threshold
        if positive_threshold is not None:
            opts.positive_threshold = positive_threshold
        if alpha is not None:
            opts.alpha = alpha
        opts.invalid_utf8 = 1 if replace_invalid else 0
        opts.aspects = 1 if aspects else 0
        out = ffi.new("cx_sentiment **")
        check(lib.cx_sentiment_new(out, self._lexicon._ptr, opts))
        self._ptr = ffi.gc(out[0], lib.cx_sentiment_free)

    def override(self, term, valence, aspect=None):
        """Domain override: `term` scores `valence` (optionally only about `aspect`)."""
        check(lib.cx_sentiment_override(self._ptr, _text(term), valence,
                                        ffi.NULL if aspect is None else aspect.encode()))

    def add_aspect_terms(self, aspect, terms):
        keep = [ffi.new("char[]", _text(t)) for t in terms]
        check(lib.cx_sentiment_add_aspect_terms(self._ptr, aspect.encode(), ffi.new("const char *[]", keep), len(keep)))

    def set_thresholds(self, negative, positive):
        check(lib.cx_sentiment_set_thresholds(self._ptr, negative, positive))

    def score(self, text):
        """The SentimentResult of one text."""
        raw = _text(text)
        r = ffi.new("cx_sentiment_result *")
        check(lib.cx_sentiment_result_init(r, 1))
        check(lib.cx_sentiment_score(r, self._ptr, raw, len(raw)))
        return SentimentResult(r)

    def score_many(self, texts):
        """(compounds, labels) of many texts in one call, all or nothing."""
        raws = [_text(t) for t in texts]
        n = len(raws)
        keep = [ffi.from_buffer(r) for r in raws]
        compounds = ffi.new("double[]", max(n, 1))
        labels = ffi.new("int[]", max(n, 1))
        check(lib.cx_sentiment_score_many(compounds, labels, self._ptr, ffi.new("const char *[]", keep),
                                          ffi.new("size_t[]", [len(r) for r in raws]), n))
        return [float(compounds[i]) for i in range(n)], [LABELS[int(labels[i])] for i in range(n)]

    def analyze(self, text):
        """score() with its evidence (byte spans and the rules that moved
        each contribution) and the sentiment per aspect."""
        raw = _text(text)
        doc_out = ffi.new("cx_sentiment_doc **")
        check(lib.cx_sentiment_doc_new(doc_out))
        doc = ffi.gc(doc_out[0], lib.cx_sentiment_doc_free)
        r = ffi.new("cx_sentiment_result *")
        check(lib.cx_sentiment_result_init(r, 1))
        check(lib.cx_sentiment_analyze(r, doc, self._ptr, raw, len(raw)))
        result = SentimentResult(r)
        for i in range(int(r.evidence_count)):
            ev = ffi.new("cx_sentiment_evidence *")
            check(lib.cx_sentiment_evidence_init(ev, 1))
            check(lib.cx_sentiment_doc_evidence(ev, doc, i))
            result.evidence.append({
                "start": int(ev.start), "end": int(ev.end),
                "text": raw[ev.start:ev.end].decode("utf-8", "replace"),
                "rule": ffi.string(lib.cx_sentiment_rule_name(ev.rule)).decode(),
                "base": float(ev.base), "valence": float(ev.valence),
                "target": int(ev.target), "aspect": int(ev.aspect)})
        for i in range(int(r.aspect_count)):
            a = ffi.new("cx_aspect_sentiment *")
            check(lib.cx_aspect_sentiment_init(a, 1))
            check(lib.cx_sentiment_doc_aspect(a, doc, i))
            result.aspects[ffi.string(a.name).decode()] = {
                "compound": float(a.compound), "label": LABELS[int(a.label)], "mentions": int(a.mentions)}
        ffi.release(doc)
        return result


class Keywords:
    """Terms and bigrams that distinguish group "a" from group "b" (weighted
    log-odds with an informative Dirichlet prior, Monroe et al. 2008)."""

    GROUPS = {"a": 0, "b": 1, "background": 2}

    def __init__(self, lexicon=None, bigrams=True, stem=False, stop_words=True, prior_scale=None, min_count=None):
        self._lexicon = lexicon if lexicon is not None else Lexicon()
        opts = ffi.new("cx_keywords_options *")
        check(lib.cx_keywords_options_init(opts, 1))
        opts.bigrams, opts.stem, opts.stop_words = int(bigrams), int(stem), int(stop_words)
        if prior_scale is not None:
            opts.prior_scale = prior_scale
        if min_count is not None:
            opts.min_count = min_count
        out = ffi.new("cx_keywords **")
        check(lib.cx_keywords_new(out, self._lexicon._ptr, opts))
        self._ptr = ffi.gc(out[0], lib.cx_keywords_free)

    def add(self, group, text):
        if group not in self.GROUPS:
            raise InvalidArgument("group must be 'a', 'b' or 'background', not %r" % (group,), -1)
        raw = _text(text)
        check(lib.cx_keywords_add(self._ptr, self.GROUPS[group], raw, len(raw)))

    def add_many(self, group, texts):
        """Adds many texts in one call, all or nothing."""
        if group not in self.GROUPS:
            raise InvalidArgument("group must be 'a', 'b' or 'background', not %r" % (group,), -1)
        raws = [_text(t) for t in texts]
        keep = [ffi.from_buffer(r) for r in raws]
        check(lib.cx_keywords_add_many(self._ptr, self.GROUPS[group], ffi.new("const char *[]", keep),
                                       ffi.new("size_t[]", [len(r) for r in raws]), len(raws)))

    def merge(self, other):
        check(lib.cx_keywords_merge(self._ptr, other._ptr))
        return self

    def rank(self, top=None):
        """Ranked terms, most distinctive of "a" first: dicts with term,
        delta, variance, z, count_a, count_b."""
        n = ffi.new("size_t *")
        check(lib.cx_keywords_rank(n, self._ptr))
        out = []
        for i in range(int(n[0]) if top is None else min(top, int(n[0]))):
            k = ffi.new("cx_keyword *")
            check(lib.cx_keyword_init(k, 1))
            check(lib.cx_keywords_get(k, self._ptr, i))
            out.append({"term": ffi.string(k.term).decode(), "delta": float(k.delta), "variance": float(k.variance),
                        "z": float(k.z), "count_a": int(k.count_a), "count_b": int(k.count_b)})
        return out
