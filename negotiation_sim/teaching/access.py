"""Who may open the instructor view: the token, a login held by the browser, and a brake
on guessing.

* The instructor types the token (``NEGOTIATION_SIM_INSTRUCTOR_TOKEN``) or opens a link
  with ``?token=...``; either way the page then drops the token from the address, and the
  login is held by the browser's session cookie (Solara's ``solara-session-id``): the
  server keeps a hash of that cookie's value, for ``LOGIN_HOURS``, in the store, so a
  server restart keeps the instructor logged in.
* ``Throttle``: each wrong token doubles the wait before that browser may try again
  (1 s, 2 s, 4 s, ... up to 5 minutes), and when the whole server has seen
  ``SERVER_BUDGET`` wrong tokens within a minute every client waits for the oldest to
  age out (a client that drops its cookie gets no fresh start that way). During a wait
  the token is not even checked, except that the same wrong token from the same browser
  is answered as before and not counted again: it tells the guesser nothing new, and a
  page that opens a ``?token=`` link twice (a reconnect) must not lock the teacher out.
"""

from __future__ import annotations

import hmac
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from negotiation_sim.teaching.store import GameStore, secret_hash

LOGIN_HOURS = 12.0
BASE_DELAY = 1.0
MAX_DELAY = 300.0
SERVER_WINDOW = 60.0
SERVER_BUDGET = 30


class Throttle:
    """Exponential delay after failed attempts, per client and for the whole server."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        base: float = BASE_DELAY,
        cap: float = MAX_DELAY,
        window: float = SERVER_WINDOW,
        budget: int = SERVER_BUDGET,
    ) -> None:
        self.clock, self.base, self.cap = clock, base, cap
        self.window, self.budget = window, budget
        self._lock = threading.Lock()
        self._clients: dict[str, tuple[int, float]] = {}  # failures in a row, last failure
        self._recent: deque[float] = deque()

    def wait(self, client: str) -> float:
        """Seconds until ``client`` may try again (0: now)."""
        now = self.clock()
        with self._lock:
            while self._recent and now - self._recent[0] >= self.window:
                self._recent.popleft()
            server = 0.0
            if len(self._recent) >= self.budget:
                server = self.window - (now - self._recent[0])
            n, last = self._clients.get(client, (0, 0.0))
            own = 0.0 if n == 0 else self.delay(n) - (now - last)
            return max(0.0, own, server)

    def delay(self, failures: int) -> float:
        """The wait after ``failures`` wrong tries in a row."""
        return min(self.cap, self.base * 2.0 ** (failures - 1))

    def failed(self, client: str) -> float:
        """Count a wrong try; returns the wait before the next one."""
        now = self.clock()
        with self._lock:
            n, _ = self._clients.get(client, (0, 0.0))
            self._clients[client] = (n + 1, now)
            self._recent.append(now)
        return self.wait(client)

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._clients.pop(client, None)


def _wrong(wait: float) -> str:
    return f"Wrong instructor token. Wait {math.ceil(wait)} s before the next try."


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    message: str = ""
    wait: float = 0.0


class InstructorAccess:
    """The instructor token, browser logins and the throttle of one server."""

    def __init__(
        self,
        token: str,
        store: GameStore,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.token = token or ""
        self.store = store
        self.wall = wall
        self.throttle = Throttle(clock)
        self._lock = threading.Lock()
        self._logins = dict(store.logins())
        self._last_wrong: dict[str, str] = {}  # client -> hash of its last wrong token

    @property
    def enabled(self) -> bool:
        return bool(self.token)

    def check_token(self, given: str | None) -> bool:
        """True only for the exact instructor token (compared in constant time)."""
        if not self.token or not given:
            return False
        return hmac.compare_digest(str(given).encode(), self.token.encode())

    def login(self, given: str | None, browser: str) -> LoginResult:
        """Check a token typed in or given in a link by ``browser`` (its session secret);
        on success the browser stays logged in for ``LOGIN_HOURS``."""
        if not self.enabled:
            return LoginResult(False, "The instructor view is switched off on this server.")
        client = secret_hash(browser) or "anonymous"
        wait = self.throttle.wait(client)
        repeated = bool(given) and self._last_wrong.get(client) == secret_hash(given)
        if wait > 0 and repeated:
            return LoginResult(False, _wrong(wait), wait)
        if wait > 0:
            message = f"Too many wrong tokens: try again in {math.ceil(wait)} s."
            return LoginResult(False, message, wait)
        if not self.check_token(given):
            wait = self.throttle.failed(client)
            with self._lock:
                self._last_wrong[client] = secret_hash(given)
            return LoginResult(False, _wrong(wait), wait)
        self.throttle.succeeded(client)
        with self._lock:
            self._last_wrong.pop(client, None)
        if browser:
            expires = self.wall() + 3600.0 * LOGIN_HOURS
            with self._lock:
                self._logins[secret_hash(browser)] = expires
            self.store.save_login(browser, expires)
        return LoginResult(True)

    def logged_in(self, browser: str) -> bool:
        if not self.enabled or not browser:
            return False
        with self._lock:
            expires = self._logins.get(secret_hash(browser))
        return expires is not None and expires > self.wall()

    def logout(self, browser: str) -> None:
        with self._lock:
            self._logins.pop(secret_hash(browser), None)
        self.store.save_login(browser, 0.0)
