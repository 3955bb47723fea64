"""`manage.py seed_demo`: the demo mall, built by each app's seeder through its services.

Seeders run in the order below; each exposes
`seed(*, rng: random.Random, scale: int, log: Callable[[str], None]) -> list[tuple[str, str, str]]`
and returns the logins it made as (role, username, password). Each gets its own `random.Random`
derived from --seed and its module name, so adding a seeder never changes another's data.
Safe to re-run: seeders upsert on natural keys.
"""

import random
import time
from importlib import import_module
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

SEEDERS = [
    "accounts.demo",
    "shop.demo.catalog",
    "shop.demo.orders",
    "shop.demo.loyalty",
    "feed.demo",
    "community.demo",
    "community.demo_boards",
    "crm.demo",
    "crm.demo_campaigns",
    "crm.demo_chat",
    "crm.demo_engagement",
]


class Command(BaseCommand):
    help = "데모 데이터(회원, 가구, 상품, 주문 내역 ...)를 만들어요. 여러 번 실행해도 같은 결과예요."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=int, default=1, help="데이터 양 배수 (벤치마크용, 기본 1)")
        parser.add_argument("--seed", type=int, default=2026, help="난수 씨앗 (기본 2026)")
        parser.add_argument(
            "--only", nargs="+", metavar="MODULE", choices=SEEDERS, help="이 시더만 실행해요 (예: accounts.demo)"
        )

    def handle(self, *args: Any, scale: int, seed: int, only: list[str] | None, **options: Any) -> None:
        if scale < 1:
            raise CommandError("--scale은 1 이상이어야 해요.")
        modules = [name for name in SEEDERS if not only or name in only]
        logins: list[tuple[str, str, str]] = []
        started = time.monotonic()
        for position, name in enumerate(modules, start=1):
            self.stdout.write(f"[{position}/{len(modules)}] {name} ...")
            module_started = time.monotonic()
            rng = random.Random(f"{seed}:{name}")  # deterministic demo data, not security
            made = import_module(name).seed(rng=rng, scale=scale, log=self._log)
            logins.extend(made)
            self.stdout.write(f"      {time.monotonic() - module_started:.1f}s")
        self.stdout.write(self.style.SUCCESS(f"데모 데이터 준비 완료 ({time.monotonic() - started:.1f}s)"))
        self._print_logins(logins)

    def _log(self, message: str) -> None:
        self.stdout.write(f"    {message}")

    def _print_logins(self, logins: list[tuple[str, str, str]]) -> None:
        if not logins:
            return
        headers = ("역할", "아이디", "비밀번호")
        rows = [headers, *logins]
        widths = [max(_display_width(row[i]) for row in rows) for i in range(3)]
        line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
        self.stdout.write("\n데모 로그인")
        self.stdout.write(line)
        for index, row in enumerate(rows):
            cells = [f" {cell}{' ' * (widths[i] - _display_width(cell))} " for i, cell in enumerate(row)]
            self.stdout.write("|" + "|".join(cells) + "|")
            if index == 0:
                self.stdout.write(line)
        self.stdout.write(line)


def _display_width(text: str) -> int:
    """Korean syllables take two columns in a terminal."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
