"""The SMTP client against a real server: back-off, failure kinds, partial refusals."""

from __future__ import annotations

import pytest
from fixtures_mail import MailHandler, MailServer, free_port

from xlreports.distribute.config import SmtpConfig
from xlreports.distribute.smtp import Mailer, RetryPolicy, SmtpFatal

MESSAGE = b"Subject: test\r\n\r\n.hidden line\r\nbody\r\n"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def policy(total: float = 300.0) -> tuple[RetryPolicy, Clock]:
    clock = Clock()
    return RetryPolicy(total=total, sleep=clock.sleep, clock=clock), clock


def config(port: int, **extra) -> SmtpConfig:
    return SmtpConfig(host="127.0.0.1", port=port, security="none", sender="s@example.gov.cn", **extra)


@pytest.fixture
def server():
    with MailServer(MailHandler()) as running:
        yield running


def test_backoff_doubles_and_the_budget_bounds_it():
    retry, _ = policy(total=100)
    delays = []
    attempt = 1
    while (delay := retry.next_delay(attempt)) is not None:
        delays.append(delay)
        retry.wait(delay)
        attempt += 1
    assert delays == [5, 10, 20, 40, 25]
    assert sum(delays) == 100


def test_time_spent_failing_counts_against_the_budget():
    retry, clock = policy(total=60)
    clock.now = 50.0
    retry.failed_attempt(started=0.0)  # an attempt that timed out after 50 s
    assert retry.next_delay(1) == 5
    retry.wait(5)
    assert retry.next_delay(2) == 5  # only 5 s of the budget left
    retry.wait(5)
    assert retry.next_delay(3) is None


def test_unreachable_server_gives_up_within_the_budget():
    retry, clock = policy(total=30)
    with Mailer(config(free_port(), timeout=2), retry) as mailer, pytest.raises(SmtpFatal, match="无法连接邮件服务器"):
        mailer.check()
    assert sum(clock.sleeps) <= 30 and len(clock.sleeps) >= 3


def test_starttls_is_required_when_asked_for(server):
    retry, _ = policy()
    starttls = SmtpConfig(host="127.0.0.1", port=server.port, security="starttls")
    with Mailer(starttls, retry) as mailer, pytest.raises(SmtpFatal, match="不支持 STARTTLS"):
        mailer.check()


def test_partial_refusal_is_sent_and_reported(server):
    server.handler.refuse["cc@example.gov.cn"] = "550 No such user"
    retry, _ = policy()
    with Mailer(config(server.port), retry) as mailer:
        outcome = mailer.send("s@example.gov.cn", ["to@example.gov.cn", "cc@example.gov.cn"], MESSAGE)
    assert outcome.sent
    assert outcome.refused == {"cc@example.gov.cn": "550 No such user"}
    assert server.handler.messages["to@example.gov.cn"] == [MESSAGE]  # the leading dot was stuffed and unstuffed


def test_rejected_content_is_permanent_and_the_next_message_goes(server):
    server.handler.data_replies = ["554 5.7.1 Message rejected"]
    retry, clock = policy()
    with Mailer(config(server.port), retry) as mailer:
        rejected = mailer.send("s@example.gov.cn", ["a@example.gov.cn"], MESSAGE)
        accepted = mailer.send("s@example.gov.cn", ["b@example.gov.cn"], MESSAGE)
    assert not rejected.sent and "554 5.7.1 Message rejected" in rejected.reason and not rejected.server_down
    assert accepted.sent and not clock.sleeps


def test_before_data_is_called_once_the_recipients_are_accepted(server):
    server.handler.refuse["gone@example.gov.cn"] = "550 No such user"
    calls = []
    retry, _ = policy()
    with Mailer(config(server.port), retry) as mailer:
        mailer.send("s@example.gov.cn", ["gone@example.gov.cn"], MESSAGE, before_data=lambda: calls.append("x"))
        assert calls == []
        mailer.send("s@example.gov.cn", ["a@example.gov.cn"], MESSAGE, before_data=lambda: calls.append("y"))
    assert calls == ["y"]


def test_connection_dropped_after_data_is_uncertain(server):
    server.handler.drop_after = 0
    retry, clock = policy(total=20)
    with Mailer(config(server.port), retry) as mailer:
        outcome = mailer.send("s@example.gov.cn", ["a@example.gov.cn"], MESSAGE)
    assert not outcome.sent and outcome.uncertain and outcome.server_down
    assert sum(clock.sleeps) <= 20
