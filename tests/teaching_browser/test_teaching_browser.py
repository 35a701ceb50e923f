"""Teaching mode in real headless Chromium against a real Solara server.

* a student plays a whole game against the computer, blind, and reads the debrief;
* two students in two browser contexts share one room; neither sees the other's move
  before both have moved;
* a student stalls past the move time limit and the computer takes the seat over;
* the instructor view needs the token (and a student's session stays locked out);
* the class CSV downloaded from the instructor view matches the games played.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import sqlite3

from playwright.sync_api import expect

from negotiation_sim.teaching.moves import library_strategies
from negotiation_sim.teaching.store import DB_FILE, GameStore

ACTIVE = re.compile(r"v-btn--active")
PHONE = (390, 844)


# ---------------------------------------------------------------------- helpers
def start_page(w, server, name: str):
    page = w.page
    page.goto(server.url + "/")
    expect(page.locator(".teach-start-computer")).to_be_visible(timeout=30_000)
    page.locator(".teach-name input").fill(name)
    return page


def move(page, action: str, r: int, instrument: str | None = None) -> None:
    """Choose an action (and instrument) in round ``r`` and submit it."""
    card = page.locator(".teach-move-card")
    expect(card).to_contain_text(f"Your move for round {r}")
    button = page.locator(f".teach-action-{action}")
    for _ in range(3):  # a click landing while the round's panel is replaced is lost
        button.click()
        try:
            expect(button).to_have_class(ACTIVE, timeout=3000)  # the server has the choice
            if action != "hold":
                expect(page.locator(".teach-inst-auto")).to_be_visible(timeout=3000)
            break
        except AssertionError:
            continue
    if instrument:
        page.locator(f".teach-inst-{instrument}").click()
        expect(page.locator(f".teach-inst-{instrument}")).to_have_class(ACTIVE)
    page.locator(".teach-submit").click()


def round_shown(page, r: int) -> None:
    expect(page.locator(".teach-room-header")).to_contain_text(f"Round {r} of", timeout=20_000)


def room_code(page) -> str:
    match = re.search(r"Room ([A-Z0-9]{5})", page.locator(".teach-room-header").inner_text())
    assert match, page.locator(".teach-room-header").inner_text()
    return match.group(1)


def saved_games(server) -> list[dict]:
    """The finished games in the server's database, read as another process would."""
    path = server.data_dir / DB_FILE
    if not path.exists():
        return []
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return [json.loads(r) for (r,) in db.execute("SELECT record FROM games ORDER BY rowid")]


def wait_debrief(page) -> str:
    expect(page.locator(".teach-rank")).to_be_visible(timeout=60_000)
    return page.locator(".teach-debrief").inner_text()


def fits(page) -> None:
    """Nothing sticks out sideways: the page is no wider than the screen."""
    wide, screen = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert wide <= screen, f"the page is {wide}px wide on a {screen}px screen"


def on_screen(locator, width: int = PHONE[0]) -> None:
    """The element is wholly inside the screen's width (not cut off)."""
    box = locator.bounding_box()
    assert box is not None, locator
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (locator, box)


def lines(locator) -> int:
    """How many lines the element's text takes."""
    return locator.evaluate(
        "e => { const r = document.createRange(); r.selectNodeContents(e);"
        " return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; }"
    )


def text_box(locator) -> dict:
    """The box of the element's text itself (not of its element, which may be wider)."""
    return locator.evaluate(
        "e => { const r = document.createRange(); r.selectNodeContents(e);"
        " const b = r.getBoundingClientRect();"
        " return {x: b.x, y: b.y, width: b.width, height: b.height}; }"
    )


def login(page, server) -> None:
    page.goto(server.url + "/instructor")
    page.locator(".teach-token input").fill(server.token)
    page.locator(".teach-token-submit").click()
    expect(page.get_by_text("Launch a class session")).to_be_visible()


# ---------------------------------------------------------------------- tests
def test_student_plays_a_whole_game_against_the_computer(open_page, teaching_server, shot):
    w = open_page()
    page = start_page(w, teaching_server, "Ann")
    page.locator(".teach-rounds input").fill("4")
    shot(page, "play-page")
    page.locator(".teach-start-computer").click()
    round_shown(page, 1)
    header = page.locator(".teach-room-header")
    expect(header).to_contain_text("against the computer (hidden)")  # blind play
    expect(page.locator(".teach-stage-card")).to_contain_text("What each choice pays")
    expect(page.locator(".teach-firms-card")).to_contain_text("report after the first round")
    code = room_code(page)

    move(page, "escalate", 1)
    round_shown(page, 2)
    expect(page.locator(".teach-last-round")).to_contain_text("you escalated (tariffs)")
    expect(page.locator(".teach-firms-card")).to_contain_text("push to escalate")
    expect(page.locator(".teach-firms-card")).to_contain_text("push to concede")
    shot(page, "solo-round-2")
    move(page, "hold", 2)
    round_shown(page, 3)
    # a concession with the student's own offer
    expect(page.locator(".teach-move-card")).to_contain_text("Your move for round 3")
    page.locator(".teach-action-concede").click()
    expect(page.locator(".teach-action-concede")).to_have_class(ACTIVE)
    expect(page.locator(".teach-move-card")).to_contain_text("Standard offer")
    page.get_by_text("Make my own offer instead").click()
    expect(page.locator(".teach-move-card")).to_contain_text("tariff on South")
    shot(page, "solo-own-offer")
    page.locator(".teach-submit").click()
    round_shown(page, 4)
    expect(page.locator(".teach-history-card")).to_contain_text("concede (tariffs)")
    move(page, "hold", 4)

    text = wait_debrief(page)
    expect(header).to_contain_text("Game over after 4 rounds")
    assert "Your opponent was the computer, playing TitForTat" in text  # revealed
    assert "Your moves: 1 escalation, 2 holds, 1 concession" in text
    assert re.search(rf"You rank \d+ of {len(library_strategies()) + 1}", text)
    assert "computer-played games" in text
    shot(page, "solo-debrief")
    game = next(g for g in saved_games(teaching_server) if g["room"] == code)
    moves = [m["action"] for m in game["seats"][0]["moves"]]
    assert moves == ["escalate", "hold", "concede", "hold"]
    assert game["seats"][0]["player"] == "Ann"
    assert game["seats"][0]["moves"][2]["offer"]["proposer"] == "north"
    payoff = f"Your payoff over the game was {game['seats'][0]['payoff']:.2f}"
    assert payoff in text


def test_two_students_play_one_room_with_secret_moves(open_page, teaching_server, shot):
    a = open_page()
    b = open_page()
    pa = start_page(a, teaching_server, "Ana")
    pa.locator(".teach-rounds input").fill("3")
    pa.locator(".teach-create-room").click()
    expect(pa.locator(".teach-room-code")).to_be_visible()
    code = pa.locator(".teach-room-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{5}", code)
    shot(pa, "pair-waiting")

    pb = start_page(b, teaching_server, "Ben")
    pb.locator(".teach-join-code input").fill(code.lower())
    pb.locator(".teach-join").click()
    round_shown(pb, 1)
    round_shown(pa, 1)
    expect(pb.locator(".teach-room-header")).to_contain_text("you play South")
    expect(pb.locator(".teach-room-header")).to_contain_text("against Ana (a student)")

    # round 1: Ana escalates first; Ben must not learn it before he moves
    move(pa, "escalate", 1)
    expect(pa.locator(".teach-waiting-move")).to_contain_text("escalate (tariffs)")
    expect(pa.locator(".teach-waiting-move")).to_contain_text("Waiting for South")
    pb.wait_for_timeout(1500)  # several polls of Ben's page
    seen = pb.locator("body").inner_text()
    assert "escalate (tariffs)" not in seen and "escalated" not in seen
    assert "Last round" not in seen and "Rounds played" not in seen
    shot(pb, "pair-secret")
    move(pb, "concede", 1)
    round_shown(pa, 2)
    round_shown(pb, 2)
    expect(pb.locator(".teach-last-round")).to_contain_text(
        "you conceded (tariffs), North escalated (tariffs)"
    )
    expect(pa.locator(".teach-last-round")).to_contain_text(
        "you escalated (tariffs), South conceded (tariffs)"
    )
    # round 2: Ben first this time
    move(pb, "hold", 2)
    pa.wait_for_timeout(1500)
    assert "Last round (2)" not in pa.locator("body").inner_text()
    move(pa, "hold", 2)
    round_shown(pa, 3)
    move(pa, "concede", 3)
    move(pb, "escalate", 3)
    text_a = wait_debrief(pa)
    text_b = wait_debrief(pb)
    assert "Your opponent was Ben" in text_a and "Your opponent was Ana" in text_b
    shot(pa, "pair-debrief")
    game = next(g for g in saved_games(teaching_server) if g["room"] == code)
    assert [s["player"] for s in game["seats"]] == ["Ana", "Ben"]
    assert [m["action"] for m in game["seats"][0]["moves"]] == ["escalate", "hold", "concede"]
    assert [m["action"] for m in game["seats"][1]["moves"]] == ["concede", "hold", "escalate"]


def test_a_student_times_out_and_the_computer_takes_over(open_page, teaching_server, shot):
    a = open_page()
    b = open_page()
    pa = start_page(a, teaching_server, "Cleo")
    pa.locator(".teach-rounds input").fill("3")
    pa.locator(".teach-time-limit input").fill("4")
    pa.locator(".teach-create-room").click()
    code = pa.locator(".teach-room-code").inner_text().strip()
    pb = start_page(b, teaching_server, "Dev")
    pb.locator(".teach-join-code input").fill(code)
    pb.locator(".teach-join").click()
    round_shown(pb, 1)
    expect(pb.locator(".teach-room-header")).to_contain_text("Time left to move")
    move(pa, "hold", 1)
    # Dev never moves: after 4 s the computer plays South and the round resolves
    round_shown(pa, 2)
    expect(pa.locator(".teach-notices")).to_contain_text(
        "Dev did not move within 4 seconds; the computer (TitForTat) plays this seat now"
    )
    expect(pb.locator(".teach-taken-over")).to_be_visible()
    shot(pb, "timeout-taken-over")
    move(pa, "escalate", 2)
    round_shown(pa, 3)
    move(pa, "hold", 3)
    text_a = wait_debrief(pa)
    assert "Your opponent was Dev, then the computer (TitForTat) from round 1" in text_a
    shot(pa, "timeout-debrief")
    # Dev's debrief says the computer played his seat and gives him no rank
    text_b = wait_debrief(pb)
    assert "The computer played your seat from round 1 (Dev did not move" in text_b
    assert "you made no move of your own" in text_b
    assert "Your moves:" not in text_b and "You rank" not in text_b
    assert "No rank" in text_b and "Round 1 (" in text_b and "you held" not in text_b
    expect(pb.locator(".teach-new-game")).to_be_visible()
    shot(pb, "timeout-debrief-taken-over")
    game = next(g for g in saved_games(teaching_server) if g["room"] == code)
    south = game["seats"][1]
    assert south["takeover_round"] == 1 and south["strategy"] == "TitForTat"
    assert "did not move within 4 seconds" in south["takeover_reason"]
    pb.locator(".teach-new-game").click()
    expect(pb.locator(".teach-start-computer")).to_be_visible()


def test_students_cannot_open_the_instructor_view(open_page, teaching_server, shot):
    teacher = open_page()
    student = open_page()
    ps = student.page
    ps.goto(teaching_server.url + "/instructor")
    expect(ps.locator(".teach-login")).to_be_visible(timeout=30_000)
    expect(ps.get_by_text("Launch a class session")).to_have_count(0)
    ps.locator(".teach-token input").fill("let-me-in")
    ps.locator(".teach-token-submit").click()
    expect(ps.locator(".teach-error")).to_contain_text("Wrong instructor token. Wait 1 s")
    # guessing is slowed down: the next try within the wait is not even checked
    ps.locator(".teach-token input").fill(teaching_server.token)
    ps.locator(".teach-token-submit").click()
    expect(ps.locator(".teach-error")).to_contain_text("Too many wrong tokens: try again in")
    expect(ps.get_by_text("Class results")).to_have_count(0)
    shot(ps, "instructor-locked")
    ps.wait_for_timeout(1200)
    ps.locator(".teach-token input").fill("guess-2")
    ps.locator(".teach-token-submit").click()
    expect(ps.locator(".teach-error")).to_contain_text("Wait 2 s before the next try")
    ps.wait_for_timeout(2200)
    ps.goto(teaching_server.url + "/instructor?token=guess")
    expect(ps.get_by_text("not valid")).to_be_visible()
    expect(ps).to_have_url(re.compile(r"/instructor$"))  # the guess left the address too
    expect(ps.get_by_text("Launch a class session")).to_have_count(0)

    pt = teacher.page
    login(pt, teaching_server)
    # the teacher's browser is logged in; the student's still is not
    ps.goto(teaching_server.url + "/instructor")
    expect(ps.locator(".teach-login")).to_be_visible(timeout=30_000)
    ps.wait_for_timeout(1000)
    expect(ps.get_by_text("Launch a class session")).to_have_count(0)
    # the teacher's login is held by the browser: a new tab is logged in, with no token
    again = pt.context.new_page()
    again.goto(teaching_server.url + "/instructor")
    expect(again.get_by_text("Launch a class session")).to_be_visible(timeout=30_000)
    again.close()
    # a token in the link opens it too, and leaves the address bar at once
    other = open_page().page
    other.goto(f"{teaching_server.url}/instructor?token={teaching_server.token}")
    expect(other.get_by_text("Launch a class session")).to_be_visible(timeout=30_000)
    expect(other).to_have_url(re.compile(r"/instructor$"))
    assert teaching_server.token not in other.url
    other.reload()  # the login lives in the session cookie, not in the address
    expect(other.get_by_text("Launch a class session")).to_be_visible(timeout=30_000)


def test_class_results_csv_matches_the_games_played(open_page, teaching_server, shot):
    teacher = open_page(1400, 1200)
    pt = teacher.page
    login(pt, teaching_server)
    pt.locator(".teach-launch-card .v-select").click()
    pt.locator(".v-menu__content .v-list-item", has_text="Browser test class").click()
    pt.locator(".teach-launch").click()
    message = pt.locator(".teach-launch-message")
    expect(message).to_contain_text("class code")
    klass = re.search(r"class code ([A-Z0-9]{5})", message.inner_text()).group(1)
    # the join link (with the code filled in) and its QR code
    link = pt.locator(f".teach-class-{klass} .teach-join-link")
    expect(link).to_have_text(re.compile(rf"^http://127\.0\.0\.1:\d+/\?code={klass}$"))
    expect(pt.locator(f".teach-qr-{klass} svg")).to_be_visible()

    # a student opens the page and leaves before moving: a dropout, not a class game
    drop = open_page()
    pd = drop.page
    pd.goto(link.get_attribute("href"))
    expect(pd.locator(".teach-join-code input")).to_have_value(klass)
    pd.locator(".teach-name input").fill("Drop")
    pd.locator(".teach-join").click()
    round_shown(pd, 1)
    pd.locator(".teach-leave").click()
    # the computer plays the rest at once: Drop gets the debrief of a taken-over seat
    expect(pd.locator(".teach-debrief")).to_contain_text("you made no move of your own")

    # one student joins with the class code and plays the whole game
    student = open_page()
    ps = start_page(student, teaching_server, "Dana")
    ps.locator(".teach-join-code input").fill(klass)
    ps.locator(".teach-join").click()
    round_shown(ps, 1)
    expect(ps.locator(".teach-room-header")).to_contain_text(f"class {klass}")
    for r, action in enumerate(("hold", "escalate", "concede"), 1):
        move(ps, action, r)
    student_text = wait_debrief(ps)
    dana_room = room_code(ps)

    # three bot students play through the same API; then the class is complete
    pt.locator(".teach-bot-count input").fill("3")
    pt.locator(".teach-bot-count input").press("Enter")
    bots = pt.locator(f".teach-bots-{klass}")
    expect(bots).to_contain_text("Play 3 bot games")  # the server has the number
    bots.click()
    pt.locator(".teach-class-filter button", has_text=klass).click()
    expect(pt.locator(".teach-results-card")).to_contain_text(
        f"Class results, class {klass} (5 finished games)", timeout=60_000
    )
    expect(pt.locator(".teach-rooms-card")).to_contain_text(f"Rooms, class {klass} (5)")
    expect(pt.locator(".teach-counted")).to_contain_text("counts the 4 games")
    expect(pt.locator(".teach-counted")).to_contain_text("1 dropouts")
    expect(pt.locator(".teach-rooms-card")).to_contain_text("Bot 1 (bot)")
    expect(pt.locator(".teach-games")).to_contain_text("Drop (dropout (Drop left the game))")
    expect(pt.locator(".teach-games")).to_contain_text("(not counted)")
    shot(pt, "instructor-results")

    with pt.expect_download() as info:
        pt.get_by_text("Download class results (CSV)").click()
    download = info.value
    assert download.suggested_filename == f"class-results-{klass}.csv"
    with open(download.path(), encoding="utf-8") as fh:
        rows = list(csv.DictReader(io.StringIO(fh.read())))

    games = [g for g in saved_games(teaching_server) if g["class_code"] == klass]
    assert len(rows) == len(games) == 5
    drop_row = next(r for r in rows if "Drop" in (r["player_1"], r["player_2"]))
    assert drop_row["counted"] == "no"
    assert "dropout" in drop_row[f"played_by_{1 if drop_row['player_1'] == 'Drop' else 2}"]
    assert {r["room"] for r in rows} == {g["room"] for g in games}
    by_room = {g["room"]: g for g in games}
    for row in rows:
        game = by_room[row["room"]]
        assert row["outcome"] == game["outcome"] and row["class_code"] == klass
        assert row["session"] == "browser_class" and row["scenario"] == "classroom_basic"
        for i, seat in enumerate(game["seats"], 1):
            assert row[f"side_{i}"] == seat["gid"]
            assert row[f"player_{i}"] == seat["player"]
            assert float(row[f"payoff_{i}"]) == seat["payoff"]
    rows = [r for r in rows if r is not drop_row]  # the class games
    dana = next(r for r in rows if r["room"] == dana_room)
    seat = 1 if dana["player_1"] == "Dana" else 2
    assert dana[f"played_by_{seat}"] == "student"
    assert f"Your payoff over the game was {float(dana[f'payoff_{seat}']):.2f}" in student_text
    assert sorted(r[f"player_{1 if r['player_1'] else 2}"] for r in rows) == [
        "Bot 1",
        "Bot 2",
        "Bot 3",
        "Dana",
    ]
    bots_played = {r[f"played_by_{1 if r['player_1'] else 2}"] for r in rows if "Bot" in str(r)}
    assert bots_played == {"bot"}
    # every round of every seat, as oTree exports
    with pt.expect_download() as info:
        pt.get_by_text("Download every round (CSV)").click()
    with open(info.value.path(), encoding="utf-8") as fh:
        per_round = list(csv.DictReader(fh))
    assert len(per_round) == sum(2 * len(g["trajectory"]) for g in games) == 5 * 3 * 2
    dana_rounds = [r for r in per_round if r["player"] == "Dana"]
    assert [r["move"].split(":")[0] for r in dana_rounds] == ["hold", "escalate", "concede"]
    assert {r["played_by"] for r in dana_rounds} == {"student"}
    assert {r["counted"] for r in per_round if r["player"] == "Drop"} == {"no"}
    # the outcome table counts the same games
    outcomes = pt.locator(".teach-outcomes").inner_text()
    for name, label in (("stalemate", "Stalemate"), ("deal", "Deal"), ("trade_war", "Trade war")):
        count = sum(r["outcome"] == name for r in rows)
        assert re.search(rf"{label}\s+{count}\s", outcomes), outcomes


def test_a_student_who_closes_the_page_is_replaced(open_page, teaching_server, shot):
    teacher = open_page()
    pt = teacher.page
    login(pt, teaching_server)
    pt.locator(".teach-launch-card .v-select").click()
    pt.locator(".v-menu__content .v-list-item", has_text="Browser test pairs").click()
    pt.locator(".teach-launch").click()
    message = pt.locator(".teach-launch-message")
    expect(message).to_contain_text("Browser test pairs: class code")
    klass = re.search(r"class code ([A-Z0-9]{5})", message.inner_text()).group(1)

    a = open_page()
    pa = start_page(a, teaching_server, "Eve")
    pa.locator(".teach-join-code input").fill("ZZZZZ")
    pa.locator(".teach-join").click()
    expect(pa.locator(".teach-error")).to_contain_text("There is no room with code ZZZZZ")
    pa.locator(".teach-join-code input").fill(klass)
    pa.locator(".teach-join").click()
    expect(pa.locator(".teach-room-header")).to_contain_text("Waiting for a second student")

    b = open_page()
    pb = start_page(b, teaching_server, "Finn")
    pb.locator(".teach-join-code input").fill(klass)
    pb.locator(".teach-join").click()
    round_shown(pb, 1)
    round_shown(pa, 1)
    # a reload keeps the seat: the seat key is in the address
    pa.reload()
    round_shown(pa, 1)
    expect(pa.locator(".teach-room-header")).to_contain_text("you play North")
    # Finn closes his browser: after absent_after (3 s) the computer plays South
    b.page.context.close()
    expect(pa.locator(".teach-notices")).to_contain_text("Finn left (page closed)", timeout=20_000)
    expect(pa.locator(".teach-room-header")).to_contain_text("the computer (AlwaysHold")
    move(pa, "escalate", 1)
    round_shown(pa, 2)
    expect(pa.locator(".teach-last-round")).to_contain_text("South held")
    shot(pa, "left-replaced")
    move(pa, "hold", 2)
    wait_debrief(pa)


def test_a_server_restart_loses_no_finished_game(open_page, tmp_path, shot, server_control):
    """Finish a game, stop the server, start a new one on the same data folder: the
    game is in the instructor's results and CSV again."""
    launch_server, stop_server = server_control
    data = tmp_path / "data"
    first = launch_server(tmp_path, data)
    w = open_page()
    page = start_page(w, first, "Gus")
    page.locator(".teach-rounds input").fill("2")
    page.locator(".teach-start-computer").click()
    round_shown(page, 1)
    code = room_code(page)
    move(page, "hold", 1)
    move(page, "concede", 2)
    wait_debrief(page)
    before = GameStore(data).games()
    assert [g["room"] for g in before] == [code]
    w.page.context.close()  # the student leaves before the server goes down
    stop_server(first)

    second = launch_server(tmp_path, data)
    teacher = open_page().page
    login(teacher, second)
    results = teacher.locator(".teach-results-card")
    expect(results).to_contain_text("Class results, all classes and open play (1 finished game)")
    expect(results).to_contain_text(code)
    expect(results).to_contain_text("North: Gus (student)")
    with teacher.expect_download() as info:
        teacher.get_by_text("Download class results (CSV)").click()
    with open(info.value.path(), encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["room"], r["player_1"], float(r["payoff_1"])) for r in rows] == [
        (code, "Gus", before[0]["seats"][0]["payoff"])
    ]
    shot(teacher, "after-restart")


def test_every_student_page_fits_a_phone(open_page, teaching_server, shot):
    """At 390x844: one column, titles whole, nothing cut off or shifted, no move chosen
    for the student, and the debrief with its new-game button."""
    w = open_page(*PHONE)
    page = start_page(w, teaching_server, "Pia")
    fits(page)
    cards = [page.locator(f".teach-card-{c}") for c in ("join", "computer", "pair")]
    boxes = [c.bounding_box() for c in cards]
    for upper, lower in itertools.pairwise(boxes):
        assert upper["y"] + upper["height"] <= lower["y"], boxes  # stacked, not side by side
    for card in cards:
        on_screen(card)
        assert lines(card.locator(".v-card__title")) == 1
    shot(page, "phone-start")
    page.locator(".teach-rounds input").fill("3")
    page.locator(".teach-start-computer").click()
    round_shown(page, 1)
    card = page.locator(".teach-move-card")
    expect(card).to_contain_text("Your move for round 1")
    assert lines(card.locator(".v-card__title")) == 1
    expect(page.locator(".teach-action .v-btn--active")).to_have_count(0)  # no preselection
    expect(page.locator(".teach-submit")).to_be_disabled()
    fits(page)
    shot(page, "phone-round-1")
    page.locator(".teach-action-concede").click()
    expect(page.locator(".teach-action-concede")).to_have_class(ACTIVE)
    expect(page.locator(".teach-standard-offer")).to_be_visible()
    expect(page.locator(".teach-submit")).to_be_enabled()
    page.wait_for_timeout(300)
    fits(page)
    for name in ("concede", "escalate", "hold"):
        on_screen(page.locator(f".teach-action-{name}"))
    on_screen(page.locator(".teach-submit"))
    on_screen(page.locator(".teach-inst-tariff"))
    shot(page, "phone-concede")
    page.get_by_text("Make my own offer instead").click()
    expect(page.locator(".teach-own-offer")).to_be_visible()
    fits(page)
    on_screen(page.locator(".teach-submit"))
    shot(page, "phone-own-offer")
    page.locator(".teach-submit").click()
    round_shown(page, 2)
    fits(page)
    move(page, "hold", 2)
    round_shown(page, 3)
    move(page, "escalate", 3)
    wait_debrief(page)
    fits(page)
    on_screen(page.locator(".teach-new-game"))
    # wide tables (rounds played, the firms) show each row as "header: value" lines
    # instead of hiding columns behind a sideways scroll
    stacked = page.locator(".teach-stacked")
    assert stacked.count() >= 2
    for i in range(stacked.count()):
        wide, card = stacked.nth(i).evaluate("t => [t.scrollWidth, t.parentElement.clientWidth]")
        assert wide <= card + 1, f"table {i} is {wide}px wide in a {card}px card"
    label = stacked.first.locator("td").first.evaluate(
        "td => getComputedStyle(td, '::before').content"
    )
    assert label == '"Round: "', label
    shot(page, "phone-debrief")
    # a room for two, waiting for the partner
    page = start_page(open_page(*PHONE), teaching_server, "Quinn")
    page.locator(".teach-create-room").click()
    expect(page.locator(".teach-room-code")).to_be_visible()
    fits(page)
    on_screen(page.locator(".teach-play-computer-now"))
    shot(page, "phone-waiting")


def test_a_seat_belongs_to_the_browser_that_took_it_and_can_be_handed_back(
    open_page, teaching_server, shot
):
    pa = start_page(open_page(), teaching_server, "Hana")
    pa.locator(".teach-rounds input").fill("3")
    pa.locator(".teach-start-computer").click()
    round_shown(pa, 1)
    code = room_code(pa)
    assert pa.url.endswith(f"/room?code={code}")  # no secret in the room's address
    # someone else with the address holds nothing
    pb = open_page().page
    pb.goto(pa.url)
    expect(pb.locator(".teach-error")).to_contain_text(f"You do not hold a seat in room {code}")
    expect(pb.locator(".teach-move-card")).to_have_count(0)
    # the instructor hands Hana's seat to the new browser
    pt = open_page().page
    login(pt, teaching_server)
    pt.locator(".teach-handback-room input").fill(code)
    pt.locator(".teach-handback-seat input").fill("north")
    pt.locator(".teach-handback").click()
    link = pt.locator(".teach-handback-link").get_attribute("href")
    assert f"code={code}" in link and "key=" in link
    shot(pt, "hand-back")
    pb.goto(link)
    round_shown(pb, 1)
    expect(pb.locator(".teach-room-header")).to_contain_text("you play North")
    expect(pb).to_have_url(re.compile(rf"/room\?code={code}$"))  # the key is used up
    expect(pa.locator(".teach-error")).to_contain_text("You do not hold a seat")
    move(pb, "hold", 1)
    round_shown(pb, 2)
    # the link works once only
    pc = open_page().page
    pc.goto(link)
    expect(pc.locator(".teach-error").first).to_contain_text("already used")


def test_a_server_killed_mid_game_resumes_it(
    open_page, tmp_path, shot, server_control, server_kill
):
    """SIGKILL the server while a round waits for one move; a new server on the same data
    folder has the game where it was, and both students carry on in their seats."""
    launch_server, _ = server_control
    data = tmp_path / "data"
    first = launch_server(tmp_path, data)
    a, b = open_page(), open_page()
    pa = start_page(a, first, "Ida")
    pa.locator(".teach-rounds input").fill("3")
    pa.locator(".teach-create-room").click()
    code = pa.locator(".teach-room-code").inner_text().strip()
    pb = start_page(b, first, "Jon")
    pb.locator(".teach-join-code input").fill(code)
    pb.locator(".teach-join").click()
    round_shown(pb, 1)
    move(pa, "escalate", 1)
    move(pb, "concede", 1)
    round_shown(pa, 2)
    move(pa, "hold", 2)
    expect(pa.locator(".teach-waiting-move")).to_contain_text("Your move for round 2")
    for page in (pa, pb):
        page.goto("about:blank")
    server_kill(first)

    second = launch_server(tmp_path, data)
    pa.goto(f"{second.url}/room?code={code}")
    expect(pa.locator(".teach-waiting-move")).to_contain_text(
        "Your move for round 2: hold. Waiting for South", timeout=30_000
    )
    pb.goto(f"{second.url}/room?code={code}")
    round_shown(pb, 2)
    expect(pb.locator(".teach-last-round")).to_contain_text(
        "you conceded (tariffs), North escalated (tariffs)"
    )
    expect(pb.locator(".teach-notices")).to_contain_text("The server restarted")
    shot(pb, "after-sigkill")
    move(pb, "hold", 2)
    round_shown(pa, 3)
    move(pa, "concede", 3)
    move(pb, "hold", 3)
    wait_debrief(pa)
    wait_debrief(pb)
    game = next(g for g in saved_games(second) if g["room"] == code)
    assert [m["action"] for m in game["seats"][0]["moves"]] == ["escalate", "hold", "concede"]
    assert [m["action"] for m in game["seats"][1]["moves"]] == ["concede", "hold", "hold"]
    assert [s["player"] for s in game["seats"]] == ["Ida", "Jon"]


def test_an_own_offer_can_lower_export_controls(open_page, teaching_server, shot):
    """The control sliders of an own offer reach the stored move."""
    page = start_page(open_page(), teaching_server, "Kai")
    page.locator(".teach-scenario").click()
    page.locator(".v-menu__content .v-list-item", has_text="us_china_2025").click()
    page.locator(".teach-rounds input").fill("2")
    page.locator(".teach-start-computer").click()
    round_shown(page, 1)
    code = room_code(page)
    page.locator(".teach-action-concede").click()
    expect(page.locator(".teach-action-concede")).to_have_class(ACTIVE)
    page.get_by_text("Make my own offer instead").click()
    slider = page.locator(".v-input__slider", has_text="My chips control level")
    expect(slider).to_be_visible()
    thumb = slider.locator(".v-slider__thumb-container")
    thumb.focus()
    for _ in range(2):
        page.keyboard.press("ArrowRight")  # the level a US offer keeps: 2 (broad ban)
    page.wait_for_timeout(500)
    shot(page, "own-offer-controls")
    page.locator(".teach-submit").click()
    round_shown(page, 2)
    move(page, "hold", 2)  # the last round: the game is saved
    wait_debrief(page)
    game = next(g for g in saved_games(teaching_server) if g["room"] == code)
    assert game["seats"][0]["moves"][0]["offer"]["controls"]["us"] == {"chips": 2}


def test_the_own_offer_sliders_keep_their_labels_clear_and_the_tab_is_named(
    open_page, teaching_server, shot
):
    """On a phone and a desktop: no tariff slider's value bubble covers an end label or
    a slider's name, the end labels read as one-decimal numbers, and the browser tab is
    named after the classroom on every page (not after the route, "Room")."""

    def overlap(a, b) -> bool:
        return not (
            a["x"] + a["width"] <= b["x"]
            or b["x"] + b["width"] <= a["x"]
            or a["y"] + a["height"] <= b["y"]
            or b["y"] + b["height"] <= a["y"]
        )

    for size in (PHONE, (1280, 720)):
        page = start_page(open_page(*size), teaching_server, "Uma")
        expect(page).to_have_title("Negotiation classroom")
        page.locator(".teach-scenario").click()
        page.locator(".v-menu__content .v-list-item", has_text="us_china_2025").click()
        page.locator(".teach-rounds input").fill("2")
        page.locator(".teach-start-computer").click()
        round_shown(page, 1)
        expect(page).to_have_title("Negotiation classroom")
        page.locator(".teach-action-concede").click()
        expect(page.locator(".teach-action-concede")).to_have_class(ACTIVE)
        page.get_by_text("Make my own offer instead").click()
        sliders = page.locator(".teach-offer-tariffs .v-input__slider")
        expect(sliders).to_have_count(2)
        page.wait_for_timeout(500)
        bubbles = [b.bounding_box() for b in sliders.locator(".v-slider__thumb-label").all()]
        labels = [t for t in sliders.locator(".v-slider__tick-label").all() if t.inner_text()]
        texts = [t.inner_text() for t in labels]
        assert len(bubbles) == 2 and len(texts) == 4, texts
        assert all(re.fullmatch(r"\d+\.\d", t) for t in texts), texts
        words = labels + sliders.locator(".v-label").all()
        for bubble in bubbles:
            for other in [text_box(w) for w in words]:
                assert not overlap(bubble, other), (size, bubble, other)
        shot(page, f"own-offer-sliders-{size[0]}")
