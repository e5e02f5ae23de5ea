"""Webhooks of saved searches: signed, retried with back-off, against a loopback receiver."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta
from pathlib import Path

import httpx
import msgspec

from skael_adapters.memory import MemoryDatabase
from skael_adapters.security import HmacTokenService
from skael_adapters.sql import SqlDatabase, migrate
from skael_adapters.stores import LocalStore, StoreLoginThrottle, StoreRevokedTokens
from skael_adapters.system import FixedClock, PycountryCatalog
from skael_adapters.webhooks import SIGNATURE, TIMESTAMP, HttpWebhookSender
from skael_core.model import WebhookDelivery
from skael_core.service import Ports, Skael
from skael_core.usecases.discovery import SearchRequest
from skael_core.usecases.scheduling import SearchTiming
from support import (
    NOW,
    SECRET,
    EchoWriter,
    ListJobSource,
    fast_hasher,
    make_core,
    make_job,
    register,
)
from webhook_receiver import running_receiver


def _sender(client: httpx.AsyncClient, **options: object) -> HttpWebhookSender:
    values: dict[str, object] = {"wait_initial": 0.01, "wait_max": 0.05, "allow_private": True}
    return HttpWebhookSender(client, FixedClock(NOW), **(values | options))  # type: ignore[arg-type]


def _valid(secret: str, headers: dict[str, str], body: bytes) -> bool:
    signed = headers[TIMESTAMP].encode() + b"." + body
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers[SIGNATURE])


async def test_a_delivery_is_signed_and_retried_after_server_errors() -> None:
    with running_receiver() as receiver:
        receiver.script = [503, 500, 200]
        async with httpx.AsyncClient() as client:
            error = await _sender(client).send(receiver.url, "k3y", b'{"a": 1}')
        assert error is None
        assert len(receiver.deliveries) == 3
        last = receiver.deliveries[-1]
        assert last.body == b'{"a": 1}' and _valid("k3y", last.headers, last.body)
        assert last.headers[TIMESTAMP] == str(int(NOW.timestamp()))
        assert not _valid("other", last.headers, last.body)


async def test_a_delivery_gives_up_and_says_why() -> None:
    with running_receiver() as receiver:
        receiver.script = [500]
        async with httpx.AsyncClient() as client:
            sender = _sender(client, attempts=3)
            assert "HTTP 500" in (await sender.send(receiver.url, "k", b"{}") or "")
            assert len(receiver.deliveries) == 3
            receiver.script = [410]
            assert "HTTP 410" in (await sender.send(receiver.url, "k", b"{}") or "")
            assert len(receiver.deliveries) == 4  # a 4xx is final: not retried
            guarded = _sender(client, allow_private=False)
            assert "private" in (await guarded.send(receiver.url, "k", b"{}") or "")
            assert len(receiver.deliveries) == 4


async def test_a_search_run_sends_its_new_matches_to_the_webhook() -> None:
    clock = FixedClock(NOW)
    with running_receiver() as receiver:
        receiver.script = [502, 200]
        async with httpx.AsyncClient() as client:
            core = Skael(
                Ports(
                    uow=MemoryDatabase().unit_of_work,
                    clock=clock,
                    hasher=fast_hasher(),
                    tokens=HmacTokenService(SECRET, clock),
                    revoked=StoreRevokedTokens(LocalStore(), clock),
                    throttle=StoreLoginThrottle(LocalStore()),
                    source=ListJobSource([make_job(n) for n in range(1, 4)]),
                    writer=EchoWriter(),
                    countries=PycountryCatalog(),
                    webhooks=_sender(client),
                )
            )
            ada = await register(core, skills=["python"])
            request = SearchRequest(webhook_url=receiver.url)
            search = await core.create_search.execute(ada.user_id, None, request)
            (run,) = await core.run_due_searches.execute()
            clock.advance(days=1)
            (again,) = await core.run_due_searches.execute()
    assert run.webhook == "delivered" and len(receiver.deliveries) == 2
    delivery = receiver.deliveries[-1]
    assert search.webhook_secret and _valid(search.webhook_secret, delivery.headers, delivery.body)
    sent = json.loads(delivery.body)
    assert sent["event"] == "new_matches" and sent["search_id"] == search.id
    assert sorted(m["notification_id"] for m in sent["matches"]) == sorted(
        n.id for n in run.notified
    )
    assert {m["job_title"] for m in sent["matches"]} == {"Senior Python Developer"}
    assert again.notified == () and again.webhook is None  # nothing new: nothing sent


async def test_a_host_name_of_a_private_address_is_refused_before_any_request() -> None:
    names = {
        "inside.example": ["93.184.216.34", "10.0.0.7"],  # one private address is enough
        "mapped.example": ["::ffff:127.0.0.1"],
        "metadata.example": ["169.254.169.254"],
        "zero.example": ["0.0.0.0"],
        "shared.example": ["100.100.100.200"],  # shared address space: a cloud's metadata
        "sixtofour.example": ["2002:7f00:1::"],  # 127.0.0.1 inside an IPv6 address
    }
    asked: list[tuple[str, int]] = []

    async def resolver(host: str, port: int) -> list[str]:
        asked.append((host, port))
        return names.get(host, [])

    requests: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200)

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        sender = _sender(client, allow_private=False, resolver=resolver)
        for host in names:
            refused = await sender.send(f"https://{host}/hook", "k", b"{}")
            assert "private" in (refused or ""), host
        for url in (
            "http://[::1]:8080/h",
            "http://192.168.1.5/h",
            "http://api.localhost/h",
            "http://100.64.0.1/h",
            "http://[64:ff9b::a00:1]/h",
            "http://[fec0::1]/h",
            "http://127.0.0.1./h",
            "http://localhost./h",
        ):
            assert "private" in (await sender.send(url, "k", b"{}") or ""), url
        assert requests == []
        assert ("inside.example", 443) in asked
        names["public.example"] = ["93.184.216.34"]
        assert await sender.send("http://public.example:8080/hook", "k", b"{}") is None
        assert [str(r.url) for r in requests] == ["http://public.example:8080/hook"]
        assert ("public.example", 8080) in asked


async def _outbox(core: Skael, user_id: int) -> list[WebhookDelivery]:
    async with core.ports.uow(read_only=True) as uow:
        return list((await uow.webhook_outbox.list(user_id, False, 0, 10)).items)


async def test_a_failed_delivery_is_tried_again_by_later_rounds_and_after_a_restart(
    tmp_path: Path,
) -> None:
    """The receiver fails, the worker stops, a new one over the same SQLite file delivers."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'skael.db'}"
    await migrate.upgrade(url)
    clock = FixedClock(NOW)
    timing = SearchTiming(webhook_retry_after=timedelta(minutes=5), webhook_tries=4)
    source = ListJobSource([make_job(n) for n in range(1, 4)])
    with running_receiver() as receiver:
        receiver.script = [503, 503, 503, 503, 200]  # two rounds of two requests fail
        database = SqlDatabase.from_url(url)
        async with httpx.AsyncClient() as client:
            core = make_core(
                database.unit_of_work,
                clock=clock,
                source=source,
                timing=timing,
                webhooks=_sender(client, attempts=2),
            )
            ada = await register(core, skills=["python"])
            request = SearchRequest(webhook_url=receiver.url)
            search = await core.create_search.execute(ada.user_id, None, request)
            (run,) = await core.run_due_searches.execute()
            assert "HTTP 503" in (run.webhook or "") and len(run.notified) == 3
            (waiting,) = await _outbox(core, ada.user_id)
            assert waiting.attempts == 1 and waiting.pending
            assert waiting.next_attempt_at == NOW + timedelta(minutes=5)
            assert await core.run_due_searches.deliver_due() == []  # not due yet
            clock.advance(minutes=5)
            (again,) = await core.run_due_searches.deliver_due()
            assert "HTTP 503" in (again.error or "")
            (waiting,) = await _outbox(core, ada.user_id)
            assert waiting.attempts == 2 and waiting.next_attempt_at == clock.now() + timedelta(
                minutes=10
            )
        await database.dispose()  # the worker stops

        clock.advance(minutes=10)
        database = SqlDatabase.from_url(url)
        async with httpx.AsyncClient() as client:
            restarted = make_core(
                database.unit_of_work,
                clock=clock,
                source=source,
                timing=timing,
                webhooks=_sender(client, attempts=2),
            )
            (delivered,) = await restarted.run_due_searches.deliver_due()
            assert delivered.error is None
            assert await restarted.run_due_searches.deliver_due() == []
            (done,) = await _outbox(restarted, ada.user_id)
        await database.dispose()
    assert done.delivered_at == clock.now() and done.attempts == 3 and not done.pending
    assert len(receiver.deliveries) == 5
    bodies = {d.body for d in receiver.deliveries}
    assert len(bodies) == 1  # every try sends the run's body as it was first written
    last = receiver.deliveries[-1]
    assert search.webhook_secret and _valid(search.webhook_secret, last.headers, last.body)
    sent = json.loads(last.body)
    assert sorted(m["notification_id"] for m in sent["matches"]) == sorted(
        n.id for n in run.notified
    )


async def test_a_delivery_is_given_up_after_its_last_try_and_recorded() -> None:
    clock = FixedClock(NOW)
    timing = SearchTiming(webhook_retry_after=timedelta(minutes=1), webhook_tries=3)
    with running_receiver() as receiver:
        receiver.script = [500]
        async with httpx.AsyncClient() as client:
            core = make_core(
                MemoryDatabase().unit_of_work,
                clock=clock,
                source=ListJobSource([make_job(1)]),
                timing=timing,
                webhooks=_sender(client, attempts=1),
            )
            ada = await register(core, skills=["python"])
            request = SearchRequest(webhook_url=receiver.url)
            await core.create_search.execute(ada.user_id, None, request)
            await core.run_due_searches.execute()
            for wait in (1, 2):
                clock.advance(minutes=wait)
                assert len(await core.run_due_searches.deliver_due()) == 1
            clock.advance(days=1)
            assert await core.run_due_searches.deliver_due() == []  # given up: never again
            (given_up,) = await _outbox(core, ada.user_id)
            activity = await core.list_activity.execute(ada.user_id, None)
    assert len(receiver.deliveries) == 3
    assert given_up.attempts == 3 and given_up.gave_up_at == NOW + timedelta(minutes=3)
    assert "HTTP 500" in (given_up.last_error or "") and not given_up.pending
    abandoned = [a for a in activity.items if a.action_type == "WEBHOOK_ABANDONED"]
    assert len(abandoned) == 1 and abandoned[0].metadata["attempts"] == 3


async def test_a_delivery_whose_search_is_deleted_is_given_up() -> None:
    clock = FixedClock(NOW)
    with running_receiver() as receiver:
        receiver.script = [503]
        async with httpx.AsyncClient() as client:
            core = make_core(
                MemoryDatabase().unit_of_work,
                clock=clock,
                source=ListJobSource([make_job(1)]),
                webhooks=_sender(client, attempts=1),
            )
            ada = await register(core, skills=["python"])
            request = SearchRequest(webhook_url=receiver.url)
            search = await core.create_search.execute(ada.user_id, None, request)
            await core.run_due_searches.execute()
            await core.delete_search.execute(ada.user_id, search.id)
            clock.advance(hours=1)
            (attempt,) = await core.run_due_searches.deliver_due()
            (given_up,) = await _outbox(core, ada.user_id)
    assert "removed" in (attempt.error or "") and len(receiver.deliveries) == 1
    assert given_up.gave_up_at is not None and given_up.search_id is None


async def test_a_url_httpx_cannot_call_is_an_error_of_the_delivery() -> None:
    requests: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200)

    async def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34"]

    bad = [
        "http://x.example:abc/",
        "http://x.example:99999/",
        "https://\uff58.example/",
        "https://xn--.example/",
    ]
    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        for allow_private in (False, True):
            sender = _sender(client, allow_private=allow_private, resolver=resolver)
            for url in bad:
                error = await sender.send(url, "k", b"{}")
                assert "cannot be called" in (error or ""), url
    assert requests == []


async def test_a_stored_url_that_cannot_be_called_stops_no_other_search() -> None:
    """A webhook URL stored before ``webhook_url`` refused it (a port that is not a
    number) fails its own delivery; the run goes on and delivers the next search's."""
    database = MemoryDatabase()
    requests: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200)

    async def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34"]

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        core = make_core(
            database.unit_of_work,
            source=ListJobSource([make_job(n) for n in range(1, 4)]),
            webhooks=_sender(client, attempts=1, allow_private=False, resolver=resolver),
        )
        ada = await register(core, skills=["python"], email="ada@example.com")
        bob = await register(core, skills=["python"], email="bob@example.com")
        broken = await core.create_search.execute(ada.user_id, None, SearchRequest())
        async with database.unit_of_work() as uow:
            stored = msgspec.structs.replace(
                broken, webhook_url="http://hooks.example.com:abc/", webhook_secret="k"
            )
            assert await uow.saved_searches.update(stored)
            await uow.commit()
        request = SearchRequest(webhook_url="http://hooks.example.com:8080/")
        fine = await core.create_search.execute(bob.user_id, None, request)
        runs = {run.search_id: run for run in await core.run_due_searches.execute()}
    assert runs[fine.id].webhook == "delivered" and runs[fine.id].notified
    assert "cannot be called" in (runs[broken.id].webhook or "")
    (failed,) = await _outbox(core, ada.user_id)
    assert failed.pending and "cannot be called" in (failed.last_error or "")
    assert [str(r.url) for r in requests] == ["http://hooks.example.com:8080/"]
