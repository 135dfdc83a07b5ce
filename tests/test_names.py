"""Name keys: one key per name whatever its script or spelling, expected keys written by hand."""

from __future__ import annotations

import pytest

from newstrace.nlp.names import name_key, transliteration

# (name as written, the key expected), by script. Cyrillic and Latin spellings of one
# person must meet; other scripts get a stable ASCII key of their own (anyascii).
KEYS = {
    "cyrillic-ru": [
        ("Дмитрий Песков", "dmitry-peskov"),
        ("Сергей Лавров", "sergey-lavrov"),
        ("Владимир Зеленский", "vladimir-zelensky"),
        ("Алексей Навальный", "aleksey-navalny"),
    ],
    "cyrillic-uk": [
        ("Володимир Зеленський", "volodimir-zelensky"),
        ("Юлія Тимошенко", "yuliya-timoshenko"),
        ("Віталій Кличко", "vitaly-klichko"),
    ],
    "greek": [
        ("Κυριάκος Μητσοτάκης", "kyriakos-mitsotakis"),
        ("Αλέξης Τσίπρας", "alexis-tsipras"),
    ],
    "arabic": [
        ("محمد بن سلمان", "mhmd-bn-slmn"),
        ("بشار الأسد", "bshr-lsd"),
    ],
    "hebrew": [
        ("בנימין נתניהו", "vnymyn-ntnyhv"),
        ("יצחק הרצוג", "ytshk-hrtsvg"),
    ],
    "cjk": [
        ("习近平", "xijinping"),
        ("習近平", "xijinping"),
        ("岸田文雄", "antianwenxiong"),
        ("김정은", "gimjeongeun"),
    ],
    "latin-diacritics": [
        ("Recep Tayyip Erdoğan", "recep-tayyip-erdogan"),
        ("Łukasz Błaszczyk", "lukasz-blaszczyk"),
        ("François Hollande", "francois-hollande"),
        ("Søren Kierkegaard", "soren-kierkegaard"),
        ("Jean-Yves Le Drian", "jean-yves-le-drian"),
        ("Wang Yi", "wang-yi"),
    ],
}


@pytest.mark.parametrize(
    ("name", "key"), [pair for pairs in KEYS.values() for pair in pairs], ids=lambda v: str(v)
)
def test_name_key_of_each_script_is_the_hand_written_one(name: str, key: str) -> None:
    assert name_key(name) == key


@pytest.mark.parametrize(
    "spellings",
    [
        ("Дмитрий Песков", "Dmitry Peskov", "Dmitriy Peskov", "Dmitrii Peskov"),
        ("Сергей Лавров", "Sergey Lavrov", "Sergei Lavrov"),
        ("Зеленский", "Зеленський", "Zelensky", "Zelenskyy", "Zelenskiy", "Zelenski", "Zelenskij"),
    ],
)
def test_name_key_spellings_across_scripts_meet(spellings: tuple[str, ...]) -> None:
    assert len({name_key(s) for s in spellings}) == 1, [name_key(s) for s in spellings]


def test_name_key_is_never_empty_for_a_name_in_any_script() -> None:
    for pairs in KEYS.values():
        for name, _ in pairs:
            assert name_key(name)


def test_translit_rewrites_load() -> None:
    assert len(transliteration().rewrites) >= 3
    assert "rewrites" not in transliteration().letters
