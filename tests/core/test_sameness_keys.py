"""The sameness key's plain-ASCII path gives what the general (Unicode) rule gives: keys
stored before it was added still find the postings of their jobs."""

from __future__ import annotations

import re
import string
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from skael_core import sameness
from support import make_job

_NOT_WORD = re.compile(r"[^\w&+#]+|_+")
_BRACKETED = re.compile(r"[(\[{][^)\]}]*[)\]}]")


def general_words(text: str) -> list[str]:
    """The rule as written for any text: casefold, accents off, runs of non-word
    characters (``&``, ``+`` and ``#`` aside) and underscores as spaces."""
    folded = text.casefold()
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", folded).split()


def general_title(title: str) -> str:
    words = general_words(_BRACKETED.sub(" ", title))
    return " ".join(sameness._TITLE_WORDS.get(w, w) for w in words)


def test_every_ascii_character_is_kept_or_spaced_as_the_general_rule_says() -> None:
    for code in range(128):
        text = f"a{chr(code)}b {chr(code)}{chr(code)}_x"
        assert sameness._words(text) == general_words(text), repr(chr(code))


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_ascii_text_gives_the_general_words(text: str) -> None:
    assert sameness._words(text) == general_words(text)


@given(st.text(alphabet=string.ascii_letters + "ÄéßøİKſ (m/w/d)-&+#_.", max_size=30))
def test_text_beyond_ascii_keeps_the_general_rule(text: str) -> None:
    assert sameness._words(text) == general_words(text)


@given(
    st.lists(
        st.sampled_from(["Sr.", "dev", "Eng", "and", "(m/w/d)", "[Remote]", "{x", ")", "C++", "a"]),
        max_size=8,
    )
)
def test_titles_drop_bracketed_notes_and_spell_out_abbreviations(words: list[str]) -> None:
    title = " ".join(words)
    assert sameness.title_key(title) == general_title(title)


def test_keys_of_ascii_and_accented_postings() -> None:
    job = make_job(1, company="Acme Analytics GmbH", job_title="Sr. Python Dev (m/w/d)")
    accented = make_job(2, company="ÁCME Analytics", job_title="Senior Python Developer")
    key = sameness.sameness_key(job)
    assert key is not None and key.startswith("acme analytics|senior python developer|")
    assert sameness.sameness_key(accented) == key
