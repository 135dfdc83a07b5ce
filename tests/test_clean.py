"""The clean stage: furniture, related headlines, repeats, byline, bio and title out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, SEEDS

from newstrace.analysis.base import Context
from newstrace.analysis.clean import clean, is_furniture, line_key, rules
from newstrace.analysis.extract import extract, strip_site_suffix
from newstrace.model import Article, RawDocument
from newstrace.pipeline import Pipeline

EXPECTED = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))["articles"]
CLEAN = FIXTURES / "clean"
PIPELINE = Pipeline([extract, clean])


def run_text(name: str, text: str, title: str | None = None) -> Article:
    return PIPELINE.run(RawDocument(source=name, text=text, title=title))


def reasons_of(article: Article) -> dict[str, str]:
    return {r.text: r.reason for r in article.removed}


def content_lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_furniture_and_bio_are_taken_out_with_a_reason(seeds_dir: Path, name: str) -> None:
    article = run_text(name, (seeds_dir / name).read_text(encoding="utf-8"))
    for snippet in EXPECTED[name]["must_be_removed"]:
        assert snippet not in article.text
        assert any(snippet in r.text and r.reason for r in article.removed), snippet


# Pieces cut out of a kept line (the rest of the line stays as written).
INLINE_REASONS = {"title", "hover_card", "teaser", "site_description", "notice", "ad_label"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_keeps_every_content_line_unchanged(seeds_dir: Path, name: str) -> None:
    raw = (seeds_dir / name).read_text(encoding="utf-8")
    article = run_text(name, raw)
    removed = {r.text for r in article.removed}
    cut = [r.text for r in article.removed if r.reason in INLINE_REASONS]
    expected = []
    for line in content_lines(raw):
        if line.strip() in removed:
            continue
        for piece in cut:
            line = " ".join(line.replace(piece, " ").split())
        expected.append(line)
    assert content_lines(article.text) == expected
    assert len(expected) >= 5  # the body paragraphs of both seeds
    assert article.text == article.text.strip()


def test_seed_000_byline_and_author_bio_are_split_out(seeds_dir: Path) -> None:
    name = "000_922ab060dcfde385.txt"
    article = run_text(name, (seeds_dir / name).read_text(encoding="utf-8"))
    assert article.byline == EXPECTED[name]["byline"] == "Petr Plateník"
    assert [r.reason for r in article.removed] == ["site_description", "byline", "author_bio"]
    assert article.title is None  # its first line is a long sentence, not a headline
    assert article.text.startswith("Vladimir Rogov, président du mouvement")


def test_seed_000_site_self_description_is_cut_from_its_paragraph(seeds_dir: Path) -> None:
    """The first paragraph ends with "Le site Web Newsweek diffuse les nouvelles.": the site
    describing itself, not the story; the sentence before it stays whole."""
    name = "000_922ab060dcfde385.txt"
    article = run_text(name, (seeds_dir / name).read_text(encoding="utf-8"))
    furniture = "Le site Web Newsweek diffuse les nouvelles."
    assert reasons_of(article)[furniture] == "site_description"
    first = content_lines(article.text)[0]
    assert first.endswith("aux côtés de l’armée russe.")
    assert "Newsweek n’a pas été en mesure de confirmer" in article.text  # content, kept


def test_seed_002_headline_becomes_title_and_trailing_headlines_go(seeds_dir: Path) -> None:
    name = "002_675ba3ab04b08978.txt"
    article = run_text(name, (seeds_dir / name).read_text(encoding="utf-8"))
    assert article.title == EXPECTED[name]["title"]
    reasons = reasons_of(article)
    assert reasons[EXPECTED[name]["title"]] == "title"
    assert reasons["Previous Article"] == reasons["Next Article"] == "furniture"
    related = [r.text for r in article.removed if r.reason == "related_headline"]
    assert len(related) == 2
    assert related[0].startswith("Al-Nasr Faces Coaching Change")
    assert related[1].startswith("ARIS Coach Refutes Kokorin")
    assert article.byline is None
    assert article.text.endswith("contentious political campaigns and advocacy groups.")


@pytest.mark.parametrize("lang", ["en", "fr", "de", "es", "it", "pt", "ru", "uk"])
def test_each_language_furniture_byline_and_related_block_are_removed(lang: str) -> None:
    raw = (CLEAN / f"{lang}.txt").read_text(encoding="utf-8")
    expected = json.loads((CLEAN / f"{lang}.json").read_text(encoding="utf-8"))
    article = run_text(f"{lang}.txt", raw)
    assert article.title == expected["title"]
    assert article.byline == expected["byline"]
    reasons = reasons_of(article)
    for line in expected["furniture"]:
        assert reasons.get(line) == "furniture", line
    for line in expected["related_headline"]:
        assert reasons.get(line) == "related_headline", line
    kept = [line for line in content_lines(raw) if line not in reasons]
    assert content_lines(article.text) == kept
    assert len(kept) == 3  # the three body paragraphs, characters unchanged


def test_furniture_in_another_language_than_the_article_is_removed() -> None:
    text = (
        "Le gouvernement a présenté mercredi son projet de budget pour l'année prochaine.\n"
        "Read more: Markets react to the budget\n"
        "Weiterlesen\n"
        "Les députés commenceront l'examen du texte en commission la semaine prochaine."
    )
    article = run_text("mixed.txt", text)
    assert [r.reason for r in article.removed] == ["furniture", "furniture"]
    assert content_lines(article.text) == [content_lines(text)[0], content_lines(text)[3]]


def test_furniture_matching_ignores_case_punctuation_and_table_pipes() -> None:
    current = rules()
    assert is_furniture("SHARE ON FACEBOOK!", current)
    assert is_furniture("| \xa0\xa0Weitere\xa0Artikel\xa0zum\xa0Thema | ", current)
    assert is_furniture("Lire aussi : « La Russie recrute à l'étranger »", current)
    assert is_furniture("Tags: Ukraine, Russia", current)
    assert not is_furniture("Tagsüber bleibt es trocken, am Abend zieht Regen auf.", current)
    assert not is_furniture("- Stand- und Bruchsicherheit Kriterien zur Begutachtung", current)
    assert not is_furniture("Was ist denn jetzt Werbung?", current)


def test_a_furniture_word_inside_a_long_paragraph_keeps_the_paragraph() -> None:
    paragraph = (
        "The company said it would stop sending its weekly newsletter to customers who had "
        "not opened it in a year, a change that it expects to cut costs, and read more "
        "complaints as a sign that the advertising model no longer works for small publishers."
    )
    article = run_text(
        "long.txt", "Opening paragraph of the story, with a full sentence.\n" + paragraph
    )
    assert paragraph in article.text.split("\n")
    assert article.removed == []


def test_repeated_paragraph_keeps_its_first_copy_but_short_repeats_stay() -> None:
    quote = "“We will not accept any deal that leaves our members worse off,” the union said."
    text = f"{quote}\nTalks resume on Friday in Brussels.\nYes\n{quote}\nYes\nNo date was set."
    article = run_text("repeat.txt", text)
    assert [(r.text, r.reason) for r in article.removed] == [(quote, "duplicate")]
    assert article.text.split("\n").count("Yes") == 2
    assert article.text.startswith(quote)


def test_generic_author_bio_after_a_closing_byline_is_removed() -> None:
    text = (
        "The city council approved the new cycling plan on Tuesday after a four-hour debate.\n"
        "Construction of the first lanes should begin in the spring, officials said.\n"
        "By Tom Archer\n"
        "Avid reader. Coffee lover. Amateur explorer. Music fan."
    )
    article = run_text("bio.txt", text)
    assert article.byline == "Tom Archer"
    assert [r.reason for r in article.removed] == ["byline", "author_bio"]
    assert article.text.endswith("officials said.")


def test_byline_from_html_metadata_is_kept_and_the_line_still_removed() -> None:
    raw = RawDocument(
        source="meta.txt",
        text="Par Claire Dubois\nLe Sénat a adopté le texte en première lecture mardi soir.",
        byline="Claire Dubois (AFP)",
    )
    article = PIPELINE.run(raw)
    assert article.byline == "Claire Dubois (AFP)"
    assert reasons_of(article) == {"Par Claire Dubois": "byline"}


def test_sentence_starting_with_a_byline_word_is_not_a_byline() -> None:
    text = "Von Anfang an war klar, dass die Verhandlungen schwierig werden würden.\nEnde."
    article = run_text("von.txt", text)
    assert article.byline is None
    assert article.removed == []


def test_html_title_repeated_as_first_line_is_removed(dev_dir: Path) -> None:
    pages = dev_dir / "extraction_pages"
    gold = json.loads((pages / "expected.json").read_text(encoding="utf-8"))
    url, page = next((u, g) for u, g in gold.items() if g["file"] == "pcgamer.com.skyrim.html")
    html = (pages / "pages" / page["file"]).read_text(encoding="utf-8", errors="replace")
    article = PIPELINE.run(RawDocument(source=page["file"], html=html, url=url))
    assert article.title is not None
    titles = [r.text for r in article.removed if r.reason == "title"]
    assert [line_key(t) for t in titles] == [line_key(article.title)]
    assert not article.text.startswith(article.title)
    assert "PC Gamer Newsletter" in reasons_of(article)


def test_first_line_followed_by_text_is_not_taken_as_title() -> None:
    text = "Breaking news from the capital\nThe parliament voted on Tuesday to dissolve itself."
    article = run_text("no-blank.txt", text)
    assert article.title is None
    assert article.removed == []


@pytest.mark.parametrize(
    ("text", "kept", "removed"),
    [
        ("", "", []),
        ("\n\n\n", "", []),
        ("   ", "", []),
        ("«»", "«»", []),
        ("\t|\t|", "|\t|", []),
        ("Read more", "", [("Read more", "furniture")]),
        ("x" * 100_000, "x" * 100_000, []),
        ("a\n" * 5000, ("a\n" * 5000).strip(), []),  # short repeats are not furniture
    ],
)
def test_odd_input_keeps_its_text_and_takes_out_only_furniture(
    text: str, kept: str, removed: list[tuple[str, str]]
) -> None:
    article = clean.run(Article(id="", source="odd", text=text), Context())
    assert article.text == kept
    assert [(r.text, r.reason) for r in article.removed] == removed


def test_opening_byline_does_not_turn_the_first_paragraph_into_a_bio() -> None:
    first = "The award-winning writer and explorer died on Sunday in Oslo, aged 84."
    text = (
        f"By Tom Archer\n{first}\n"
        "Her books on the Arctic sold millions of copies in more than thirty languages.\n"
        "She is survived by two daughters, her publisher said in a statement on Monday."
    )
    article = run_text("obituary.txt", text)
    assert article.byline == "Tom Archer"
    assert reasons_of(article) == {"By Tom Archer": "byline"}
    assert article.text.startswith(first)


FAILURES = CLEAN / "failures"


@pytest.mark.parametrize("lang", ["en", "fr", "de", "es", "it", "pt", "ru", "uk"])
def test_page_failure_kinds_are_cleaned_in_each_language(lang: str) -> None:
    """Glued and repeated headline, metadata line, page URL and copyright line, per language."""
    case = json.loads((FAILURES / f"{lang}.json").read_text(encoding="utf-8"))
    raw = RawDocument(
        source=f"{lang}.txt", text="\n".join(case["text"]), title=case["title"], url=case["url"]
    )
    article = PIPELINE.run(raw)
    assert [[r.text, r.reason] for r in article.removed] == case["removed"]
    assert content_lines(article.text) == case["kept"]
    assert article.byline == case["byline"]
    assert article.title == case["title"]


def test_hover_cards_are_cut_and_the_name_stays_once() -> None:
    text = (
        "Rep. Ilhan OmarIlhan OmarHillicon Valley: Facebook, Google and Twitter execs grilled "
        "over extremism MORE (D-Minn.) said on Tuesday that she would vote against the bill.\n"
        "The vote is expected on Thursday, after a debate that could last several hours."
    )
    article = run_text("hill.txt", text)
    assert content_lines(article.text) == [
        "Rep. Ilhan Omar (D-Minn.) said on Tuesday that she would vote against the bill.",
        "The vote is expected on Thursday, after a debate that could last several hours.",
    ]
    assert [r.reason for r in article.removed] == ["hover_card"]
    assert article.removed[0].text.startswith("Ilhan OmarHillicon Valley")


def test_wire_credit_is_removed_as_credit_and_cited_by_the_media_stage() -> None:
    from newstrace.pipeline import default_pipeline

    text = (
        "Firefighters contained a wildfire that had forced thousands of residents to flee "
        "their homes in northern California, officials said on Sunday.\n"
        "The fire burned more than 4,000 acres before crews stopped its spread.\n"
        "© 2019 Associated Press. All rights reserved."
    )
    article = default_pipeline().run(RawDocument(source="wire.txt", text=text))
    assert reasons_of(article)["© 2019 Associated Press. All rights reserved."] == "credit"
    assert "Associated Press" not in article.text
    assert article.media == ["AP"]  # the gazetteer's name of the Associated Press
    plain = run_text("plain.txt", "Copyright 2014\nThe council met on Monday to vote on it.")
    assert reasons_of(plain) == {"Copyright 2014": "copyright"}


def test_lines_that_repeat_as_content_are_kept() -> None:
    question = "What would you change first if you were elected mayor of the city?"
    item = "2 tablespoons extra-virgin olive oil, plus more for drizzling"
    label = "Salt and freshly ground black pepper to taste"
    text = "\n".join(
        [
            "We asked three candidates the same questions before Sunday's vote.",
            question,
            "Anna Berg: Housing, because rents have doubled in ten years.",
            question,
            "Tom Hale: Buses, which are late one time in three.",
            item,
            label,
            "Heat the oven and roast the vegetables for 40 minutes.",
            item,
            label,
            "Fry the fish in a hot pan for three minutes on each side.",
        ]
    )
    article = run_text("recipes.txt", text)
    assert article.removed == []
    assert content_lines(article.text) == content_lines(text)


def test_a_share_line_repeated_is_still_removed() -> None:
    text = (
        "Share this article\nThe minister resigned on Friday after weeks of pressure.\n"
        "Share this article"
    )
    article = run_text("share.txt", text)
    assert [r.reason for r in article.removed] == ["furniture", "furniture"]


# Page notices found in the dev corpus's scraped article texts (pairs_semeval.jsonl), each
# glued to the story's paragraphs: cookies and consent, sign-ins, ad blockers.
NOTICES = [
    (
        "Einigung über erste schwarz-grüne Regierung in Österreich. Wir verwenden auf unserer "
        "Webseite Cookies und pseudonyme Analysetechniken, um unseren Internetauftritt möglichst "
        "benutzerfreundlich zu gestalten. Die Grünen stimmen am Samstag ab.",
        "Wir verwenden auf unserer Webseite Cookies und pseudonyme Analysetechniken, um unseren "
        "Internetauftritt möglichst benutzerfreundlich zu gestalten.",
    ),
    (
        "The council met on Monday to decide the future of the old bridge over the river. We "
        "use cookies to ensure that we give you the best experience on our website. The vote "
        "is due in March, after a public consultation that drew more than 3,000 replies.",
        "We use cookies to ensure that we give you the best experience on our website.",
    ),
    (
        "Le coronavirus touche les chaînes logistiques du monde entier depuis trois mois. "
        "Inscrivez-vous à notre newsletter pour recevoir votre résumé chaque matin. Les ports "
        "restent ouverts, mais les délais de livraison ont doublé depuis le mois de mars.",
        "Inscrivez-vous à notre newsletter pour recevoir votre résumé chaque matin.",
    ),
    (
        "To continue viewing content on tucson.com, please sign in with your existing account "
        "or subscribe. The city council voted on Tuesday.",
        "To continue viewing content on tucson.com, please sign in with your existing account "
        "or subscribe.",
    ),
    (
        "Keep supporting great journalism by turning off your ad blocker. The mayor resigned.",
        "Keep supporting great journalism by turning off your ad blocker.",
    ),
]


@pytest.mark.parametrize(("paragraph", "notice"), NOTICES)
def test_a_page_notice_between_sentences_is_cut(paragraph: str, notice: str) -> None:
    article = run_text("notice.txt", f"{paragraph}\nThe second paragraph tells the rest of it.")
    assert reasons_of(article) == {notice: "notice"}
    assert notice not in article.text
    assert " ".join(paragraph.replace(notice, " ").split()) in article.text


@pytest.mark.parametrize(
    "sentence",
    [
        # news about cookies, subscriptions and privacy, or a quotation, is the story
        "Netflix added 8 million subscribers in the quarter, the company said on Tuesday.",
        "Die US-Regierung will Cookies verbieten, sagte uns ein Sprecher am Montag.",
        '"We will ask you to accept cookies on every page," the company’s lawyer told the court.',
        "Forty million Californians will soon obtain sweeping digital privacy rights.",
        # how-to articles (dev extraction pages)
        "With your hands, roll 1 tbsp of the mixture into a ball, then place it onto a baking "
        "sheet (cookie sheet) or plate.",
        "Check on sleeping accounts: did you sign up on a social media platform but then just "
        "use it for a week?",
        # a story sentence glued to a sign-up widget (no full stop between them): a cut
        # would take the story with it
        "Some highlights from the 2020 fuel price outlook include a yearly gasoline bill of "
        "$373 billion, an increase of over $1 billion from last year as the average "
        "household sees more driving, while motorists can sign up for a free program that "
        "links to your checking account and offers instant savings of up to 25 cents per "
        "gallon at thousands of stations.",
    ],
)
def test_sentences_about_cookies_or_subscriptions_that_tell_the_story_are_kept(
    sentence: str,
) -> None:
    article = run_text("story.txt", f"The council met on Monday.\n{sentence}")
    assert article.removed == []


@pytest.mark.parametrize(
    ("paragraph", "kept", "label"),
    [
        (
            "Affenhaus im Krefelder Zoo abgebrannt. Anzeige Anzeige Krefeld. Im Krefelder Zoo "
            "ist in der Silvesternacht das Affenhaus abgebrannt.",
            "Affenhaus im Krefelder Zoo abgebrannt. Krefeld. Im Krefelder Zoo ist in der "
            "Silvesternacht das Affenhaus abgebrannt.",
            "Anzeige Anzeige",
        ),
        (
            "Pentagonchef Mark Esper spricht von einer Vorsichtsmaßnahme. Anzeige An der "
            "US-Botschaft zeichnet sich eine Entspannung ab.",
            "Pentagonchef Mark Esper spricht von einer Vorsichtsmaßnahme. An der US-Botschaft "
            "zeichnet sich eine Entspannung ab.",
            "Anzeige",
        ),
        (
            "I londinesi hanno sfidato il freddo. Pubblicità I turisti sono arrivati in massa.",
            "I londinesi hanno sfidato il freddo. I turisti sono arrivati in massa.",
            "Pubblicità",
        ),
    ],
)
def test_an_advertisement_label_between_sentences_is_cut(
    paragraph: str, kept: str, label: str
) -> None:
    article = run_text("ad.txt", f"{paragraph}\nThe second paragraph tells the rest of it.")
    assert reasons_of(article) == {label: "ad_label"}
    assert content_lines(article.text)[0] == kept


def test_the_word_of_a_label_in_a_sentence_is_kept() -> None:
    # "Anzeige erstatten" is filing a complaint: the noun before a lower-case word stays
    text = "Die Frau erstattete Anzeige. Anzeige erstattet wurde erst am Montag."
    article = run_text("complaint.txt", f"The council met on Monday.\n{text}")
    assert article.removed == []


@pytest.mark.parametrize(
    ("file", "line", "reason"),
    [
        ("breakingbelizenews.com-paho.html", "© 2022, BreakingBelizeNews.com.", "copyright"),
        ("bahamaslocal.com-atlantis.html", "News date : 04/21/2022 Category :", "metadata"),
    ],
)
def test_dev_page_notices_are_removed_with_their_reason(
    dev_dir: Path, file: str, line: str, reason: str
) -> None:
    html = (dev_dir / "extraction_pages" / "pages" / file).read_text(
        encoding="utf-8", errors="replace"
    )
    article = PIPELINE.run(RawDocument(source=file, html=html))
    assert any(r.text.startswith(line) and r.reason == reason for r in article.removed)
    assert line not in article.text


def test_title_loses_the_site_suffix_and_outlet_is_the_site_name() -> None:
    html = (CLEAN / "pages" / "suffix.html").read_text(encoding="utf-8")
    article = PIPELINE.run(
        RawDocument(source="suffix.html", html=html, url="https://worldnewsdaily.example/a/1")
    )
    assert article.title == "Julian Assange: Sweden drops rape investigation"
    assert article.outlet == "World News Daily"
    assert article.text.startswith("Prosecutors in Sweden")


def test_a_title_that_is_the_site_name_gives_way_to_the_h1() -> None:
    html = (CLEAN / "pages" / "site-title.html").read_text(encoding="utf-8")
    url = "https://www.yna.example.kr/view/AKR2026"
    article = PIPELINE.run(RawDocument(source="site-title.html", html=html, url=url))
    assert article.title == "서울 지하철 새 노선 개통"
    assert article.outlet == "연합뉴스"


def test_a_junk_site_name_gives_way_to_the_url_host() -> None:
    html = (CLEAN / "pages" / "suffix.html").read_text(encoding="utf-8")
    url = "https://www.wday.example.com/news/1"
    for junk in ("Copyright 2014", "Wday_", "© 2019 WDAY"):
        page = html.replace('content="World News Daily"', f'content="{junk}"')
        article = PIPELINE.run(RawDocument(source="junk.html", html=page, url=url))
        assert article.outlet == "wday.example.com", junk


@pytest.mark.parametrize(
    "line",
    [
        "May 20, 2019 | By Jane Doe | Category: Politics",
        "20 de mayo de 2019 - Por Lucía Gómez",
        "12 mars 2020 · Par Marie Lefèvre",
        "12.03.2020 | Von Anna Schmidt",
    ],
)
def test_dated_byline_lines_are_metadata(line: str) -> None:
    text = f"{line}\nThe parliament voted on Tuesday to dissolve itself after a long debate."
    article = run_text("meta.txt", text)
    assert reasons_of(article) == {line: "metadata"}
    assert article.byline is not None and article.byline in line


@pytest.mark.parametrize(
    "line",
    [
        "May 20, 2019",  # a timeline's heading, alone on its line
        "Paris, May 20, 2019 - The president said the reform would go ahead.",
        "Tags and labels: how shops price their goods",
    ],
)
def test_content_lines_with_dates_or_label_words_are_kept(line: str) -> None:
    text = f"The parliament voted on Tuesday to dissolve itself after a long debate.\n{line}"
    article = run_text("keep.txt", text)
    assert article.removed == []


DW_HEADLINE = "La perte des terres fertiles et les éléphants en Guinée-Conakry"


def dev_page(dev_dir: Path, file: str) -> str:
    return (dev_dir / "extraction_pages" / "pages" / file).read_text(
        encoding="utf-8", errors="replace"
    )


def test_dw_title_loses_section_site_and_date_and_every_copy_leaves_the_body(
    dev_dir: Path,
) -> None:
    """dw.com: `<title>` "… | DW | 23.05.2011 | DW.COM", and the body opening with the
    headline twice ("… | Environnement | DW | 23.05.2011", then the headline alone)."""
    file = "dw.com-elephants.html"
    url = "https://www.dw.com/fr/la-perte-des-terres-fertiles/a-6533123"
    article = PIPELINE.run(RawDocument(source=file, html=dev_page(dev_dir, file), url=url))
    assert article.title == DW_HEADLINE
    titles = [r.text for r in article.removed if r.reason == "title"]
    assert titles == [f"{DW_HEADLINE} | Environnement | DW | 23.05.2011", DW_HEADLINE]
    assert DW_HEADLINE not in article.text
    assert article.text.startswith("24 milliards de tonnes de terres fertiles")


@pytest.mark.parametrize(
    ("title", "outlet", "host", "expected"),
    [
        # dev pages: a run of section, site and date segments after the headline goes
        (f"{DW_HEADLINE} | DW | 23.05.2011 | DW.COM", "DW.COM", "dw.com", DW_HEADLINE),
        (
            "DGB: Brückensperrung belegt die Versäumnisse der letzten Jahre - TACH! - "
            "Lokalnachrichten",
            "TACH! - Lokalnachrichten",
            "guten-tach.de",
            "DGB: Brückensperrung belegt die Versäumnisse der letzten Jahre",
        ),
        (
            "Musik und Sport: So steigern Songs deine Leistung | Teufel Blog",
            "Das Lautsprecher Teufel Blog",
            "blog.teufel.de",
            "Musik und Sport: So steigern Songs deine Leistung",
        ),
        (
            "08.11.2021 | Online-Fachtag zum Intersex Day of Remembrance",
            "Regenbogenportal",
            "regenbogenportal.de",
            "Online-Fachtag zum Intersex Day of Remembrance",
        ),
        ("Über André Loibl |", "Andreloibl", "changenow.de", "Über André Loibl"),
        (
            "Winda w chmurach / Obyczaje / dwutygodnik.com",
            "Dwutygodnik",
            "dwutygodnik.com",
            "Winda w chmurach",
        ),
        (
            "Die Ablehnung der Gendersprache » SciLogs - Wissenschaftsblogs",
            "Die Engelbart-Galaxis",
            "scilogs.spektrum.de",
            "Die Ablehnung der Gendersprache",
        ),
        (
            "Dago Leukefeld wird „Botschafter des Sports“ der ifzw impulsstiftung ⋆ Leukefeld "
            "Handball",
            "Leukefeld Handball",
            "leukefeld-handball.de",
            "Dago Leukefeld wird „Botschafter des Sports“ der ifzw impulsstiftung",
        ),
        # titles whose bars and dashes are the headline's own stay whole
        (
            "Letters: Coddling criminals | Undermining road | Tax dollars | Recount cost",
            "The Mercury News",
            "mercurynews.com",
            "Letters: Coddling criminals | Undermining road | Tax dollars | Recount cost",
        ),
        (
            "Outdoornews - Hochauflösende Schneekarten auf Gipfelbuch.ch",
            "gipfelbuch.ch",
            "gipfelbuch.ch",
            "Outdoornews - Hochauflösende Schneekarten auf Gipfelbuch.ch",
        ),
        (
            "15 Jahre rete-mirabile.net — rete-mirabile.net",
            "rete-mirabile.net",
            "rete-mirabile.net",
            "15 Jahre rete-mirabile.net",
        ),
        (
            "Luftfahrtbranche hebt nach Corona ab - und FACC profitiert",
            "WEKA Industrie Medien GmbH",
            "industriemagazin.at",
            "Luftfahrtbranche hebt nach Corona ab - und FACC profitiert",
        ),
    ],
)
def test_title_suffix_run_is_stripped_and_the_headline_kept(
    title: str, outlet: str, host: str, expected: str
) -> None:
    assert strip_site_suffix(title, outlet, host) == expected


# A paragraph per language with a teaser glued in, the form each language's sites use.
INLINE_TEASERS = [
    (
        "The minister resigned on Friday after weeks of pressure. READ MORE: Boris Johnson "
        "faces Tory revolt over lockdown rules The Prime Minister said he regretted it.",
        "READ MORE: Boris Johnson faces Tory revolt over lockdown rules",
    ),
    (
        "Le Sénat a voté le texte mardi. Lire aussi : Retraites, ce que change la réforme "
        "pour les fonctionnaires. Le gouvernement salue un compromis.",
        "Lire aussi : Retraites, ce que change la réforme pour les fonctionnaires.",
    ),
    (
        "Die Regierung hat am Montag reagiert. Lesen Sie auch: Was die neue Regel für Mieter "
        "bedeutet Der Minister sagte, man werde die Folgen prüfen.",
        "Lesen Sie auch: Was die neue Regel für Mieter bedeutet",
    ),
    (
        "El Congreso aprobó la ley el jueves. LEA TAMBIÉN: Qué cambia con la nueva reforma "
        "laboral. La oposición anunció un recurso.",
        "LEA TAMBIÉN: Qué cambia con la nueva reforma laboral.",
    ),
    (
        "Il governo ha approvato il decreto in serata. (Leggi anche: Covid, le nuove regole "
        "per le scuole) Il testo passa ora alla Camera.",
        "(Leggi anche: Covid, le nuove regole per le scuole)",
    ),
    (
        "O ministro falou à imprensa na segunda-feira. LEIA TAMBÉM Governo anuncia novo "
        "pacote de medidas",
        "LEIA TAMBÉM Governo anuncia novo pacote de medidas",
    ),
    (
        "Акция прошла в центре города. Читайте также: В Москве прошел митинг. Власти "
        "заявили, что акция была согласована.",
        "Читайте также: В Москве прошел митинг.",
    ),
    (
        "Засідання відбулося у вівторок. Читайте також — Уряд ухвалив нові правила. "
        "Депутати обіцяють повернутися до питання восени.",
        "Читайте також — Уряд ухвалив нові правила.",
    ),
]


@pytest.mark.parametrize(("paragraph", "teaser"), INLINE_TEASERS)
def test_inline_teasers_are_cut_and_the_sentences_around_them_stay(
    paragraph: str, teaser: str
) -> None:
    text = f"{paragraph}\nA second paragraph follows with more of the story, as articles do."
    article = run_text("teaser.txt", text)
    assert reasons_of(article) == {teaser: "teaser"}
    before, after = paragraph.split(teaser)
    assert content_lines(article.text)[0] == " ".join(f"{before} {after}".split())


@pytest.mark.parametrize(
    "paragraph",
    [
        "Related questions were raised by the committee on Monday about the costs.",
        "Readers who want to read more: the full report is on the council's website.",
        "Pour comprendre, il faut lire aussi les témoignages recueillis dans la région. "
        "Voir aussi comment les chiffres officiels ont changé exige de la patience.",
    ],
)
def test_teaser_words_in_prose_are_kept(paragraph: str) -> None:
    article = run_text("prose.txt", f"The council met on Monday.\n{paragraph}")
    assert article.removed == []


@pytest.mark.parametrize(
    ("paragraph", "description"),
    [
        (
            "Le président a démissionné lundi. Le site Web Newsweek diffuse les nouvelles.",
            "Le site Web Newsweek diffuse les nouvelles.",
        ),
        (
            "The minister resigned on Monday. The Daily Post website brings you the latest "
            "news. He had been in office for two years.",
            "The Daily Post website brings you the latest news.",
        ),
        (
            "Der Minister trat am Montag zurück. Das Nachrichtenportal Weser Kurier "
            "veröffentlicht die aktuellen Nachrichten.",
            "Das Nachrichtenportal Weser Kurier veröffentlicht die aktuellen Nachrichten.",
        ),
        (
            "El ministro dimitió el lunes. El portal Noticias Hoy publica las últimas noticias.",
            "El portal Noticias Hoy publica las últimas noticias.",
        ),
        (
            "Министр ушел в отставку. Сайт Новая газета публикует все последние новости.",
            "Сайт Новая газета публикует все последние новости.",
        ),
    ],
)
def test_a_site_describing_itself_is_cut(paragraph: str, description: str) -> None:
    article = run_text("site.txt", f"{paragraph}\nThe second paragraph tells the rest of it.")
    assert reasons_of(article) == {description: "site_description"}
    assert description not in article.text


@pytest.mark.parametrize(
    "sentence",
    [
        "Newsweek n’a pas été en mesure de confirmer ces informations.",
        "The website published the news on Monday, hours before the vote.",
        "Le site Web du ministère diffuse depuis mardi les nouvelles règles.",
        "Reuters reported the news first, citing three officials.",
    ],
)
def test_sentences_about_a_site_that_tell_the_story_are_kept(sentence: str) -> None:
    article = run_text("story.txt", f"The council met on Monday.\n{sentence}")
    assert article.removed == []


@pytest.mark.parametrize(
    ("file", "line", "reason"),
    [
        # Cyrillic look-alike letters in a Latin ad ("Аdvеrtіѕе wіth thе most visited…")
        ("breakingbelizenews.com-paho.html", "Аdvеrtіѕе wіth thе most visited news", "obfuscated"),
        # the site's navigation path, which led the page's summary
        ("sauvonsluniversite.com.spip.html", "Accueil > Actualités et humeurs >", "breadcrumb"),
    ],
)
def test_dev_page_site_furniture_is_removed_with_its_reason(
    dev_dir: Path, file: str, line: str, reason: str
) -> None:
    article = PIPELINE.run(RawDocument(source=file, html=dev_page(dev_dir, file)))
    assert [r.reason for r in article.removed if r.text.startswith(line)] == [reason]
    assert line not in article.text


@pytest.mark.parametrize(
    "line",
    [
        "Президент Joe Biden встретился с iPhone-фанатами в Москве и Kyiv.",
        "- Sie wählen Design > Widgets aus.",
        "Album › Genre: Pop",
        "Wie intensiv die Transferzeit ist, zeigt ein Blick (Das passiert noch beim SK Rapid >>>).",
    ],
)
def test_mixed_scripts_and_arrows_in_content_lines_are_kept(line: str) -> None:
    article = run_text("content.txt", f"The council met on Monday.\n{line}")
    assert article.removed == []


@pytest.mark.parametrize(
    ("file", "url", "title", "copy"),
    [
        # the title as one segment of the body's first line, between a tag and the site
        (
            "german.stackexchange.com.ausgeraubt.html",
            "https://german.stackexchange.com/questions/10376/",
            'When to use "wurde" versus "war" (eg "Ich wurde ausgeraubt" vs "Ich war ausgeraubt")',
            'verb choice - When to use "wurde" versus "war" (eg "Ich wurde ausgeraubt" vs '
            '"Ich war ausgeraubt") - German Language Stack Exchange',
        ),
        # the body's headline, which the page's title lengthens with the site's name
        (
            "„Sieci”_ IPN, czyli element infrastruktury krytycznej Tygodnik Sieci.html",
            "https://www.wsieciprawdy.pl/sieci-ipn-pnews-4715.html",
            "„Sieci”: IPN, czyli element infrastruktury krytycznej",
            "„Sieci”: IPN, czyli element infrastruktury krytycznej",
        ),
    ],
)
def test_dev_page_title_lines_leave_the_body(
    dev_dir: Path, file: str, url: str, title: str, copy: str
) -> None:
    article = PIPELINE.run(RawDocument(source=file, html=dev_page(dev_dir, file), url=url))
    assert article.title == title
    assert [r.text for r in article.removed if r.reason == "title"] == [copy]
    assert not article.text.startswith(copy)


def test_dw_headline_neither_leads_the_summary_nor_becomes_a_claim(dev_dir: Path) -> None:
    from newstrace.pipeline import default_pipeline

    file = "dw.com-elephants.html"
    url = "https://www.dw.com/fr/la-perte-des-terres-fertiles/a-6533123"
    article = default_pipeline().run(
        RawDocument(source=file, html=dev_page(dev_dir, file), url=url)
    )
    assert article.summary is not None
    assert article.summary.text.startswith("24 milliards de tonnes")
    assert all(DW_HEADLINE not in claim.text for claim in article.claims)
    assert "Institut" not in [e.text for e in article.entities]


def test_a_teaser_marker_ending_a_paragraph_takes_the_headline_below() -> None:
    """The related headline on its own line under a marker glued to the paragraph above."""
    text = (
        "Il governo ha approvato il decreto in serata, ha detto il ministro. Leggi anche:\n"
        "Covid, le nuove regole per le scuole\n"
        "Il testo passa ora alla Camera, dove il voto è atteso per la prossima settimana."
    )
    article = run_text("leggi.txt", text)
    assert reasons_of(article) == {
        "Leggi anche:": "teaser",
        "Covid, le nuove regole per le scuole": "related_headline",
    }
    assert content_lines(article.text) == [
        "Il governo ha approvato il decreto in serata, ha detto il ministro.",
        "Il testo passa ora alla Camera, dove il voto è atteso per la prossima settimana.",
    ]
