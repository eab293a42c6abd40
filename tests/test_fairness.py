"""Costly misses take turns per client (``api.edge.fairness``): one client's flood of uncached
export pages runs one at a time and queues behind itself, a bounded queue, while another
client's requests, costly or cheap, are answered meanwhile."""

from __future__ import annotations

import asyncio
import itertools

import httpx2
import pytest

from api import Settings, create_app
from api.edge.fairness import WAITING, Fairness, TooMany
from tests.conftest import BUNDLE

pytestmark = pytest.mark.unit

CHEAP = "/v1/muscles/gluteus-maximus"


def test_turns_go_round_the_clients_and_each_queue_is_bounded() -> None:
    async def scenario() -> list[str]:
        fairness = Fairness(running=1, waiting=3)
        started: list[str] = []

        async def request(client: str) -> None:
            await fairness.acquire(client)
            started.append(client)
            await asyncio.sleep(0)
            fairness.release(client)

        await fairness.acquire("a")  # a's first runs
        tasks = [asyncio.create_task(request(c)) for c in ("a", "a", "a", "b", "c", "b")]
        await asyncio.sleep(0)
        with pytest.raises(TooMany):  # a's queue is full: refused at once
            await fairness.acquire("a")
        fairness.release("a")
        await asyncio.gather(*tasks)
        assert fairness.running() == 0
        return started

    # After a's first, each client in turn: a's other two wait behind b's and c's.
    assert asyncio.run(asyncio.wait_for(scenario(), 10)) == ["b", "c", "a", "b", "a", "a"]


def test_a_waiting_request_that_goes_away_gives_up_its_place() -> None:
    async def scenario() -> None:
        fairness = Fairness(running=1, waiting=3)
        await fairness.acquire("a")
        gone = asyncio.create_task(fairness.acquire("b"))
        await asyncio.sleep(0)
        gone.cancel()
        await asyncio.sleep(0)
        fairness.release("a")
        await asyncio.wait_for(fairness.acquire("c"), 1)  # the room went to c, not to a ghost
        assert fairness.running() == 1

    asyncio.run(asyncio.wait_for(scenario(), 10))


def test_a_flood_of_misses_queues_behind_itself_and_others_are_served() -> None:
    """Client A asks 20 distinct export pages at once; client B then asks a cheap item and a
    costly page. A gets one running, WAITING queued and a 429 with Retry-After for the rest; B's
    answers are 200 and its costly page is not kept waiting behind A's queue."""

    async def scenario() -> None:
        app = create_app(Settings(bundle=BUNDLE, render_processes=0))
        finished: list[str] = []

        def client(address: str) -> httpx2.AsyncClient:
            transport = httpx2.ASGITransport(app=app, client=(address, 50_000))
            return httpx2.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000")

        async def ask(http: httpx2.AsyncClient, name: str, url: str) -> httpx2.Response:
            answer = await http.get(url)
            finished.append(name)
            return answer

        pages = itertools.product(("en", "es"), ("ES", "US", "GB", "MX"), (10, 50, 100))
        urls = [f"/v1/export.html?lang={lang}&region={r}&page_size={n}" for lang, r, n in pages]
        async with client("192.0.2.1") as a, client("192.0.2.2") as b:
            flood = [asyncio.create_task(ask(a, f"a{i}", url)) for i, url in enumerate(urls[:20])]
            await asyncio.sleep(0.05)  # A's requests are in: one running, the rest waiting
            cheap = await ask(b, "b-cheap", CHEAP)
            costly = await ask(b, "b-costly", urls[20])
            answers = await asyncio.gather(*flood)
        assert cheap.status_code == costly.status_code == 200
        statuses = sorted(answer.status_code for answer in answers)
        assert statuses == [200] * (1 + WAITING) + [429] * (20 - 1 - WAITING)
        refused = next(answer for answer in answers if answer.status_code == 429)
        assert refused.headers["content-type"] == "application/problem+json"
        assert int(refused.headers["retry-after"]) >= 1
        served = [name for name in finished if name.startswith("a")]
        # B's costly page ran beside A's, not after A's whole queue.
        assert finished.index("b-costly") < finished.index(served[-1])

    asyncio.run(asyncio.wait_for(scenario(), 120))  # bounded, whatever happens


def test_pdfs_wait_for_their_clients_previous_one_but_not_for_the_limit() -> None:
    """A PDF or PNG (``counts=False``: the render pool bounds those, with a 503 when full) waits
    behind its own client's running request, and not behind the limit of costly requests."""

    async def scenario() -> None:
        fairness = Fairness(running=1, waiting=3)
        await fairness.acquire("a")  # the one costly request allowed at once
        await asyncio.wait_for(fairness.acquire("b", counts=False), 1)  # not held by the limit
        second = asyncio.create_task(fairness.acquire("b", counts=False))
        await asyncio.sleep(0)
        assert not second.done()  # b's next waits for b's first
        fairness.release("b")
        await asyncio.wait_for(second, 1)
        assert fairness.running() == 2

    asyncio.run(asyncio.wait_for(scenario(), 10))
