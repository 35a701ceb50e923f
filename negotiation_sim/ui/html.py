"""HTML snippets shared by the front ends (pure functions, so they are unit-tested):
escaping, colour swatches, meters, the outcome banner, lobbying chips, notes and the
stage-game matrix. Classes are styled by ``ui.css.CSS``."""

from __future__ import annotations

import html

from negotiation_sim.core import Action
from negotiation_sim.ui.palette import (
    LOBBY_COLOURS,
    MOVE_SYMBOLS,
    OUTCOME_COLOURS,
    OUTCOME_TEXT,
    PARTY_TEXT,
    text_on,
)
from negotiation_sim.views.stage import StageView
from negotiation_sim.views.words import LOBBY_PHRASES, outcome_label


def esc(text: object) -> str:
    """HTML-escape any value."""
    return html.escape(str(text), quote=True)


def swatch(colour: str) -> str:
    return f'<span class="ns-swatch" style="background:{colour}"></span>'


def outcome_swatch(outcome: str) -> str:
    """A swatch and the outcome's label."""
    return f"{swatch(OUTCOME_COLOURS.get(outcome, '#cccccc'))}{esc(outcome_label(outcome))}"


def meter(value: float, colour: str, threshold: float | None = None) -> str:
    """A horizontal bar for a value in [0, 1], with an optional threshold tick."""
    width = max(0.0, min(1.0, value)) * 100
    mark = ""
    if threshold is not None:
        mark = f'<span class="ns-meter-mark" style="left:{threshold * 100:.0f}%"></span>'
    return (
        f'<span class="ns-meter"><span style="width:{width:.0f}%;background:{colour}"></span>'
        f"{mark}</span>"
    )


def outcome_banner(outcome: str, text: str, detail: str = "", round_: int | None = None) -> str:
    """The coloured outcome banner (a live region); ``text`` and ``detail`` are HTML."""
    colour = OUTCOME_COLOURS.get(outcome, "#cccccc")
    fg = OUTCOME_TEXT.get(outcome, "#000000")
    attrs = f' data-round="{round_}"' if round_ is not None else ""
    more = f'<div class="ns-banner-detail">{detail}</div>' if detail else ""
    return (
        f'<div class="ns-banner" role="status" aria-live="polite" data-outcome="{esc(outcome)}"'
        f'{attrs} style="background:{colour};color:{fg}">{text}{more}</div>'
    )


def lobby_chip(word: str, text: str | None = None) -> str:
    """A chip saying which way firms push (``core.stance_word``)."""
    bg = LOBBY_COLOURS.get(word, "#eeeeee")
    label = LOBBY_PHRASES.get(word, word) if text is None else text
    return (
        f'<span class="ns-chip ns-chip-{esc(word)}" style="background:{bg};'
        f'color:{text_on(bg)}">{esc(label)}</span>'
    )


def note(text: str, name: str) -> str:
    """A boxed note (``role=note``) with class ``ns-note-<name>``; ``text`` is HTML."""
    return f'<div class="ns-note ns-note-{esc(name)}" role="note">{text}</div>'


def _probabilities(p: tuple[float, ...]) -> str:
    return " ".join(f"{a.name[0]}{x:.2f}" for a, x in zip(Action, p, strict=True))


def stage_matrix(
    stage: StageView,
    row_name: str,
    col_name: str,
    show_theirs: bool = True,
    marks: bool = True,
    corner: str | None = None,
) -> str:
    """The 3x3 stage game as a table: rows are ``row_name``'s actions, columns the
    partner's; each cell the payoffs (mine / theirs; only mine when ``show_theirs`` is
    off or the stage has no partner payoffs). ``marks`` flags Nash equilibria (★ Nash,
    shaded) and the moves played (● played, outlined); without equilibria shown, ★
    marks my best reply to each of the partner's moves. ``corner`` is the top-left
    cell's text (``"row / col"`` by default)."""
    show_theirs = show_theirs and bool(stage.theirs)
    corner = f"{row_name} / {col_name}" if corner is None else corner
    actions = [a.label for a in Action]
    head = "".join(f"<th>{esc(col_name)} {MOVE_SYMBOLS[a]} {a}</th>" for a in actions)
    rows = []
    for i, row_act in enumerate(actions):
        cells = []
        for j in range(len(actions)):
            classes, labels = [], []
            if marks and stage.is_nash(i, j):
                classes.append("ns-nash")
                labels.append("★ Nash")
            elif not marks and stage.best_reply(i, j):
                classes.append("ns-best")
                labels.append("★")
            if marks and stage.played == (i, j):
                classes.append("ns-played")
                labels.append("● played")
            value = f'<span style="color:{PARTY_TEXT[0]}">{stage.mine[i][j]:+.2f}</span>'
            if show_theirs:
                value += f' / <span style="color:{PARTY_TEXT[1]}">{stage.theirs[i][j]:+.2f}</span>'
            mark = f"<br><small>{' · '.join(labels)}</small>" if labels else ""
            cells.append(f'<td class="{" ".join(classes)}">{value}{mark}</td>')
        rows.append(
            f"<tr><th>{esc(row_name)} {MOVE_SYMBOLS[row_act]} {row_act}</th>{''.join(cells)}</tr>"
        )
    table = (
        f"<table class='ns-matrix' aria-label='stage game payoffs'><tr><th>{esc(corner)}"
        f"</th>{head}</tr>{''.join(rows)}</table>"
    )
    if not marks:
        return table
    if stage.mixed:
        items = "; ".join(
            f"{_probabilities(p)} for {esc(row_name)} / {_probabilities(q)} for {esc(col_name)}"
            for p, q in stage.mixed
        )
        extra = f"Mixed equilibria (probabilities of E, H, C): {items}"
    elif not stage.pure:
        extra = "No equilibrium found."
    else:
        extra = "No mixed equilibrium."
    return f"{table}<div class='ns-matrix-note'>{extra}</div>"
