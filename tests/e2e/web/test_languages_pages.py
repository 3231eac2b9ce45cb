"""Every page of the web answers in Swedish and Russian, with no English left.

A page in ``sv`` or ``ru`` must say a known phrase of that language and none of
the catalogue's English sentences (any source message whose translation
differs); the forms, the refusals, the pictures and the minutes file speak the
reader's language too, while the JSON, the CSV minutes, rule ids, field names
and ids stay the same in every language.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from sovet import i18n
from sovet.server import create_app
from sovet.services.bootstrap import Services, bootstrap
from tests.e2e.web.test_flows import SITE, login
from tests.e2e.web.world import build_world, copy_world

LANGS = ("sv", "ru")
_PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}|<")


@cache
def _english(lang: str) -> tuple[str, ...]:
    """The catalogue's English sentences a page in ``lang`` must not show."""
    path = i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    found = []
    for message in catalog:
        source = message.id if isinstance(message.id, str) else message.id[0]
        text = message.string if isinstance(message.string, str) else ""
        if (
            len(source) >= 12
            and " " in source
            and not _PLACEHOLDER.search(source)
            and text
            and text != source
        ):
            found.append(source)
    assert len(found) > 300, "the catalogue lost its sentences"
    return tuple(found)


def _text(page: str, *, english: bool = True) -> str:
    """What a reader sees: the page without tags, entities decoded, one space;
    without the parts marked ``lang="en"`` (the log's own summaries of its
    events, which the page declares English) unless ``english``."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    if not english:
        body = re.sub(r'<(span|a)\b[^>]*\blang="en"[^>]*>.*?</\1>', " ", body)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def assert_speaks(page: str, lang: str, *phrases: str) -> None:
    """``page`` is in ``lang``: its ``<html lang>``, ``phrases``, no English."""
    assert f'<html lang="{lang}">' in page
    text = _text(page)
    for phrase in phrases:
        assert phrase in text, (lang, phrase)
    said = _text(page, english=False)
    left = [english for english in _english(lang) if english in said]
    assert not left, (lang, left)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("lang-world") / "world.db"
    build_world(str(db))
    return db


@pytest.fixture
def services(world: Path, tmp_path: Path) -> Iterator[Services]:
    with bootstrap(copy_world(world, tmp_path)) as found:
        yield found


def _client(services: Services, lang: str) -> TestClient:
    return TestClient(
        create_app(services), headers={"Origin": SITE, "Accept-Language": lang}
    )


PAGES = {
    "sv": {
        "/federation": ("Förbundet", "Organen och deras sammansättning"),
        "/congress": ("Kongressessioner och verkställande kommittéer",),
        "/elections": ("Valdag", "utlyst"),
        "/elections/e1": ("Val e1", "Kandidater"),
        "/petitions": ("Namninsamlingar för återkallelse", "Underskrifter"),
        "/petitions/p1": ("Att återkalla", "Underskrifter"),
        "/log": ("Loggen", "Varje posts hash länkar den till den föregående."),
        "/audit": ("Granska loggen", "Senaste signerade kontrollpunkt"),
        "/bodies/petrograd": ("Valkretsar", "Vad du får göra här"),
        "/me": ("Min valkrets", "Mina kvitton"),
        "/whatif": ("Tänk om", "Visa vad som skulle ändras"),
    },
    "ru": {
        "/federation": ("Федерация", "Органы и их состав"),
        "/congress": ("Сессии съездов и исполнительные комитеты",),
        "/elections": ("День голосования", "назначены"),
        "/elections/e1": ("Выборы e1", "Кандидаты"),
        "/petitions": ("Петиции об отзыве", "Подписи"),
        "/petitions/p1": ("Отозвать", "Подписи"),
        "/log": ("Журнал", "Хеш каждой записи связывает её с предыдущей."),
        "/audit": ("Проверка журнала", "Последняя подписанная контрольная точка"),
        "/bodies/petrograd": ("Избирательные округа", "Что вы можете сделать здесь"),
        "/me": ("Мой округ", "Мои квитанции"),
        "/whatif": ("Что если", "Показать, что изменится"),
    },
}


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_speaks_the_readers_language(services: Services, lang: str) -> None:
    client = _client(services, lang)
    login(client, "sec")
    for path, phrases in PAGES[lang].items():
        page = client.get(path)
        assert page.status_code == 200, (path, page.text)
        assert_speaks(page.text, lang, *phrases)


@pytest.mark.parametrize(
    ("lang", "phrases"),
    [
        ("sv", ("Din röst är lagd", "Spara detta kvitto", "Resultat", "Räkneblad")),
        ("ru", ("Ваш бюллетень подан", "Сохраните эту квитанцию", "Результат")),
    ],
)
def test_a_ballot_its_receipt_and_the_count_in_the_readers_language(
    services: Services, lang: str, phrases: tuple[str, ...]
) -> None:
    client = _client(services, lang)
    csrf = login(client, "sec")
    opened = client.post("/elections/e1/open", data={"csrf_token": csrf})
    assert opened.status_code in (200, 303), opened.text
    client.post("/logout", data={"csrf_token": csrf})
    csrf = login(client, "v1")
    ballot = client.get("/elections/e1")
    assert_speaks(ballot.text, lang)
    refused = client.post(
        "/elections/e1/ballot", data={"csrf_token": csrf, "rank-a": "2"}
    )
    assert refused.status_code == 422
    gaps = {"sv": "utan luckor", "ru": "без пропусков"}[lang]
    assert gaps in _text(refused.text)
    assert_speaks(refused.text, lang)
    cast = client.post(
        "/elections/e1/ballot",
        data={"csrf_token": csrf, "rank-b": "1", "rank-a": "2"},
    )
    assert cast.status_code == 200, cast.text
    assert phrases[0] in _text(cast.text)
    assert phrases[1] in _text(cast.text)
    assert_speaks(cast.text, lang)
    client.post("/logout", data={"csrf_token": csrf})
    csrf = login(client, "sec")
    client.post("/elections/e1/close", data={"csrf_token": csrf, "signed": ["k1"]})
    closed = client.post(
        "/elections/e1/close", data={"csrf_token": csrf, "signed": ["k1", "rep"]}
    )
    assert closed.status_code in (200, 303), closed.text
    sheet = client.get("/elections/e1").text
    assert_speaks(sheet, lang, *phrases[2:])


def test_a_web_refusal_is_translated_but_keeps_its_rule_id(
    services: Services,
) -> None:
    client = _client(services, "ru")
    csrf = login(client, "v1")
    refused = client.post(
        "/elections/e2/ballot", data={"csrf_token": csrf, "marks": ["b"]}
    )
    assert refused.status_code in (409, 422)
    too_many = client.post(
        "/receipts", data={"csrf_token": csrf, "receipt": "not-a-receipt"}
    )
    assert too_many.status_code == 422
    assert "Квитанция — это 64 шестнадцатеричных знака" in _text(too_many.text)
    ranked = client.post(
        "/elections/e1/ballot", data={"csrf_token": csrf, "rank-a": "1", "rank-b": "1"}
    )
    text = _text(ranked.text)
    assert "указан дважды" in text, text
    assert "is given twice" not in text


@pytest.mark.parametrize("lang", LANGS)
def test_the_generated_forms_speak_the_readers_language(
    services: Services, lang: str
) -> None:
    client = _client(services, lang)
    login(client, "sec")
    page = client.get("/bodies/petrograd").text
    expected = {
        "sv": ("Utlysa val", "Valdag", "(obligatoriskt)"),
        "ru": ("Назначить выборы", "День голосования", "(обязательно)"),
    }[lang]
    assert_speaks(page, lang, *expected)
    # the form's field names, ids and command names stay as they are
    assert 'name="polling_day"' in page
    assert 'action="/bodies/petrograd/commands/call_election"' in page


def test_json_and_ids_do_not_change_with_the_language(services: Services) -> None:
    answers = {}
    for lang in ("en", "sv", "ru"):
        client = _client(services, lang)
        client.cookies.set("lang", lang)
        answers[lang] = [
            client.get(path).content
            for path in (
                "/api/elections/e1",
                "/api/petitions/p1",
                "/api/legitimacy?at=1917-11-20",
            )
        ]
        # a refusal: the rule, the field and the English message stay; a
        # translation may only be added beside them
        refused = client.get("/api/elections/nope").json()["error"]
        answers[lang].append(
            json.dumps({k: refused[k] for k in ("rule", "field", "message")}).encode()
        )
    assert answers["sv"] == answers["en"]
    assert answers["ru"] == answers["en"]


@pytest.fixture(scope="module")
def demo(demo_dir: Path) -> Iterator[TestClient]:
    with bootstrap(str(demo_dir / "demo.db")) as services:
        yield TestClient(create_app(services))


@pytest.mark.parametrize(
    ("lang", "phrases"),
    [
        ("sv", ("Beslutande delegater per fraktion", "Alla sessioner")),
        ("ru", ("Делегаты с решающим голосом по фракциям", "Все сессии")),
    ],
)
def test_a_congress_and_its_picture_in_the_readers_language(
    demo: TestClient, lang: str, phrases: tuple[str, ...]
) -> None:
    page = demo.get("/congress/congress-2", headers={"Accept-Language": lang})
    assert page.status_code == 200
    assert_speaks(page.text, lang, *phrases)
    desc = re.search(r'<desc id="hemicycle-desc">([^<]*)</desc>', page.text)
    assert desc, page.text
    said = {"sv": "beslutande delegater", "ru": "делегатов с решающим голосом"}
    assert said[lang] in desc.group(1)
    # the dates' months too, old style and new: 25 Oct (7 Nov) 1917
    opened = {"sv": "25 okt. (7 nov.) 1917", "ru": "25 окт. (7 нояб.) 1917"}
    assert opened[lang] in _text(page.text)


@pytest.mark.parametrize(
    ("lang", "phrases"),
    [
        ("sv", ("Protokoll:", "Närvaro och fullmakter", "Förslag och beslut")),
        ("ru", ("Протокол:", "Присутствие и мандаты", "Предложения и решения")),
    ],
)
def test_the_minutes_file_in_the_readers_language_and_the_csv_unchanged(
    demo: TestClient, lang: str, phrases: tuple[str, ...]
) -> None:
    page = demo.get("/minutes/congress-2.html", headers={"Accept-Language": lang})
    assert page.status_code == 200
    assert_speaks(page.text, lang, *phrases)
    english = demo.get("/minutes/congress-2.csv").content
    translated = demo.get("/minutes/congress-2.csv", headers={"Accept-Language": lang})
    assert translated.content == english
    assert english.startswith(b"seq,")
