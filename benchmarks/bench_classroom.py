"""Benchmark of the classroom server under a class of bot students. Prints its figures;
asserts nothing.

A class session is launched on a fresh ``TeachingService`` (with its SQLite store in a
temporary folder, so every move is a committed transaction) and N bot students join it
at once, each in its own thread, as N browsers would:

* each student's page polls the server twice a second, as ``RoomPage`` does (the room's
  version and timer, the heartbeat ``touch`` + ``tick``, and a fresh ``view`` whenever
  the room changed: the data a re-render reads);
* each student thinks 0.3-1.5 s (seeded), then moves (``tit_for_tat`` or a seeded
  random policy); a **move** is timed from the submit until the student's new view is
  built (what the page does before it can show the next round);
* when a student's game is over, their **debrief** is timed from the request until it
  is ready (``TeachingService.debrief``: story, counterfactuals and ensemble).

Launching the session starts the preparation of the shared debrief parts in the
background (``TeachingService.prepare``), as the instructor's Launch button does, and in
pair sessions the counterfactuals are played alongside each game (``shadow``); the
students join at once, so that work competes with their moves. ``--no-share`` measures
the earlier behaviour: every debrief computes its own counterfactual games (one per
library strategy) and ensemble (``DebriefCache(size=0)``, no preparation).

Not timed: Solara's rendering and the websocket (server side, per page), which come on
top of the move figure in a browser.

Usage: ``python benchmarks/bench_classroom.py [--students 30] [--session tariff_dilemma]
[--no-share] [--out FILE]``.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from negotiation_sim.teaching.bots import random_policy, tit_for_tat  # noqa: E402
from negotiation_sim.teaching.debrief import DebriefCache  # noqa: E402
from negotiation_sim.teaching.service import TeachingService  # noqa: E402


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def fmt(values: list[float]) -> str:
    if not values:
        return "(none)"
    return (
        f"median {statistics.median(values):6.3f} s  p95 {pct(values, 95):6.3f}  "
        f"max {max(values):6.3f}  (n={len(values)})"
    )


class Student(threading.Thread):
    def __init__(self, service, code: str, i: int, start: threading.Event) -> None:
        super().__init__(name=f"student-{i}", daemon=True)
        self.service, self.code, self.i, self.start_at = service, code, i, start
        self.rng = random.Random(i)
        self.policy = tit_for_tat if i % 2 == 0 else random_policy(i)
        self.moves: list[float] = []
        self.debrief: float | None = None
        self.error = ""
        self.done = threading.Event()

    def poll(self, room_code: str, token: str) -> None:
        """The page's poll loop: signature, heartbeat, a new view when the room changed."""
        registry = self.service.registry
        last = None
        while not self.done.wait(0.5):
            room = registry.room(room_code)
            player = room.player_for(token)
            sig = (room.version, room.state, room.time_left(player.seat) if player else None)
            registry.touch(room_code, token)
            room.tick()
            if sig != last:
                last = sig
                registry.view(room_code, token)

    def run(self) -> None:
        registry = self.service.registry
        self.start_at.wait()
        try:
            room, token = registry.join(self.code, f"Student {self.i}", kind="bot")
            poller = threading.Thread(target=self.poll, args=(room.code, token), daemon=True)
            poller.start()
            view = registry.view(room.code, token)
            while not view.finished:
                if view.state != "playing" or view.seat.my_pending is not None:
                    time.sleep(0.2)
                    view = registry.view(room.code, token)
                    continue
                time.sleep(self.rng.uniform(0.3, 1.5))  # thinking
                action, instrument, offer = self.policy(view.seat)
                t = time.perf_counter()
                registry.submit(room.code, token, view.me, action, instrument, offer)
                view = registry.view(room.code, token)
                self.moves.append(time.perf_counter() - t)
            t = time.perf_counter()
            self.service.debrief(room.record, view.me)
            self.debrief = time.perf_counter() - t
        except Exception as exc:  # report, do not hang the benchmark
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.done.set()


def run(students: int, session: str, share: bool) -> dict:
    with tempfile.TemporaryDirectory() as data:
        service = TeachingService(data, "bench")
        if not share:
            service.cache = DebriefCache(size=0)
        klass = service.launch(session, prepare=share)
        start = threading.Event()
        crowd = [Student(service, klass.code, i, start) for i in range(students)]
        for s in crowd:
            s.start()
        t0 = time.perf_counter()
        start.set()
        for s in crowd:
            s.join(timeout=900)
        wall = time.perf_counter() - t0
        errors = [s.error for s in crowd if s.error]
        moves = [m for s in crowd for m in s.moves]
        debriefs = [s.debrief for s in crowd if s.debrief is not None]
        games = len(service.results(klass.code))
        computed = service.cache.computed
        service.store.close()
    return {
        "students": students,
        "session": session,
        "share": share,
        "wall_s": round(wall, 2),
        "games": games,
        "moves": len(moves),
        "move_median_s": round(statistics.median(moves), 4) if moves else None,
        "move_p95_s": round(pct(moves, 95), 4) if moves else None,
        "debrief_median_s": round(statistics.median(debriefs), 3) if debriefs else None,
        "debrief_p95_s": round(pct(debriefs, 95), 3) if debriefs else None,
        "debrief_max_s": round(max(debriefs), 3) if debriefs else None,
        "computed_results": computed,
        "errors": errors,
        "_moves": moves,
        "_debriefs": debriefs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--session", default="tariff_dilemma")
    parser.add_argument("--no-share", action="store_true", help="the earlier behaviour")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    result = run(args.students, args.session, not args.no_share)
    print(
        f"classroom: {result['students']} students at once, session {result['session']}, "
        f"{'shared debrief results' if result['share'] else 'no sharing (earlier behaviour)'}"
    )
    print(f"  move    {fmt(result['_moves'])}")
    print(f"  debrief {fmt(result['_debriefs'])}")
    print(
        f"  {result['games']} games, {result['moves']} moves in {result['wall_s']} s; "
        f"{result['computed_results']} counterfactual/ensemble results computed"
    )
    for e in result["errors"]:
        print(f"  ERROR {e}")
    if args.out:
        clean = {k: v for k, v in result.items() if not k.startswith("_")}
        args.out.write_text(json.dumps(clean, indent=1) + "\n")


if __name__ == "__main__":
    main()
