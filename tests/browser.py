"""Shared pieces for the real-browser journeys: the app on loopback and Debian's chromium.

Playwright's own browser download does not work offline, so the journeys drive the system
``chromium`` (Debian package) through Playwright with ``executable_path``.
"""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app import build_app, launch_kwargs
from assistant.config import PROJECT_ROOT, Settings
from assistant.services import Services

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENS_DIR = PROJECT_ROOT / "test-artifacts" / "screens"
CLINICIAN = ("dr.sara", "a long clinician password")
ADMIN = ("admin", "a long admin password")


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True, slots=True)
class RunningApp:
    services: Services
    url: str


@contextmanager
def running_app(data_dir: Path) -> Iterator[RunningApp]:
    """The real app (real fleet, SQLite under ``data_dir``) on a free loopback port."""
    # Everything a clinic runs (knowledge store, speech), but the narrative model: loading it
    # would only slow the browser down here (tests/test_summarizer.py drives it).
    settings = Settings(data_dir=data_dir, host="127.0.0.1", port=free_port(), llm_enabled=False)
    services = Services.full(settings)
    services.warm_up()
    services.users.add(CLINICIAN[0], CLINICIAN[1], ["clinician"])
    services.users.add(ADMIN[0], ADMIN[1], ["admin"])
    (settings.data_dir / "exports").mkdir(parents=True, exist_ok=True)
    demo = build_app(services)
    demo.queue(default_concurrency_limit=8).launch(
        prevent_thread_lock=True, quiet=True, **launch_kwargs(services)
    )
    try:
        yield RunningApp(services, f"http://127.0.0.1:{settings.port}/")
    finally:
        demo.close()


@contextmanager
def chromium(profile_dir: Path) -> Iterator[BrowserContext]:
    """Headless Debian chromium with a fresh profile; downloads accepted."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        raise RuntimeError("chromium is not installed (apt-get install chromium)")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile_dir),
            executable_path=executable,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1200, "height": 1000},
            accept_downloads=True,
            locale="en-US",
        )
        context.set_default_timeout(20_000)
        try:
            yield context
        finally:
            context.close()


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screens/ and return its path."""
    SCREENS_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENS_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
