"""The story of a finished game from one seat, in plain words drawn from its record
(moves, scheduled events, deals struck and broken, tariffs, lobbying). After a takeover
it says from which round the computer played the student's seat, and counts only the
student's own moves as theirs."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Mapping
from typing import Any

from negotiation_sim.core import OUTCOME_INFO
from negotiation_sim.teaching.moves import instrument_words


def outcome_words(outcome: str) -> str:
    """``a trade war``: the outcome in a sentence (``core.OUTCOME_INFO``)."""
    info = OUTCOME_INFO.get(outcome)
    return info.words if info is not None else outcome.replace("_", " ")


def own_payoff(record: Mapping[str, Any], gid: str) -> float | None:
    """The seat's payoff over the rounds its student chose (all rounds without a
    takeover); None when the record has no per-round payoffs (games saved before)."""
    seat = next(s for s in record["seats"] if s["gid"] == gid)
    k = takeover_round(record, gid)
    if k is None:
        return float(seat["payoff"])
    pays = seat.get("round_payoffs")
    if pays is None:
        return None
    return float(sum(pays[: max(0, k - 1)]))


def _action(move: str) -> str:
    return move.split(":")[0] if move else "hold"


def _instrument(move: str) -> str:
    part = move.split(":")
    return instrument_words(part[1]) if len(part) > 1 and part[1] else ""


def news_text(text: str, names: Mapping[str, str]) -> str:
    """``comprehensive broken by us`` -> ``the comprehensive deal was broken by United
    States``."""
    kind, _, rest = text.partition(" ")
    what = {"comprehensive": "comprehensive deal", "truce": "truce"}.get(kind, kind)
    if rest == "struck":
        return f"a {what} was struck"
    if rest.startswith("broken by "):
        who = [names.get(g.strip(), g.strip()) for g in rest[len("broken by ") :].split(",")]
        return f"the {what} was broken by {' and '.join(who)}"
    if rest == "expired":
        return f"the {what} expired"
    return text


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _tally(counts: Counter) -> str:
    words = (("escalate", "escalation"), ("hold", "hold"), ("concede", "concession"))
    return ", ".join(f"{counts[a]} {word}{'' if counts[a] == 1 else 's'}" for a, word in words)


def _date(text: str) -> str:
    try:
        d = dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        return str(text)
    return f"{d.day} {d.strftime('%b %Y')}"


def _verb(move: str) -> str:
    action = _action(move)
    inst = _instrument(move)
    verb = {"escalate": "escalated", "hold": "held", "concede": "conceded"}[action]
    if inst and action != "hold":
        verb += f" on {inst}"
    return verb


def takeover_round(record: Mapping[str, Any], gid: str) -> int | None:
    """The first round the computer played a student's seat after a takeover, or None
    (a student played every round, or the computer played the seat from the start)."""
    seat = next(s for s in record["seats"] if s["gid"] == gid)
    k = seat.get("takeover_round") if seat.get("human") else None
    return None if k is None or k > len(record.get("trajectory", [])) else int(k)


def narrate(record: Mapping[str, Any], gid: str) -> tuple[str, list[str], list[str]]:
    """(one-line summary, paragraphs, key moments) of the game from seat ``gid``. After a
    takeover the story says which rounds the computer played for the student."""
    rows = record["trajectory"]
    parties = record["parties"]
    partner = next(g for g in parties if g != gid)
    names = {s["gid"]: s["name"] for s in record["seats"]}
    them = names[partner]
    you_names = {**names, gid: "you"}
    n = len(rows)
    outcome = record["outcome"]
    if n == 0:
        return "The game did not start.", [], []
    k = takeover_round(record, gid)
    own = n if k is None else max(0, min(n, k - 1))  # rounds the student chose

    def you(i: int) -> str:  # who chose the seat's move in round i + 1
        return "you" if i < own else "the computer (for you)"

    first, last = rows[0], rows[-1]
    since = record.get("outcome_round") or n
    summary = f"The game ended in {outcome_words(outcome)}"
    if outcome in ("deal", "truce", "trade_war") and since:
        summary += f", in place since round {since}"
    summary += "."
    # the summary is the debrief's headline: the story does not say it again
    paragraphs = [f"The game ran {n} rounds, from {_date(first['date'])} to {_date(last['date'])}."]
    if k is not None:
        seat = next(s for s in record["seats"] if s["gid"] == gid)
        why = f" ({seat['takeover_reason']})" if seat.get("takeover_reason") else ""
        paragraphs.append(
            f"The computer played your seat from round {k}{why}"
            + (
                ": you made no move of your own."
                if own == 0
                else f"; rounds 1 to {own} were yours."
            )
            + " The story below says which moves were the computer's."
        )

    # moves
    mine = [_action(r[f"move_{gid}"]) for r in rows]
    theirs = [_action(r[f"move_{partner}"]) for r in rows]
    c_me, c_them = Counter(mine[:own]), Counter(theirs)
    if own == n:
        text = f"Your moves: {_tally(c_me)}; {_possessive(them)}: {_tally(c_them)}."
    else:
        text = (
            f"Your moves (rounds 1 to {own}): {_tally(c_me)}; the computer's for you "
            f"(rounds {own + 1} to {n}): {_tally(Counter(mine[own:]))}; "
            f"{_possessive(them)}: {_tally(c_them)}."
            if own
            else f"The computer's moves for you: {_tally(Counter(mine))}; "
            f"{_possessive(them)}: {_tally(c_them)}."
        )
    first_e = next(
        (
            (i + 1, who)
            for i in range(n)
            for who, seq in ((you(i), mine), (them, theirs))
            if seq[i] == "escalate"
        ),
        None,
    )
    if first_e:
        r, who = first_e
        both = mine[r - 1] == theirs[r - 1] == "escalate"
        who = "both sides" if both else who
        text += f" The first escalation came in round {r}, from {who}."
    if n > 2 and own == n:
        copied = sum(theirs[i] == mine[i - 1] for i in range(1, n))
        share = copied / (n - 1)
        if share >= 0.8 and len(set(theirs)) > 1:
            text += (
                f" {them} repeated your previous move in {copied} of {n - 1} rounds, "
                "much as Tit for Tat does."
            )
    paragraphs.append(text)

    # tariffs
    t_me = [float(r[f"tariff_{gid}_{partner}"]) for r in rows]
    t_them = [float(r[f"tariff_{partner}_{gid}"]) for r in rows]
    paragraphs.append(
        f"Your average tariff on {them} ended at {t_me[-1]:.0f}% (peak {max(t_me):.0f}%); "
        f"{_possessive(them)} on you ended at {t_them[-1]:.0f}% (peak {max(t_them):.0f}%)."
    )

    # why the outcome
    struck = [i for i, r in enumerate(rows) if str(r.get("deal_news", "")).endswith("struck")]
    broken = [i for i, r in enumerate(rows) if "broken" in str(r.get("deal_news", ""))]
    offers = sum(bool(r.get(f"offer_{g}")) for r in rows for g in parties)
    why = ""
    if outcome in ("deal", "truce") and struck:
        i = struck[-1]
        r = rows[i]
        conceders = [
            you(i) if g == gid else names[g]
            for g in parties
            if _action(r[f"move_{g}"]) == "concede"
        ]
        who = " and ".join(conceders) or "a side"
        what = news_text(r["deal_news"], names).removeprefix("a ").removesuffix(" was struck")
        why = (
            f"The {what} was struck in round {i + 1} "
            f"({_date(r['date'])}) when {who} conceded and offered terms that both "
            "governments valued above carrying on without a deal"
        )
        if r.get("events"):
            why += f"; that round also brought: {r['events']}"
        why += "."
    elif outcome in ("deal", "truce"):
        why = "A truce was already in force when the game began and it held to the end."
    elif outcome == "trade_war":
        why = (
            "Both sides' escalation stayed at or above the trade-war threshold for several "
            f"rounds in a row (from round {since}), with no deal in force: each escalation "
            "was met with another, and no concession lasted long enough to stop it."
        )
    elif outcome == "stalemate" and struck:
        why = (
            f"Deals were struck (round {', '.join(str(i + 1) for i in struck)}) but none "
            "lasted to the end, and escalation never stayed at trade-war level for long "
            "enough."
        )
    elif outcome == "stalemate":
        why = (
            f"{offers} deal offers were made, but none was worth more to both governments "
            "than carrying on"
            if offers
            else "No side conceded, so no deal offer was ever made"
        )
        why += ", and escalation never stayed at trade-war level for long enough."
    if broken:
        why += " " + " ".join(
            f"In round {i + 1}, {news_text(rows[i]['deal_news'], you_names)}." for i in broken
        )
    if why:
        paragraphs.append(why.strip())

    # lobbying
    lob = [float(r.get(f"lobbying_{gid}", 0.0) or 0.0) for r in rows]
    avg = statistics.fmean(lob) if lob else 0.0
    if abs(avg) >= 0.01:
        side = "escalation" if avg > 0 else "concessions"
        paragraphs.append(
            f"Your firms lobbied on balance for {side} (average lobbying index {avg:+.2f}): "
            + (
                "protected sectors gained more than exporters lost."
                if avg > 0
                else "the sectors hurt by the standoff outweighed those it protected."
            )
        )

    seats = {s["gid"]: s for s in record["seats"]}
    mine_total = seats[gid]["payoff"]
    if own == n:
        pay = f"Your payoff over the game was {mine_total:.2f}"
    else:
        pay = f"Your seat's payoff over the game was {mine_total:.2f}"
        yours = own_payoff(record, gid)
        if own and yours is not None:
            pay += f", {yours:.2f} of it in your own rounds (1 to {own})"
    paragraphs.append(
        f"{pay} ({them}: {seats[partner]['payoff']:.2f}); your country's welfare summed to "
        f"{seats[gid]['welfare']:.1f} $bn against free trade."
    )

    # key moments
    moments = []
    for i, r in enumerate(rows):
        bits = []
        events = [e for e in str(r.get("events") or "").split("; ") if e]
        events = [news_text(e, you_names) for e in events if e != r.get("deal_news")]
        if events:
            bits.append("; ".join(events))
        changed = i in (0, own) or mine[i] != mine[i - 1] or theirs[i] != theirs[i - 1]
        if changed or r.get("deal_news"):
            bits.append(f"{you(i)} {_verb(r[f'move_{gid}'])}, {them} {_verb(r[f'move_{partner}'])}")
        if r.get("deal_news"):
            bits.append(news_text(str(r["deal_news"]), you_names))
        if k is not None and i == own:
            bits.insert(0, "the computer took over your seat")
        if i > 0 and r["outcome"] != rows[i - 1]["outcome"]:
            bits.append(f"now: {str(r['outcome']).replace('_', ' ')}")
        if bits:
            moments.append(f"Round {i + 1} ({_date(r['date'])}): " + "; ".join(bits) + ".")
    if len(moments) > 12:
        extra = len(moments) - 11
        moments = [*moments[:11], f"... and {extra} more rounds with changes."]
    return summary, paragraphs, moments
