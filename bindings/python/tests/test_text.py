"""cx.Sentiment, cx.Lexicon and cx.Keywords through the binding. The C
library's figures are checked by tests/api/test_text*.c against hand-labelled
sentences and tests/reference/text_reference.py; here the binding must
reach every function and agree with the C results."""
import pytest

import cx


@pytest.fixture(scope="module")
def analyzer():
    return cx.Sentiment()


def test_labels_of_hand_labelled_sentences(analyzer):
    cases = {
        "The agent fixed it in minutes, great service!": "positive",
        "No problems at all": "positive",
        "I was on hold for an hour and no one called back": "negative",
        "Not the worst experience": "positive",
        "The parcel arrived on Tuesday": "neutral",
    }
    for text, label in cases.items():
        assert analyzer.score(text).label == label, text


def test_score_many_matches_score(analyzer):
    texts = ["great product", "terrible support", "ok", "Great product but support never answered"]
    compounds, labels = analyzer.score_many(texts)
    for text, c, label in zip(texts, compounds, labels):
        single = analyzer.score(text)
        assert c == pytest.approx(single.compound)
        assert label == single.label


def test_evidence_and_aspects(analyzer):
    r = analyzer.analyze("Great product but support never answered")
    assert r.evidence, "every score carries its evidence"
    assert any(e["text"].lower() == "great" for e in r.evidence)
    assert r.aspects["quality"]["label"] == "positive"  # "product" belongs to the product-quality aspect
    assert r.aspects["support"]["label"] == "negative"


def test_overrides_and_lexicons():
    s = cx.Sentiment()
    before = s.score("cheap").compound
    s.override("cheap", -2.0)
    assert s.score("cheap").compound < 0 <= before or s.score("cheap").compound < before
    lex = cx.Lexicon()
    assert len(lex) > 5000 and lex.language_code == "en"
    assert lex.lookup("good")["valence"] > 0
    with pytest.raises(cx.NotFound):
        lex.lookup("qwertyuiop")
    custom = cx.Lexicon.parse("# language: xx\nword\tgood\t2.0\n", "custom")
    assert len(custom) >= 1


def test_invalid_utf8(analyzer):
    with pytest.raises(cx.FormatError, match="byte"):
        analyzer.score(b"bad \xff byte")
    lenient = cx.Sentiment(replace_invalid=True)
    assert lenient.score(b"great \xff day").label == "positive"


def test_keywords():
    kw = cx.Keywords(min_count=1)
    kw.add_many("a", ["slow delivery again", "delivery was slow", "slow refund"] * 3)
    kw.add_many("b", ["friendly staff", "staff were friendly and quick"] * 3)
    top = kw.rank(top=3)
    assert top[0]["term"] in ("slow", "delivery")
    assert top[0]["z"] > 0
    with pytest.raises(cx.InvalidArgument):
        kw.add("c", "x")
